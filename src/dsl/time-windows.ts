import { TimeWindow } from '../state/windowed.js';

/**
 * Checks a duration argument of a window factory: an integer number of milliseconds, at least
 * `min`. Kafka takes `Duration`s and rejects negative ones with its own messages; here durations
 * are numbers, so non-integers are rejected too.
 * @throws TypeError when `ms` is not a safe integer
 * @throws RangeError when `ms < min`, with `rangeMessage`
 */
export function checkWindowDuration(operator: string, what: string, ms: unknown, min: number, rangeMessage: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms)) {
    throw new TypeError(`${operator}: ${what} must be an integer number of milliseconds, but got: ${String(ms)}`);
  }
  if (ms < min) throw new RangeError(`${operator}: ${rangeMessage} Got ${what}=${ms}`);
  return ms;
}

/**
 * Fixed-size windows on event time (Kafka's `TimeWindows`): *tumbling* (`advanceMs == sizeMs`:
 * each record is in exactly one window) or *hopping* (`advanceBy(ms)` smaller than the size:
 * windows overlap, a record is in `sizeMs / advanceMs` of them). Windows are aligned to the epoch
 * (their starts are multiples of the advance), start inclusive and end exclusive, and never start
 * before 0 (SEMANTICS §2.1).
 *
 * A record whose window has *closed* — the aggregation has seen a record with a timestamp at or
 * past `window end + grace` — is dropped from that window and counted in `dropped-records`
 * (SEMANTICS §2.2). Immutable: `advanceBy` returns a copy.
 *
 * @example
 * stream.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5_000)).count()             // tumbling 5 s
 * stream.groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(60_000, 10_000).advanceBy(15_000)) // hopping
 */
export class TimeWindows {
  /** The size of each window in milliseconds. */
  readonly sizeMs: number;
  /** The distance between the starts of consecutive windows; equal to `sizeMs` for tumbling windows. */
  readonly advanceMs: number;
  readonly #graceMs: number;

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.#graceMs = graceMs;
  }

  /**
   * Tumbling windows of `sizeMs` that close as soon as stream time reaches their end: a record
   * for an older window is dropped.
   * @throws RangeError when `sizeMs` is not larger than zero
   */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    return TimeWindows.#of('TimeWindows.ofSizeWithNoGrace()', sizeMs, 0);
  }

  /**
   * Tumbling windows of `sizeMs` that accept out-of-order records until stream time reaches
   * `window end + afterWindowEndMs`.
   * @param afterWindowEndMs the grace period, >= 0
   * @throws RangeError when `sizeMs` is not larger than zero or the grace period is negative
   */
  static ofSizeAndGrace(sizeMs: number, afterWindowEndMs: number): TimeWindows {
    return TimeWindows.#of('TimeWindows.ofSizeAndGrace()', sizeMs, afterWindowEndMs);
  }

  static #of(operator: string, sizeMs: number, graceMs: number): TimeWindows {
    checkWindowDuration(operator, 'sizeMs', sizeMs, 1, 'Window size (sizeMs) must be larger than zero.');
    checkWindowDuration(operator, 'afterWindowEndMs', graceMs, 0, 'Grace period must not be negative.');
    return new TimeWindows(sizeMs, sizeMs, graceMs);
  }

  /**
   * Hopping windows: the same size and grace, a new window every `advanceMs`.
   * @param advanceMs more than zero and at most the window size
   * @throws RangeError when `advanceMs` is out of `(0, sizeMs]`
   */
  advanceBy(advanceMs: number): TimeWindows {
    checkWindowDuration('TimeWindows.advanceBy()', 'advanceMs', advanceMs, Number.MIN_SAFE_INTEGER, '');
    if (advanceMs <= 0 || advanceMs > this.sizeMs) {
      throw new RangeError(`TimeWindows.advanceBy(): Window advancement interval should be more than zero and less than window duration which is ${this.sizeMs} ms, but given advancement interval is: ${advanceMs} ms`);
    }
    return new TimeWindows(this.sizeMs, advanceMs, this.#graceMs);
  }

  /**
   * The windows a record with timestamp `timestampMs` belongs to, by ascending start (Kafka's
   * `windowsFor`, SEMANTICS §2.1): starts from `floor(max(0, t - size + advance) / advance) * advance`
   * while `start <= t`.
   * @returns window start → window
   */
  windowsFor(timestampMs: number): Map<number, TimeWindow> {
    const windows = new Map<number, TimeWindow>();
    let start = Math.floor(Math.max(0, timestampMs - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    while (start <= timestampMs) {
      windows.set(start, new TimeWindow(start, start + this.sizeMs));
      start += this.advanceMs;
    }
    return windows;
  }

  /** The window size in milliseconds (Kafka's `size()`). */
  size(): number {
    return this.sizeMs;
  }

  /** How long after a window's end records are still accepted for it, in milliseconds. */
  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return other instanceof TimeWindows && other.sizeMs === this.sizeMs && other.advanceMs === this.advanceMs && other.gracePeriodMs() === this.#graceMs;
  }

  toString(): string {
    return `TimeWindows{sizeMs=${this.sizeMs}, advanceMs=${this.advanceMs}, graceMs=${this.#graceMs}}`;
  }
}
