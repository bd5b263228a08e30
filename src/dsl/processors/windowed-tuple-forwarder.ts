import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { Windowed } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';

/** Sets a record cache's flush listener that forwards with `forward`; returns whether a cache sits below. */
export type FlushListenerSetter<K, V> = (forward: (record: Record<Windowed<K>, Change<V>>) => void | Promise<void>) => boolean;

/**
 * Forwards a windowed aggregation's updates (Kafka's `TimestampedTupleForwarder` with its
 * `TimestampedCacheFlushListener` / `SessionCacheFlushListener`). With a record cache in front of
 * the store the processor forwards nothing itself: the cache forwards each dirty window's latest
 * value when it flushes (SEMANTICS §5.3). Without one, each update is forwarded at once; old values
 * only when downstream asked for them (§5.2).
 */
export class WindowedTupleForwarder<K, V> {
  readonly #context: ProcessorContext<Windowed<K>, Change<V>>;
  readonly #sendOldValues: boolean;
  readonly #cachingEnabled: boolean;

  constructor(context: ProcessorContext<Windowed<K>, Change<V>>, sendOldValues: boolean, setFlushListener: FlushListenerSetter<K, V>) {
    this.#context = context;
    this.#sendOldValues = sendOldValues;
    this.#cachingEnabled = setFlushListener((record) => context.forward(record));
  }

  /** True when the record cache forwards (and {@link maybeForward} does nothing). */
  get cachingEnabled(): boolean {
    return this.#cachingEnabled;
  }

  maybeForward(record: Record<Windowed<K>, Change<V>>): void | Promise<void> {
    if (this.#cachingEnabled) return undefined;
    if (this.#sendOldValues || record.value.oldValue === null) return this.#context.forward(record);
    return this.#context.forward(record.withValue(change(record.value.newValue)));
  }
}
