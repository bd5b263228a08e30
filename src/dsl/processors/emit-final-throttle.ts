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
 * Kafka keeps the last emitted close time in the task's commit metadata, so a restarted task goes
 * on from there; ours lives in memory, so after a restart the first pass starts again from 0 and
 * re-emits the closed windows the store still holds. Sliding windows and sessions never wait for a
 * pass once their store is about to hide them (see final-results-at-expiry.ts), so the throttle
 * cannot hold back anything that lives only in memory.
 */
export class EmitFinalThrottle {
  readonly #intervalMs: number;
  /** Wall-clock time before which no pass runs (0: the first check always passes). */
  #nextTimeToEmit = 0;
  #lastEmitCloseTime = -1;

  /** @param appConfigs the task's configs, read for {@link WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG} (default 1000 ms) */
  constructor(appConfigs: Readonly<{ [key: string]: unknown }>) {
    const interval = appConfigs[WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG];
    this.#intervalMs = typeof interval === 'number' && interval >= 0 ? interval : 1_000;
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
  }
}
