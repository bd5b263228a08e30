import type { ProcessorContext } from '../../processor/processor-context.js';

/** Kafka's internal config throttling emit-final by wall-clock time (the TopologyTestDriver sets it to 0). */
export const WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG = '__emit.interval.ms.kstreams.windowed.aggregation__';

/**
 * When a windowed aggregation with `EmitStrategy.onWindowClose()` may run an emit-final pass
 * (SEMANTICS §5.7; Kafka's `shouldEmitFinal`, the same in its time, sliding and session window
 * aggregations): at most once per emit interval of wall-clock time, the first check always
 * passing, and only when the close time moved on since the last pass that emitted.
 *
 * A check that passes the wall clock consumes the interval even when the close time did not move
 * (as Kafka: the next pass is scheduled from "now", so a clock jump cannot make every record emit).
 *
 * The last emitted close time is processor metadata keyed by the store name (Kafka's
 * `processorMetadataForKey(storeName)`): the task commits it with its input offsets, and a task
 * that starts again (restart, failover) reads it back, so its first pass goes on from there
 * rather than emitting again the closed windows its store still holds. Sliding windows and
 * sessions never wait for a pass once their store is about to hide them (see
 * final-results-at-expiry.ts), so the throttle cannot hold back anything that lives only in memory.
 */
export class EmitFinalThrottle {
  readonly #intervalMs: number;
  /** Wall-clock time before which no pass runs (0: the first check always passes). */
  #nextTimeToEmit = 0;
  #lastEmitCloseTime = -1;

  readonly #context: ProcessorContext<unknown, unknown>;
  readonly #metadataKey: string;

  /**
   * @param context the processor's context: its configs give {@link WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG} (default 1000 ms), its processor metadata the last emitted close time
   * @param metadataKey the aggregation's store name, under which the close time is kept
   */
  constructor(context: ProcessorContext<unknown, unknown>, metadataKey: string) {
    const interval = context.appConfigs()[WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG];
    this.#intervalMs = typeof interval === 'number' && interval >= 0 ? interval : 1_000;
    this.#context = context;
    this.#metadataKey = metadataKey;
    this.#lastEmitCloseTime = context.processorMetadataForKey?.(metadataKey) ?? -1;
  }

  /** The close time of the last pass that emitted, -1 before the first. */
  get lastEmitCloseTime(): number {
    return this.#lastEmitCloseTime;
  }

  /**
   * Whether a pass for `closeTime` runs now.
   * @param unthrottled run even inside the interval (our time windows, before a write would hide closed windows)
   */
  shouldEmit(nowMs: number, closeTime: number, unthrottled = false): boolean {
    if (nowMs < this.#nextTimeToEmit && !unthrottled) return false;
    this.#nextTimeToEmit = nowMs + this.#intervalMs;
    return this.#lastEmitCloseTime === -1 || this.#lastEmitCloseTime < closeTime;
  }

  /** Records a pass that fetched and emitted what closed by `closeTime`. */
  emitted(closeTime: number): void {
    this.#lastEmitCloseTime = closeTime;
    this.#context.addProcessorMetadataKeyValue?.(this.#metadataKey, closeTime);
  }
}
