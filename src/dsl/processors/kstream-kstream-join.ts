import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { KeyValueStore } from '../../state/key-value-store.js';
import type { WindowStore } from '../../state/window-store.js';
import type { LazySerde } from '../internal/lazy-serde.js';
import { warnDropped } from './dropped-records.js';
import { OuterJoinStore } from './outer-join-store.js';

/** Kafka's internal config of the throttle of non-joined results (SEMANTICS §9.3). */
const EMIT_INTERVAL_CONFIG = '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__';

/** Kafka's `Long.MAX_VALUE` start value of the tracker's minimum time. */
const NO_MIN_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Stream time shared by both sides of one stream-stream join in one task (Kafka's
 * `KStreamImplJoin.TimeTracker`), and the throttle of non-joined emissions.
 */
export class JoinTimeTracker {
  streamTime = -1;
  /** The smallest timestamp put into the outer store since it was last scanned ({@link NO_MIN_TIME}: none). */
  minTime = NO_MIN_TIME;
  nextTimeToEmit = 0;
  emitIntervalMs = 1000;
}

/** One tracker per task, shared by the two sides' processors (Kafka's `TimeTrackerSupplier`). */
export class JoinTimeTrackers {
  readonly #byTask = new Map<string, JoinTimeTracker>();

  get(taskId: string): JoinTimeTracker {
    let tracker = this.#byTask.get(taskId);
    if (tracker === undefined) {
      tracker = new JoinTimeTracker();
      this.#byTask.set(taskId, tracker);
    }
    return tracker;
  }

  remove(taskId: string): void {
    this.#byTask.delete(taskId);
  }
}

/** What both sides of one stream-stream join share. */
export interface StreamStreamJoinSpec<K, V1, V2> {
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** KIP-633's delayed non-joined results (the new JoinWindows factories). */
  readonly spuriousResultFix: boolean;
  readonly trackers: JoinTimeTrackers;
  /** The shared outer store's name (left and outer joins with the fix), and its serdes. */
  readonly outerStoreName: string | undefined;
  readonly keySerde: LazySerde<K>;
  readonly leftSerde: LazySerde<V1>;
  readonly rightSerde: LazySerde<V2>;
}

/**
 * One side of a KStream-KStream join (Kafka's `KStreamKStreamJoin` with its `LeftSide` and
 * `RightSide`, SEMANTICS §9): a record joins the other side's buffered records of its key within
 * the window (`[t - before, t + after]` seen from the left), each result timestamped
 * `max(this ts, other ts)`. On an outer side a record that found nothing is joined with `null`:
 * at once with the deprecated `JoinWindows.of`, or once stream time passes its window end plus
 * grace (kept in the shared outer store until then, unless something joins it first).
 *
 * @typeParam VThis - this side's values; `VOther` the other side's
 */
export class KStreamKStreamJoinProcessor<K, V1, V2, VThis, VOther, VR> implements Processor<K, VThis, K, VR> {
  #context!: ProcessorContext<K, VR>;
  #otherWindow!: WindowStore<K, VOther>;
  #outerStore: OuterJoinStore<K, V1, V2> | undefined;
  #tracker!: JoinTimeTracker;
  readonly #joinBeforeMs: number;
  readonly #joinAfterMs: number;

  /**
   * @param leftSide whether this is the left side (the stream `join` was called on)
   * @param joiner this side's joiner: `(thisValue, otherValue, key)` (the right side's is reversed)
   * @param outer whether this side keeps records without a match (left: left/outer joins; right: outer joins)
   */
  constructor(
    private readonly spec: StreamStreamJoinSpec<K, V1, V2>,
    private readonly leftSide: boolean,
    private readonly otherWindowName: string,
    private readonly joiner: (thisValue: VThis, otherValue: VOther | null, key: K) => VR,
    private readonly outer: boolean,
  ) {
    this.#joinBeforeMs = leftSide ? spec.beforeMs : spec.afterMs;
    this.#joinAfterMs = leftSide ? spec.afterMs : spec.beforeMs;
  }

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context;
    const configs = context.appConfigs();
    for (const serde of [this.spec.keySerde, this.spec.leftSerde, this.spec.rightSerde]) serde.useDefaultIfUnset(configs);
    this.#otherWindow = context.getStateStore<WindowStore<K, VOther>>(this.otherWindowName);
    this.#tracker = this.spec.trackers.get(context.taskId);
    if (this.spec.spuriousResultFix && this.spec.outerStoreName !== undefined) {
      const store = context.getStateStore<KeyValueStore<Buffer, Buffer>>(this.spec.outerStoreName);
      this.#outerStore = new OuterJoinStore(store, this.spec.keySerde, this.spec.leftSerde, this.spec.rightSerde, () => `${context.applicationId}-${this.spec.outerStoreName}-changelog`);
      const interval = configs[EMIT_INTERVAL_CONFIG];
      if (typeof interval === 'number') this.#tracker.emitIntervalMs = interval;
    }
  }

  async process(record: Record<K, VThis>): Promise<void> {
    const tracker = this.#tracker;
    const timestamp = record.timestamp;
    tracker.streamTime = Math.max(tracker.streamTime, timestamp);
    const noKey = record.key === null || record.key === undefined;
    const noValue = record.value === null || record.value === undefined;
    if (this.outer && noKey && !noValue) {
      // KIP-962: an outer side keeps a null-key record, joined with null at once.
      await this.#context.forward(record.withValue(this.joiner(record.value, null, record.key)));
      return;
    }
    if (noKey || noValue) {
      warnDropped(this.#context, 'null key or value', 'stream-stream join');
      return;
    }
    const outerStore = this.#outerStore;
    if (outerStore !== undefined && timestamp === tracker.streamTime) await this.#emitNonJoined(outerStore, record);

    const timeFrom = Math.max(0, timestamp - this.#joinBeforeMs);
    const timeTo = Math.max(0, timestamp + this.#joinAfterMs);
    let matched = false;
    for await (const { key: otherTimestamp, value: otherValue } of this.#otherWindow.fetch(record.key, timeFrom, timeTo)) {
      matched = true;
      if (outerStore !== undefined) await outerStore.remove(outerStore.storeKey(record.key, otherTimestamp, !this.leftSide));
      await this.#context.forward(record.withValue(this.joiner(record.value, otherValue, record.key)).withTimestamp(Math.max(timestamp, otherTimestamp)));
    }
    if (!this.outer || matched) return;
    if (outerStore === undefined || timeTo < tracker.streamTime) {
      await this.#context.forward(record.withValue(this.joiner(record.value, null, record.key)));
      return;
    }
    tracker.minTime = Math.min(tracker.minTime, timestamp);
    await outerStore.add(record.key, timestamp, this.leftSide, record.value as unknown as V1 | V2);
  }

  close(): void {
    this.spec.trackers.remove(this.#context.taskId);
  }

  /** Kafka's `emitNonJoinedOuterRecords`: emits (and forgets) the outer store's records whose window closed. */
  async #emitNonJoined(store: OuterJoinStore<K, V1, V2>, record: Record<K, VThis>): Promise<void> {
    const tracker = this.#tracker;
    if (closeTime(tracker.minTime, this.#joinAfterMs + this.spec.graceMs) >= tracker.streamTime) return;
    const now = this.#context.currentSystemTimeMs();
    if (now < tracker.nextTimeToEmit) return;
    tracker.nextTimeToEmit = now + tracker.emitIntervalMs;
    tracker.minTime = NO_MIN_TIME;
    let previous: Buffer | undefined;
    let leftOpen = false;
    let rightOpen = false;
    for await (const entry of store.records()) {
      tracker.minTime = entry.timestamp;
      if (leftOpen && rightOpen) break;
      // Left records look back `after`, right records `before` (KAFKA-15417).
      const lookBack = entry.leftSide ? this.spec.afterMs : this.spec.beforeMs;
      if (tracker.minTime + lookBack + this.spec.graceMs >= tracker.streamTime) {
        if (entry.leftSide) leftOpen = true;
        else rightOpen = true;
        continue;
      }
      const [thisValue, otherValue] = this.leftSide ? [entry.leftValue, entry.rightValue] : [entry.rightValue, entry.leftValue];
      await this.#context.forward(record.withKey(entry.key).withValue(this.joiner(thisValue as VThis, otherValue as VOther | null, entry.key)).withTimestamp(entry.timestamp));
      if (previous !== undefined && !previous.equals(entry.storeKey)) await store.delete(previous);
      previous = entry.storeKey;
    }
    if (previous !== undefined) await store.delete(previous);
  }
}

/**
 * `minTime + delay` as Kafka computes it in Java longs: with no minimum yet (`Long.MAX_VALUE`) a
 * positive delay overflows to a negative number, so the scan runs (and starts the emit throttle)
 * even though the outer store is empty.
 */
function closeTime(minTime: number, delayMs: number): number {
  if (minTime !== NO_MIN_TIME) return minTime + delayMs;
  return delayMs > 0 ? Number.NEGATIVE_INFINITY : minTime + delayMs;
}
