import { IllegalStateException } from '../../errors.js';
import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedWindowStore } from '../../state/timestamped-window-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { TimeWindow, Windowed } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import type { EmitStrategyType } from '../emit-strategy.js';
import type { SlidingWindows } from '../sliding-windows.js';
import type { TimeWindowedSerde } from '../windowed-serdes.js';
import { EmitFinalThrottle } from './emit-final-throttle.js';
import { WindowEmitIndex } from './emit-final-time-index.js';
import { hiddenThrough } from './final-results-at-expiry.js';
import { windowStoreValueGetterSupplier } from './kstream-window-aggregate.js';
import { fillDefaultKeySerde, type WindowAggregation } from './window-aggregation.js';
import { dropForExpiredWindow, dropUnusableRecord } from './window-dropped-records.js';
import { WindowedTupleForwarder } from './windowed-tuple-forwarder.js';

type Stored<VA> = ValueAndTimestamp<VA>;

/** An update of an existing window found by the scan, applied once the scan is done. */
interface WindowUpdate<VA> {
  readonly start: number;
  readonly stored: Stored<VA>;
}

/**
 * `TimeWindowedKStream` over `SlidingWindows` (Kafka's `KStreamSlidingWindowAggregate`, KIP-450;
 * SEMANTICS §3): windows `[start, start + D]` with both ends inclusive, created as records arrive.
 * Per record, as Kafka's `processReverse` (the path its built-in stores take):
 *
 * 1. null key or value: dropped (counted); `t + D < observedStreamTime - grace`: dropped (counted once);
 * 2. `t < D`: the record goes to the shared window `[0, D]` (`processEarly`);
 * 3. else the key's windows with starts in `[max(0, t - 2D), t + 1]` are scanned newest first:
 *    windows containing `t` are updated (descending start), the first window ending before `t`
 *    gives the aggregate for the record's left window and the previous record's timestamp;
 * 4. then the previous record's right window, the record's left window, and the record's right
 *    window are created when missing and not empty. A window ending before
 *    `observedStreamTime - grace` is skipped (counted). Each window's timestamp is the max record
 *    timestamp in it.
 *
 * The scan's results are collected before any window is written, so writes never disturb it;
 * the order of writes and forwards is Kafka's.
 *
 * With `EmitStrategy.onWindowClose()` (SEMANTICS §5.7) nothing is forwarded per update; after a
 * record that went through step 3 (not a dropped record, not an early one: Kafka returns before
 * its emit there), windows that closed (`end < observedStreamTime - grace`, ends being inclusive)
 * since the last pass are forwarded once each, by start then key, as `Change(aggregate, null)`
 * with the window's stored timestamp and the record's headers; throttled by wall-clock time.
 * Windows the store is about to hide (start <= observed stream time - retention; with the default
 * retention 2D + grace, long closed) are not left to the next pass: the record whose writes hide
 * them forwards them, before those writes and whatever the throttle says (see
 * final-results-at-expiry.ts), so none lives only in memory. The sequence of results is Kafka's;
 * only a pass the throttle holds back differs: such windows come out earlier, triggered by (and
 * with the headers of) the record that hides them.
 */
export class KStreamSlidingWindowAggregate<K, V, VA> implements KTableProcessorSupplier<Windowed<K>, VA> {
  #sendOldValues = false;

  constructor(
    readonly windows: SlidingWindows,
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly keySerdeHolder?: TimeWindowedSerde<K>,
    readonly emitStrategy: EmitStrategyType = 'ON_WINDOW_UPDATE',
  ) {}

  get(): Processor<K, V, Windowed<K>, Change<VA>> {
    return new KStreamSlidingWindowAggregateProcessor(this.windows, this.storeName, this.aggregation, this.#sendOldValues, this.keySerdeHolder, this.emitStrategy);
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

class KStreamSlidingWindowAggregateProcessor<K, V, VA> implements Processor<K, V, Windowed<K>, Change<VA>> {
  #context!: ProcessorContext<Windowed<K>, Change<VA>>;
  #store!: TimestampedWindowStore<K, VA>;
  #forwarder!: WindowedTupleForwarder<K, VA>;
  #observedStreamTime = -1;
  readonly #differenceMs: number;
  readonly #emitFinal: boolean;
  #throttle!: EmitFinalThrottle;
  /** Emit-final: the stored windows no pass read yet, by start. */
  #toEmit!: WindowEmitIndex<K, VA>;

  constructor(
    private readonly windows: SlidingWindows,
    private readonly storeName: string,
    private readonly aggregation: WindowAggregation<K, V, VA>,
    private readonly sendOldValues: boolean,
    private readonly keySerdeHolder: TimeWindowedSerde<K> | undefined,
    emitStrategy: EmitStrategyType,
  ) {
    this.#differenceMs = windows.timeDifferenceMs();
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
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
      dropUnusableRecord(this.#context, 'null key or value', 'KStreamSlidingWindowAggregate');
      return;
    }
    if (this.#emitFinal) await this.#toEmit.build();
    const t = record.timestamp;
    const d = this.#differenceMs;
    const hiddenBefore = this.#hiddenThrough();
    this.#observedStreamTime = Math.max(this.#observedStreamTime, t);
    const closeTime = this.#observedStreamTime - this.windows.gracePeriodMs();
    if (t + 1 + d <= closeTime) {
      dropForExpiredWindow(this.#context, t, `[${t - d},${t}]`, closeTime, this.#observedStreamTime);
      return;
    }
    // Before this record's writes hide them (see final-results-at-expiry.ts): whatever the throttle says.
    if (this.#emitFinal) await this.#forwardFinal(record, Math.max(hiddenBefore + 1, this.#emitRangeLowerBound()), this.#hiddenThrough());
    if (t < d) {
      await this.#processEarly(record, closeTime);
      return;
    }
    await this.#processReverse(record, closeTime);
    if (this.#emitFinal) await this.#maybeEmitFinal(record, closeTime);
  }

  /** The first window start a pass has not covered (Kafka's `emitRangeLowerBound` for sliding windows). */
  #emitRangeLowerBound(): number {
    const last = this.#throttle.lastEmitCloseTime;
    return last === -1 ? 0 : Math.max(0, last - this.#differenceMs);
  }

  /** Window starts at or below this were forwarded already, or are by the write that makes them (see {@link hiddenThrough}). */
  #hiddenThrough(): number {
    return hiddenThrough(this.#observedStreamTime, this.#store.retentionPeriodMs);
  }

  /**
   * Emit-final (Kafka's `maybeForwardFinalResult` for sliding windows): when the throttle lets a
   * pass run, forwards every window with start in `[lower, closeTime - D - 1]` (ends inclusive, so
   * `end < closeTime`), `lower` continuing where the last pass stopped, except those already
   * forwarded as hidden.
   */
  async #maybeEmitFinal(record: Record<K, V>, closeTime: number): Promise<void> {
    if (!this.#throttle.shouldEmit(this.#context.currentSystemTimeMs(), closeTime)) return;
    const upper = closeTime - this.#differenceMs - 1;
    if (upper < 0) return;
    await this.#forwardFinal(record, Math.max(this.#emitRangeLowerBound(), this.#hiddenThrough() + 1), upper);
    this.#throttle.emitted(closeTime);
  }

  /**
   * Forwards the stored windows with start in `[from, to]` as final results, by start then key
   * (Kafka's time-ordered store), with their current values: found in the index, read by exact key.
   */
  async #forwardFinal(record: Record<K, V>, from: number, to: number): Promise<void> {
    if (from > to) return;
    for (const { key, value } of await this.#toEmit.take(from, to)) await this.#forwardFinalResult(key, value, record);
  }

  async #forwardFinalResult(key: Windowed<K>, value: Stored<VA>, record: Record<K, V>): Promise<void> {
    await this.#forwarder.maybeForward(new Record(key, change(value.value, null), value.timestamp, record.headers));
  }

  /**
   * After an emit-final write: one at or below {@link hiddenThrough} is read by no pass, so it is
   * forwarded now (only with a store supplier retaining less than 2D + grace, the DSL's own stores
   * retaining at least that, where a window may then come out more than once); any other is
   * indexed for the passes.
   */
  async #afterFinalWrite(window: TimeWindow, value: Stored<VA> | null, record: Record<K, V>): Promise<void> {
    if (value === null) return;
    if (window.start() <= this.#hiddenThrough()) await this.#forwardFinalResult(new Windowed(record.key, window), value, record);
    else this.#toEmit.add(record.key, window.start());
  }

  async #processReverse(record: Record<K, V>, closeTime: number): Promise<void> {
    const key = record.key;
    const t = record.timestamp;
    const d = this.#differenceMs;
    const windowStartTimes = new Set<number>();
    const updates: Array<WindowUpdate<VA>> = [];
    let leftWinAgg: Stored<VA> | null = null;
    let rightWinAgg: Stored<VA> | null = null;
    let leftWinAlreadyCreated = false;
    let rightWinAlreadyCreated = false;
    let previousRecordTimestamp: number | undefined;
    let done = false;
    // + 1 on the upper bound catches the record's right window, if it exists, in the same scan.
    for await (const { key: start, value: stored } of this.#store.backwardFetch(key, Math.max(0, t - 2 * d), t + 1)) {
      windowStartTimes.add(start);
      const end = start + d;
      const windowMaxRecordTimestamp = stored.timestamp;
      if (start === t + 1) {
        rightWinAlreadyCreated = true;
      } else if (end > t) {
        rightWinAgg ??= stored;
        updates.push({ start, stored });
      } else if (end === t) {
        leftWinAlreadyCreated = true;
        updates.push({ start, stored });
        if (windowMaxRecordTimestamp < t) {
          previousRecordTimestamp = windowMaxRecordTimestamp;
        } else {
          done = true;
          break;
        }
      } else if (end < t) {
        leftWinAgg = stored;
        previousRecordTimestamp = windowMaxRecordTimestamp;
        break;
      } else {
        throw new IllegalStateException(`Unexpected window with start ${start} found when processing record at ${t} in KStreamSlidingWindowAggregate`);
      }
    }
    for (const { start, stored } of updates) await this.#updateWindowAndForward(this.#window(start), stored, record, closeTime);
    if (done) return;
    await this.#createWindows(record, closeTime, windowStartTimes, rightWinAgg, leftWinAgg, leftWinAlreadyCreated, rightWinAlreadyCreated, previousRecordTimestamp);
  }

  /**
   * Records with `0 <= t < D` would have left windows starting before 0: they all go into the
   * window `[0, D]`, whose right windows are created or updated as later records come.
   */
  async #processEarly(record: Record<K, V>, closeTime: number): Promise<void> {
    const key = record.key;
    const t = record.timestamp;
    const d = this.#differenceMs;
    let combinedWindow: WindowUpdate<VA> | undefined;
    let rightWinAgg: Stored<VA> | null = null;
    let rightWinAlreadyCreated = false;
    const windowStartTimes = new Set<number>();
    const updates: Array<WindowUpdate<VA>> = [];
    let previousRecordTimestamp: number | undefined;
    for await (const { key: start, value: stored } of this.#store.fetch(key, 0, t + 1)) {
      windowStartTimes.add(start);
      if (start === 0) {
        combinedWindow = { start, stored };
        // With max ts >= t, the previous record's right window already exists (made at max ts).
        if (stored.timestamp < t) previousRecordTimestamp = stored.timestamp;
      } else if (start <= t) {
        rightWinAgg = stored;
        updates.push({ start, stored });
      } else if (start === t + 1) {
        rightWinAlreadyCreated = true;
      } else {
        throw new IllegalStateException(`Unexpected window with start ${start} found when processing record at ${t} in KStreamSlidingWindowAggregate`);
      }
    }
    for (const { start, stored } of updates) await this.#updateWindowAndForward(this.#window(start), stored, record, closeTime);
    // Without a right window found, the combined window's records after t are exactly those of
    // the record's right window (records before t would have made one).
    if (rightWinAgg === null && combinedWindow !== undefined && combinedWindow.stored.timestamp > t) rightWinAgg = combinedWindow.stored;
    if (!rightWinAlreadyCreated && this.#rightWindowIsNotEmpty(rightWinAgg, t)) await this.#createCurrentRecordRightWindow(t, rightWinAgg as Stored<VA>, record);
    if (previousRecordTimestamp !== undefined && !windowStartTimes.has(previousRecordTimestamp + 1)) {
      await this.#createPreviousRecordRightWindow(previousRecordTimestamp + 1, record, closeTime);
    }
    if (combinedWindow === undefined) {
      await this.#updateWindowAndForward(new TimeWindow(0, d), ValueAndTimestamp.make(this.aggregation.initializer(), t), record, closeTime);
    } else {
      await this.#updateWindowAndForward(this.#window(combinedWindow.start), combinedWindow.stored, record, closeTime);
    }
  }

  async #createWindows(
    record: Record<K, V>,
    closeTime: number,
    windowStartTimes: ReadonlySet<number>,
    rightWinAgg: Stored<VA> | null,
    leftWinAgg: Stored<VA> | null,
    leftWinAlreadyCreated: boolean,
    rightWinAlreadyCreated: boolean,
    previousRecordTimestamp: number | undefined,
  ): Promise<void> {
    const t = record.timestamp;
    const d = this.#differenceMs;
    // The previous record's right window, when missing and this record falls into it.
    if (previousRecordTimestamp !== undefined) {
      const previousRightWinStart = previousRecordTimestamp + 1;
      if (!windowStartTimes.has(previousRightWinStart) && previousRightWinStart + d >= t) {
        await this.#createPreviousRecordRightWindow(previousRightWinStart, record, closeTime);
      }
    }
    // The record's left window: from the previous window's aggregate when the previous record falls into it.
    if (!leftWinAlreadyCreated) {
      const leftWindowNotEmpty = previousRecordTimestamp !== undefined && t - d <= previousRecordTimestamp;
      const valueAndTime = leftWindowNotEmpty
        ? ValueAndTimestamp.make((leftWinAgg as Stored<VA>).value, t)
        : ValueAndTimestamp.make(this.aggregation.initializer(), t);
      await this.#updateWindowAndForward(new TimeWindow(t - d, t), valueAndTime, record, closeTime);
    }
    // The record's right window, when later records exist within D.
    if (!rightWinAlreadyCreated && this.#rightWindowIsNotEmpty(rightWinAgg, t)) {
      await this.#createCurrentRecordRightWindow(t, rightWinAgg as Stored<VA>, record);
    }
  }

  /** A copy of the aggregate of the later records, as it was before this record was added (old value null). */
  async #createCurrentRecordRightWindow(t: number, rightWinAgg: Stored<VA>, record: Record<K, V>): Promise<void> {
    const window = new TimeWindow(t + 1, t + 1 + this.#differenceMs);
    await this.#store.put(record.key, rightWinAgg, window.start());
    if (this.#emitFinal) return this.#afterFinalWrite(window, rightWinAgg, record);
    await this.#forwarder.maybeForward(new Record(new Windowed(record.key, window), change(rightWinAgg.value, null), rightWinAgg.timestamp, record.headers));
  }

  async #createPreviousRecordRightWindow(windowStart: number, record: Record<K, V>, closeTime: number): Promise<void> {
    const window = new TimeWindow(windowStart, windowStart + this.#differenceMs);
    await this.#updateWindowAndForward(window, ValueAndTimestamp.make(this.aggregation.initializer(), record.timestamp), record, closeTime);
  }

  #rightWindowIsNotEmpty(rightWinAgg: Stored<VA> | null, t: number): boolean {
    return rightWinAgg !== null && rightWinAgg.timestamp > t;
  }

  async #updateWindowAndForward(window: TimeWindow, valueAndTime: Stored<VA> | null, record: Record<K, V>, closeTime: number): Promise<void> {
    if (window.end() < closeTime) {
      dropForExpiredWindow(this.#context, record.timestamp, `[${window.start()},${window.end()}]`, closeTime, this.#observedStreamTime);
      return;
    }
    const oldAgg = ValueAndTimestamp.getValueOrNull(valueAndTime);
    const newAgg = this.aggregation.aggregator(record.key, record.value, oldAgg);
    const newTimestamp = oldAgg === null ? record.timestamp : Math.max(record.timestamp, (valueAndTime as Stored<VA>).timestamp);
    const stored = ValueAndTimestamp.make(newAgg, newTimestamp);
    await this.#store.put(record.key, stored, window.start());
    if (this.#emitFinal) return this.#afterFinalWrite(window, stored, record);
    await this.#forwarder.maybeForward(new Record(new Windowed(record.key, window), change(newAgg, oldAgg), newTimestamp, record.headers));
  }

  #window(start: number): TimeWindow {
    return new TimeWindow(start, start + this.#differenceMs);
  }
}
