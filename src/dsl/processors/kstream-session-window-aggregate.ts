import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record } from '../../processor/record.js';
import type { CachedSessionStore } from '../../state/cached-session-store.js';
import type { KeyValue } from '../../state/key-value-store.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { SessionWindow, Windowed, type Window } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import type { SessionWindows } from '../session-windows.js';
import { fillDefaultKeySerde, type DefaultKeySerdeHolder, type WindowAggregation } from './window-aggregation.js';
import { dropForExpiredWindow, dropUnusableRecord } from './window-dropped-records.js';
import { WindowedTupleForwarder } from './windowed-tuple-forwarder.js';

/** How sessions merge: `merger(key, aggregate, otherSessionAggregate)` (Kafka's `Merger`). */
export type SessionMerger<K, VA> = (key: K, aggregate: VA | null, other: VA | null) => VA | null;

/**
 * `SessionWindowedKStream.aggregate` / `reduce` / `count` (Kafka's `KStreamSessionWindowAggregate`,
 * SEMANTICS §4). For a record `(k, v)@t` with gap `G`:
 *
 * - the sessions of `k` with `end >= t - G` and `start <= t + G` are found, in (end, start) order,
 *   and merged into `[min start, max end]` (including `t`): `initializer()`, then `merger` with
 *   each found session's aggregate, then `aggregator` with the record (§4.1, §4.2);
 * - the record is dropped (counted) when the merged session ends before
 *   `observedStreamTime - grace - G` (§4.3);
 * - unless the merged session is just `[t, t]`, each found session is removed and retracted with a
 *   tombstone at its own end, then the merged session is written and forwarded at its end, with
 *   old value null (§4.4, §1.5). Null keys are dropped; null values reach the aggregator.
 *
 * Forwarded records carry no headers (Kafka builds new records here); through the record cache
 * they carry those of the session's last update.
 */
export class KStreamSessionWindowAggregate<K, V, VA> implements KTableProcessorSupplier<Windowed<K>, VA> {
  #sendOldValues = false;

  constructor(
    readonly windows: SessionWindows,
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly merger: SessionMerger<K, VA>,
    private readonly keySerdeHolder?: DefaultKeySerdeHolder,
  ) {}

  get(): Processor<K, V, Windowed<K>, Change<VA>> {
    return new KStreamSessionWindowAggregateProcessor(this.windows, this.storeName, this.aggregation, this.merger, this.#sendOldValues, this.keySerdeHolder);
  }

  /** Reads a session's aggregate, timestamped with the session end (Kafka's `KTableSessionWindowValueGetter`). */
  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    const storeName = this.storeName;
    return {
      storeNames: () => [storeName],
      get: () => {
        let store: CachedSessionStore<K, VA> | undefined;
        return {
          init(context) {
            store = context.getStateStore<CachedSessionStore<K, VA>>(storeName);
          },
          async get(windowedKey) {
            const window = windowedKey.window();
            const aggregate = await (store as CachedSessionStore<K, VA>).fetchSession(windowedKey.key(), window.start(), window.end());
            return aggregate === undefined ? null : ValueAndTimestamp.make(aggregate, window.end());
          },
        };
      },
    };
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [this.storeBuilder];
  }
}

class KStreamSessionWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  #context!: ProcessorContext<Windowed<K>, Change<VA>>;
  #store!: CachedSessionStore<K, VA>;
  #forwarder!: WindowedTupleForwarder<K, VA>;
  #observedStreamTime = -1;

  constructor(
    private readonly windows: SessionWindows,
    private readonly storeName: string,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly merger: SessionMerger<K, VA>,
    private readonly sendOldValues: boolean,
    private readonly keySerdeHolder: DefaultKeySerdeHolder | undefined,
  ) {}

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#context = context;
    fillDefaultKeySerde(this.keySerdeHolder, context.appConfigs());
    const store = context.getStateStore<CachedSessionStore<K, VA>>(this.storeName);
    this.#store = store;
    // Kafka's SessionCacheFlushListener: a flushed session is forwarded at its end.
    this.#forwarder = new WindowedTupleForwarder<K, VA>(context, this.sendOldValues, (forward) =>
      typeof store.setFlushListener === 'function' && store.setFlushListener(
        (flushed) => forward(new Record(flushed.key, change(flushed.newValue, flushed.oldValue), flushed.key.window().end(), flushed.headers)),
        this.sendOldValues,
      ));
  }

  async process(record: Record<K, V>): Promise<void> {
    const key = record.key;
    if (key === null || key === undefined) {
      dropUnusableRecord(this.#context, 'null key', 'KStreamSessionWindowAggregate');
      return;
    }
    const t = record.timestamp;
    const gap = this.windows.inactivityGap();
    this.#observedStreamTime = Math.max(this.#observedStreamTime, t);
    const closeTime = this.#observedStreamTime - this.windows.gracePeriodMs() - gap;

    const merged: Array<KeyValue<Windowed<K>, VA>> = [];
    const newSessionWindow = new SessionWindow(t, t);
    let mergedStart = t;
    let mergedEnd = t;
    let agg = this.aggregation.initializer();
    for await (const session of this.#store.findSessions(key, t - gap, t + gap)) {
      merged.push(session);
      agg = this.merger(key, agg, session.value);
      mergedStart = Math.min(mergedStart, session.key.window().start());
      mergedEnd = Math.max(mergedEnd, session.key.window().end());
    }
    const mergedWindow = new SessionWindow(mergedStart, mergedEnd);

    if (mergedEnd < closeTime) {
      dropForExpiredWindow(this.#context, t, `[${mergedStart},${mergedEnd}]`, closeTime, this.#observedStreamTime);
      return;
    }
    if (!mergedWindow.equals(newSessionWindow)) {
      for (const session of merged) {
        await this.#store.remove(session.key);
        await this.#maybeForwardUpdate(session.key, session.value, null);
      }
    }
    agg = this.aggregation.aggregator(key, record.value, agg);
    const sessionKey = new Windowed(key, mergedWindow);
    await this.#store.put(sessionKey, agg);
    await this.#maybeForwardUpdate(sessionKey, null, agg);
  }

  #maybeForwardUpdate(windowedKey: Windowed<K>, oldAgg: VA | null, newAgg: VA | null): void | Promise<void> {
    const window: Window = windowedKey.window();
    return this.#forwarder.maybeForward(new Record(windowedKey, change(newAgg, oldAgg), window.end()));
  }
}
