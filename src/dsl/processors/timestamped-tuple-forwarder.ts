import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record } from '../../processor/record.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { change, type Change } from '../internal/change.js';

/**
 * Forwards a stateful table processor's updates (Kafka's `TimestampedTupleForwarder` with its
 * `TimestampedCacheFlushListener`). With a record cache in front of the store, the processor
 * forwards nothing itself: the cache forwards each dirty key's latest value when it flushes, with
 * the stored timestamp and, when asked for, the store's old value (SEMANTICS §5.3). Without a
 * cache, each update is forwarded at once; old values only when downstream asked for them.
 */
export class TimestampedTupleForwarder<K, V> {
  readonly #context: ProcessorContext<K, Change<V>>;
  readonly #sendOldValues: boolean;
  readonly #cachingEnabled: boolean;

  /** @param store the processor's store; undefined for a processor without one (never cached) */
  constructor(store: TimestampedKeyValueStore<K, V> | undefined, context: ProcessorContext<K, Change<V>>, sendOldValues: boolean) {
    this.#context = context;
    this.#sendOldValues = sendOldValues;
    this.#cachingEnabled = store === undefined
      ? false
      : store.setFlushListener(
        (flushed) => context.forward(new Record(
          flushed.key,
          change(flushed.newValue === null ? null : flushed.newValue.value, flushed.oldValue === null ? null : flushed.oldValue.value),
          flushed.timestamp,
          flushed.headers,
        )),
        sendOldValues,
      );
  }

  maybeForward(record: Record<K, Change<V>>): void | Promise<void> {
    if (this.#cachingEnabled) return undefined;
    if (this.#sendOldValues) return this.#context.forward(record);
    return this.#context.forward(record.value.oldValue === null ? record : record.withValue(change(record.value.newValue)));
  }
}
