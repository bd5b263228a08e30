/** When a windowed aggregation emits (Kafka's `EmitStrategy.StrategyType`). */
export type EmitStrategyType = 'ON_WINDOW_UPDATE' | 'ON_WINDOW_CLOSE';

/**
 * When a windowed aggregation emits its results (Kafka's `EmitStrategy`, KIP-825), given to
 * `TimeWindowedKStream.emitStrategy(...)` (tumbling, hopping and sliding windows) or
 * `SessionWindowedKStream.emitStrategy(...)`:
 *
 * - `onWindowUpdate()` (the default): every update of a window's aggregate, deduplicated by the
 *   record cache when there is one (SEMANTICS §5.3);
 * - `onWindowClose()`: only the final aggregate of each window, once, after the window closed
 *   (time windows: stream time ≥ end + grace; sliding: stream time > end + grace; sessions:
 *   stream time > end + gap + grace), without a `suppress()` buffer: the windows are read back
 *   from the aggregation's own store after a record, at most once per second of wall-clock time
 *   (SEMANTICS §5.7). Sliding windows and sessions that the store is about to hide (retention)
 *   come out at once, with the record that hides them, so a killed instance loses none; with the
 *   default session retention (gap + grace) that includes a session ending exactly at the close
 *   time, which Kafka emits one pass later (see `SessionWindowedKStream.emitStrategy`).
 *
 * @example
 * builder.stream<string, string>('clicks').groupByKey()
 *   .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
 *   .emitStrategy(EmitStrategy.onWindowClose())
 *   .count();
 */
export class EmitStrategy {
  readonly #type: EmitStrategyType;

  private constructor(type: EmitStrategyType) {
    this.#type = type;
  }

  /** Emit each window's final result once, when it closes. */
  static onWindowClose(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_CLOSE');
  }

  /** Emit every update of a window's result (the default). */
  static onWindowUpdate(): EmitStrategy {
    return new EmitStrategy('ON_WINDOW_UPDATE');
  }

  type(): EmitStrategyType {
    return this.#type;
  }
}
