import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedWindowStore } from '../../state/timestamped-window-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { Windowed } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import type { EmitStrategyType } from '../emit-strategy.js';
import type { TimeWindows } from '../time-windows.js';
import type { TimeWindowedSerde } from '../windowed-serdes.js';
import { EmitFinalThrottle } from './emit-final-throttle.js';
import { WindowEmitIndex } from './emit-final-time-index.js';
import { fillDefaultKeySerde, type WindowAggregation } from './window-aggregation.js';
import { dropForExpiredWindow, dropUnusableRecord } from './window-dropped-records.js';
import { WindowedTupleForwarder } from './windowed-tuple-forwarder.js';

/**
 * `TimeWindowedKStream.aggregate` / `reduce` / `count` (Kafka's `KStreamWindowAggregate`,
 * SEMANTICS §2): each record updates every window `TimeWindows.windowsFor` gives for its
 * timestamp, in ascending start order, as long as the window has not closed:
 *
 * - `observedStreamTime` (max timestamp seen by this processor, §1.4) is advanced first; a window
 *   is updated iff `end > observedStreamTime - grace`, else the record is dropped from that window
 *   (logged and counted once per window, §2.2);
 * - a new window starts from `initializer()` and takes the record's timestamp; an existing one
 *   takes `max(record ts, window ts)` (§2.4, §1.5);
 * - null keys are dropped; null values reach the aggregator (§2.3);
 * - updates go to a timestamped window store and downstream as `Change(new, old)` of the windowed
 *   key, through the record cache when there is one (§5.3); the old value of a new window is the
 *   initializer's result (Kafka's quirk, §5.2);
 * - with `EmitStrategy.onWindowClose()` (§5.7) nothing is forwarded per update; instead, windows
 *   that closed (end <= observedStreamTime - grace) are read back from the store and forwarded once
 *   each, as `Change(aggregate, null)` with the window's stored timestamp.
 */
export class KStreamWindowAggregate<K, V, VA> implements KTableProcessorSupplier<Windowed<K>, VA> {
  #sendOldValues = false;

  /**
   * @param keySerdeHolder the result's windowed key serde, filled with `default.key.serde` at start when it has none
   */
  constructor(
    readonly windows: TimeWindows,
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly keySerdeHolder?: TimeWindowedSerde<K>,
    readonly emitStrategy: EmitStrategyType = 'ON_WINDOW_UPDATE',
  ) {}

  get(): Processor<K, V, Windowed<K>, Change<VA>> {
    return new KStreamWindowAggregateProcessor(this.windows, this.storeName, this.aggregation, this.#sendOldValues, this.keySerdeHolder, this.emitStrategy);
  }

  view(): KTableValueGetterSupplier<Windowed<K>, VA> {
    return windowStoreValueGetterSupplier(this.storeName);
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [this.storeBuilder];
  }
}

/** Reads a windowed table's value from its timestamped window store (Kafka's `KStreamWindowAggregateValueGetter`). */
export function windowStoreValueGetterSupplier<K, VA>(storeName: string): KTableValueGetterSupplier<Windowed<K>, VA> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: TimestampedWindowStore<K, VA> | undefined;
      return {
        init(context) {
          store = context.getStateStore<TimestampedWindowStore<K, VA>>(storeName);
        },
        async get(windowedKey) {
          return (await (store as TimestampedWindowStore<K, VA>).fetch(windowedKey.key(), windowedKey.window().start())) ?? null;
        },
      };
    },
  };
}

class KStreamWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  #context!: ProcessorContext<Windowed<K>, Change<VA>>;
  #store!: TimestampedWindowStore<K, VA>;
  #forwarder!: WindowedTupleForwarder<K, VA>;
  #observedStreamTime = -1;
  readonly #emitFinal: boolean;
  #throttle!: EmitFinalThrottle;
  /** Emit-final: the stored windows no pass read yet, by start. */
  #toEmit!: WindowEmitIndex<K, VA>;
  /** The newest window start this processor wrote (-1: none yet, e.g. after a restart). */
  #newestStart = -1;

  constructor(
    private readonly windows: TimeWindows,
    private readonly storeName: string,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly sendOldValues: boolean,
    private readonly keySerdeHolder: TimeWindowedSerde<K> | undefined,
    emitStrategy: EmitStrategyType,
  ) {
    this.#emitFinal = emitStrategy === 'ON_WINDOW_CLOSE';
  }

  init(context: ProcessorContext<Windowed<K>, Change<VA>>): void {
    this.#context = context;
    fillDefaultKeySerde(this.keySerdeHolder, context.appConfigs());
    const store = context.getStateStore<TimestampedWindowStore<K, VA>>(this.storeName);
    this.#store = store;
    if (this.#emitFinal) {
      // As Kafka: no cache flush listener, so a cache below only dedupes writes; final results are read back.
      this.#forwarder = new WindowedTupleForwarder<K, VA>(context, this.sendOldValues, () => false);
      this.#throttle = new EmitFinalThrottle(context as ProcessorContext<unknown, unknown>, this.storeName);
      this.#toEmit = new WindowEmitIndex(store, (key) => this.keySerdeHolder?.inner?.serialize(this.storeName, key) ?? Buffer.from(String(key)));
      return;
    }
    this.#forwarder = new WindowedTupleForwarder<K, VA>(context, this.sendOldValues, (forward) =>
      store.setFlushListener(
        (flushed) => forward(new Record(
          flushed.key,
          change(ValueAndTimestamp.getValueOrNull(flushed.newValue), ValueAndTimestamp.getValueOrNull(flushed.oldValue)),
          flushed.timestamp,
          flushed.headers,
        )),
        this.sendOldValues,
      ));
  }

  async process(record: Record<K, V>): Promise<void> {
    const key = record.key;
    if (key === null || key === undefined) {
      dropUnusableRecord(this.#context, 'null key', 'KStreamWindowAggregate');
      return;
    }
    const timestamp = record.timestamp;
    this.#observedStreamTime = Math.max(this.#observedStreamTime, timestamp);
    const closeTime = this.#observedStreamTime - this.windows.gracePeriodMs();
    const { initializer, aggregator } = this.aggregation;
    // Kafka emits final results after the record's updates; those updates never touch a closed
    // window, so emitting first gives the same output, and reads the closed windows before the
    // record's new windows advance the store's retention past them.
    const windows = this.windows.windowsFor(timestamp);
    if (this.#emitFinal) {
      await this.#toEmit.build();
      // The store hides windows older than its newest start minus the retention (size + grace by
      // default), which are exactly the closed ones: a put that opens a newer window would hide
      // closed windows not emitted yet, so the emit pass then runs whatever the throttle says.
      let opensNewer = false;
      for (const start of windows.keys()) if (start > this.#newestStart) opensNewer = true;
      await this.#maybeEmitFinal(record, closeTime, opensNewer);
    }
    for (const [start, window] of windows) {
      if (window.end() <= closeTime) {
        dropForExpiredWindow(this.#context, timestamp, `[${start},${window.end()})`, closeTime, this.#observedStreamTime);
        continue;
      }
      const stored = await this.#store.fetch(key, start);
      let oldAgg = ValueAndTimestamp.getValueOrNull(stored);
      let newTimestamp: number;
      if (oldAgg === null) {
        oldAgg = initializer();
        newTimestamp = timestamp;
      } else {
        newTimestamp = Math.max(timestamp, (stored as ValueAndTimestamp<VA>).timestamp);
      }
      const newAgg = aggregator(key, record.value, oldAgg);
      await this.#store.put(key, ValueAndTimestamp.make(newAgg, newTimestamp), start);
      if (start > this.#newestStart) this.#newestStart = start;
      if (this.#emitFinal) this.#toEmit.add(key, start);
      else await this.#forwarder.maybeForward(new Record(new Windowed(key, window), change(newAgg, oldAgg), newTimestamp, record.headers));
    }
  }

  /**
   * Emit-final (Kafka's `maybeForwardFinalResult` for time windows, SEMANTICS §5.7): at most once
   * per emit interval of wall-clock time (unless `unthrottled`), and only when the close time moved on, forwards every
   * stored window that closed since the last pass — starts in `[lower, closeTime - size]`, `lower`
   * just past the windows the last pass covered — in time order, with the stored timestamp and old
   * value null. Skipped when no new window start fits between the two passes.
   */
  async #maybeEmitFinal(record: Record<K, V>, closeTime: number, unthrottled: boolean): Promise<void> {
    if (!this.#throttle.shouldEmit(this.#context.currentSystemTimeMs(), closeTime, unthrottled)) return;
    const last = this.#throttle.lastEmitCloseTime;
    const size = this.windows.size();
    const upper = closeTime - size;
    if (upper < 0) return;
    const lower = last === -1 ? 0 : Math.max(0, last - size) + 1;
    if (last !== -1 && sameStarts(this.windows.windowsFor(upper), this.windows.windowsFor(lower - 1))) return;
    // Kafka's emit-final store is time ordered: by start, then key bytes, as the index gives them.
    for (const { key, value } of await this.#toEmit.take(lower, upper)) {
      await this.#forwarder.maybeForward(new Record(key, change(value.value, null), value.timestamp, record.headers));
    }
    this.#throttle.emitted(closeTime);
  }
}

function sameStarts(a: ReadonlyMap<number, unknown>, b: ReadonlyMap<number, unknown>): boolean {
  if (a.size !== b.size) return false;
  for (const start of a.keys()) if (!b.has(start)) return false;
  return true;
}
