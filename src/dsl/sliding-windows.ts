import { checkWindowDuration } from './time-windows.js';

/**
 * Sliding windows on event time (Kafka's `SlidingWindows`, KIP-450): windows of a fixed time
 * difference `D`, `[start, start + D]` with **both bounds inclusive**, that exist only where the
 * set of records they hold changes. They are created as records arrive (SEMANTICS §3): each
 * record at `t` has a *left window* `[t - D, t]`, and a *right window* `[t + 1, t + 1 + D]` exists
 * once a later record falls within `D` of it. Records before `D` share the window `[0, D]`, as
 * windows never start before 0.
 *
 * Records with a null key or value are dropped; a record whose windows are all past
 * `stream time - grace` is dropped and counted in `dropped-records`. Immutable.
 *
 * @example stream.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(5_000)).count()
 */
export class SlidingWindows {
  /** The maximum time difference between two records in one window, in milliseconds. */
  readonly #timeDifferenceMs: number;
  readonly #graceMs: number;

  private constructor(timeDifferenceMs: number, graceMs: number) {
    this.#timeDifferenceMs = timeDifferenceMs;
    this.#graceMs = graceMs;
  }

  /**
   * Sliding windows of `timeDifferenceMs` that close as soon as stream time passes their end.
   * @throws RangeError when `timeDifferenceMs` is not larger than zero
   */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return SlidingWindows.#of('SlidingWindows.ofTimeDifferenceWithNoGrace()', timeDifferenceMs, 0);
  }

  /**
   * Sliding windows of `timeDifferenceMs` that accept out-of-order records until stream time
   * passes `window end + afterWindowEndMs`.
   * @throws RangeError when `timeDifferenceMs` is not larger than zero or the grace period is negative
   */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): SlidingWindows {
    return SlidingWindows.#of('SlidingWindows.ofTimeDifferenceAndGrace()', timeDifferenceMs, afterWindowEndMs);
  }

  static #of(operator: string, timeDifferenceMs: number, graceMs: number): SlidingWindows {
    // Kafka accepts a difference of 0 but then fails on the first record (a window [t, t] cannot
    // be built); rejecting it here says so up front.
    checkWindowDuration(operator, 'timeDifferenceMs', timeDifferenceMs, 1, 'Window time difference must be larger than zero.');
    checkWindowDuration(operator, 'afterWindowEndMs', graceMs, 0, 'Window grace period must not be negative.');
    return new SlidingWindows(timeDifferenceMs, graceMs);
  }

  /** The time difference `D`: windows are `[start, start + D]`. */
  timeDifferenceMs(): number {
    return this.#timeDifferenceMs;
  }

  /** How long after a window's end records are still accepted for it, in milliseconds. */
  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return other instanceof SlidingWindows && other.timeDifferenceMs() === this.#timeDifferenceMs && other.gracePeriodMs() === this.#graceMs;
  }

  toString(): string {
    return `SlidingWindows{timeDifferenceMs=${this.#timeDifferenceMs}, graceMs=${this.#graceMs}}`;
  }
}
