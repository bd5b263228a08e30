/**
 * Which clock drives a punctuator (Kafka's `PunctuationType`):
 * - `STREAM_TIME`: the task's stream time (max record timestamp seen). It only advances as
 *   records are processed, so with no input the punctuator never fires.
 * - `WALL_CLOCK_TIME`: the system clock (the mock clock in the TopologyTestDriver, moved by
 *   `advanceWallClockTime`). Checked between records, so firing can be late but never early.
 */
export const PunctuationType = {
  STREAM_TIME: 'STREAM_TIME',
  WALL_CLOCK_TIME: 'WALL_CLOCK_TIME',
} as const;
export type PunctuationType = (typeof PunctuationType)[keyof typeof PunctuationType];

/**
 * Called with the time it fires at (stream time or wall-clock time, in ms). May be async:
 * the task awaits it before processing the next record.
 */
export type Punctuator = (timestampMs: number) => void | Promise<void>;

/** Returned by `ProcessorContext.schedule`; `cancel()` stops further calls. */
export interface Cancellable {
  cancel(): void;
}
