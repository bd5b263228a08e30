import { checkWindowDuration } from './time-windows.js';

/**
 * Session windows (Kafka's `SessionWindows`): per key, a session is a run of records each at most
 * `inactivityGapMs` after the previous one; sessions are `[first record ts, last record ts]`, both
 * inclusive. A record within the gap of two sessions merges them into one: the merged-away
 * sessions are retracted downstream with tombstones (SEMANTICS §4).
 *
 * A record whose session would end before `stream time - grace - gap` is dropped and counted in
 * `dropped-records`. Immutable.
 *
 * @example stream.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000)).count()
 */
export class SessionWindows {
  readonly #gapMs: number;
  readonly #graceMs: number;

  private constructor(gapMs: number, graceMs: number) {
    this.#gapMs = gapMs;
    this.#graceMs = graceMs;
  }

  /**
   * Sessions with an inactivity gap of `inactivityGapMs` and no grace period.
   * @throws RangeError when the gap is not larger than zero
   */
  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return SessionWindows.#of('SessionWindows.ofInactivityGapWithNoGrace()', inactivityGapMs, 0);
  }

  /**
   * Sessions with an inactivity gap of `inactivityGapMs` that accept out-of-order records until
   * stream time reaches `session end + gap + afterWindowEndMs`.
   * @throws RangeError when the gap is not larger than zero or the grace period is negative
   */
  static ofInactivityGapAndGrace(inactivityGapMs: number, afterWindowEndMs: number): SessionWindows {
    return SessionWindows.#of('SessionWindows.ofInactivityGapAndGrace()', inactivityGapMs, afterWindowEndMs);
  }

  static #of(operator: string, gapMs: number, graceMs: number): SessionWindows {
    checkWindowDuration(operator, 'inactivityGapMs', gapMs, 1, 'Gap time cannot be zero or negative.');
    checkWindowDuration(operator, 'afterWindowEndMs', graceMs, 0, 'Grace period must not be negative.');
    return new SessionWindows(gapMs, graceMs);
  }

  /** The inactivity gap in milliseconds. */
  inactivityGap(): number {
    return this.#gapMs;
  }

  /** How long after a session's end (plus the gap) records are still accepted, in milliseconds. */
  gracePeriodMs(): number {
    return this.#graceMs;
  }

  equals(other: unknown): boolean {
    return other instanceof SessionWindows && other.inactivityGap() === this.#gapMs && other.gracePeriodMs() === this.#graceMs;
  }

  toString(): string {
    return `SessionWindows{gapMs=${this.#gapMs}, graceMs=${this.#graceMs}}`;
  }
}
