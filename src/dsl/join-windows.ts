import { checkWindowDuration } from './time-windows.js';

/** Kafka's grace default of the deprecated `JoinWindows.of`: 24 h minus the window. */
const DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD = 24 * 60 * 60 * 1000;

/**
 * The window of a KStream-KStream join (Kafka's `JoinWindows`, SEMANTICS §9): a record of the left
 * stream at `t` joins right records with timestamps in `[t - beforeMs, t + afterMs]`, and a right
 * record at `t` joins left records in `[t - afterMs, t + beforeMs]` (bounds inclusive). Records
 * are kept for `beforeMs + afterMs + grace`. Immutable: `before`/`after` return copies.
 *
 * @example left.join(right, joiner, JoinWindows.ofTimeDifferenceWithNoGrace(5_000).after(10_000))
 */
export class JoinWindows {
  /** How far before a left record's timestamp right records join it, in milliseconds (may be negative). */
  readonly beforeMs: number;
  /** How far after a left record's timestamp right records join it, in milliseconds (may be negative). */
  readonly afterMs: number;
  readonly #graceMs: number;
  /**
   * Whether non-joined left/outer results wait for the window to close (KIP-633, the new
   * factories) instead of being emitted at once (the deprecated `of`), SEMANTICS §9.3, §9.5.
   */
  readonly spuriousResultFixEnabled: boolean;

  private constructor(beforeMs: number, afterMs: number, graceMs: number, spuriousResultFixEnabled: boolean) {
    if (beforeMs + afterMs < 0) throw new RangeError('Window interval (ie, beforeMs+afterMs) must not be negative.');
    if (graceMs < 0) throw new RangeError('Grace period must not be negative.');
    this.beforeMs = beforeMs;
    this.afterMs = afterMs;
    this.#graceMs = graceMs;
    this.spuriousResultFixEnabled = spuriousResultFixEnabled;
  }

  /**
   * Records join when their timestamps differ by at most `timeDifferenceMs`; no grace period.
   * @throws RangeError when the difference is negative
   */
  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    return JoinWindows.#of('JoinWindows.ofTimeDifferenceWithNoGrace()', timeDifferenceMs, 0);
  }

  /**
   * Records join when their timestamps differ by at most `timeDifferenceMs`; out-of-order records
   * are accepted for `afterWindowEndMs` after the window ends.
   * @throws RangeError when the difference or the grace period is negative
   */
  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, afterWindowEndMs: number): JoinWindows {
    return JoinWindows.#of('JoinWindows.ofTimeDifferenceAndGrace()', timeDifferenceMs, afterWindowEndMs);
  }

  /**
   * Kafka's deprecated `JoinWindows.of(d)` (still in 4.0): grace `max(24 h - 2d, 0)`, and
   * non-joined results of left/outer joins are emitted at once (SEMANTICS §9.5).
   * @deprecated use {@link ofTimeDifferenceWithNoGrace} or {@link ofTimeDifferenceAndGrace}
   */
  static of(timeDifferenceMs: number): JoinWindows {
    checkWindowDuration('JoinWindows.of()', 'timeDifferenceMs', timeDifferenceMs, 0, 'Window time difference must not be negative.');
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, Math.max(DEPRECATED_DEFAULT_24_HR_GRACE_PERIOD - timeDifferenceMs * 2, 0), false);
  }

  static #of(operator: string, timeDifferenceMs: number, graceMs: number): JoinWindows {
    checkWindowDuration(operator, 'timeDifferenceMs', timeDifferenceMs, 0, 'Window time difference must not be negative.');
    checkWindowDuration(operator, 'afterWindowEndMs', graceMs, 0, 'Grace period must not be negative.');
    return new JoinWindows(timeDifferenceMs, timeDifferenceMs, graceMs, true);
  }

  /**
   * The same window with `timeDifferenceMs` as how far before a left record right records join
   * (may be negative, as long as `before + after >= 0`).
   * @throws RangeError when `before + after` becomes negative
   */
  before(timeDifferenceMs: number): JoinWindows {
    checkWindowDuration('JoinWindows.before()', 'timeDifferenceMs', timeDifferenceMs, Number.MIN_SAFE_INTEGER, '');
    return new JoinWindows(timeDifferenceMs, this.afterMs, this.#graceMs, this.spuriousResultFixEnabled);
  }

  /**
   * The same window with `timeDifferenceMs` as how far after a left record right records join
   * (may be negative, as long as `before + after >= 0`).
   * @throws RangeError when `before + after` becomes negative
   */
  after(timeDifferenceMs: number): JoinWindows {
    checkWindowDuration('JoinWindows.after()', 'timeDifferenceMs', timeDifferenceMs, Number.MIN_SAFE_INTEGER, '');
    return new JoinWindows(this.beforeMs, timeDifferenceMs, this.#graceMs, this.spuriousResultFixEnabled);
  }

  /** The window's size, `beforeMs + afterMs` (the size of the join's window stores). */
  size(): number {
    return this.beforeMs + this.afterMs;
  }

  /** How long after the window's end records are still accepted, in milliseconds. */
  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return other instanceof JoinWindows && other.beforeMs === this.beforeMs && other.afterMs === this.afterMs
      && other.gracePeriodMs() === this.#graceMs && other.spuriousResultFixEnabled === this.spuriousResultFixEnabled;
  }

  toString(): string {
    return `JoinWindows{beforeMs=${this.beforeMs}, afterMs=${this.afterMs}, graceMs=${this.#graceMs}}`;
  }
}
