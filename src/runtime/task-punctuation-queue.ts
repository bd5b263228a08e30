import type { Cancellable, Punctuator } from '../processor/punctuation.js';

/** A scheduled punctuator (Kafka's `PunctuationSchedule`). */
export interface PunctuationSchedule {
  readonly nodeName: string;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  /** Next time (stream or wall clock, ms) at which it is due. */
  timestamp: number;
  cancelled: boolean;
}

/**
 * Punctuators of one clock, by due time (Kafka's `PunctuationQueue`). Due schedules fire with the
 * current time; the next due time skips missed intervals (a jump over several intervals fires
 * once), exactly as `PunctuationSchedule.next` does.
 */
export class PunctuationQueue {
  #schedules: PunctuationSchedule[] = [];

  schedule(nodeName: string, firstTimestamp: number, intervalMs: number, punctuator: Punctuator): Cancellable {
    const schedule: PunctuationSchedule = { nodeName, intervalMs, punctuator, timestamp: firstTimestamp, cancelled: false };
    this.#insert(schedule);
    return {
      cancel: () => {
        schedule.cancelled = true;
        this.#schedules = this.#schedules.filter((s) => s !== schedule);
      },
    };
  }

  get size(): number {
    return this.#schedules.length;
  }

  /**
   * Fires every schedule due at `now`, in due-time order (ties: scheduling order), awaiting each.
   * `fire` runs one punctuator in its node's context.
   * @returns whether anything fired
   */
  async maybePunctuate(now: number, fire: (schedule: PunctuationSchedule, now: number) => Promise<void>): Promise<boolean> {
    let punctuated = false;
    for (let top = this.#schedules[0]; top !== undefined && top.timestamp <= now; top = this.#schedules[0]) {
      this.#schedules.shift();
      if (top.cancelled) continue;
      await fire(top, now);
      // The punctuator may have cancelled its own schedule.
      if (!top.cancelled) {
        let next = top.timestamp + top.intervalMs;
        if (now >= next) next = top.timestamp + (Math.floor((now - top.timestamp) / top.intervalMs) + 1) * top.intervalMs;
        top.timestamp = next;
        this.#insert(top);
      }
      punctuated = true;
    }
    return punctuated;
  }

  clear(): void {
    for (const s of this.#schedules) s.cancelled = true;
    this.#schedules = [];
  }

  #insert(schedule: PunctuationSchedule): void {
    let i = this.#schedules.length;
    while (i > 0 && (this.#schedules[i - 1] as PunctuationSchedule).timestamp > schedule.timestamp) i--;
    this.#schedules.splice(i, 0, schedule);
  }
}
