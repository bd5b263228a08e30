/**
 * Windows (or sessions) that emit-final has not forwarded yet but that the aggregation's store is
 * about to stop returning.
 *
 * Why: Kafka's emit-final stores are segmented, time-ordered RocksDB stores whose emit scan
 * returns everything in a live segment, so a pass still finds a window after it expired (segments
 * span at least a minute). Our stores hide a window the moment it expires (sliding:
 * `start <= newest start - retention`; session: `end <= newest end - retention`), and with the
 * default retention that can happen before, or just as, the window closes: a session ending at
 * exactly the last pass's close time is expired by the next write yet emitted only by the next
 * pass, and a pass held back by the wall-clock throttle would miss every window that expired in
 * between. So, before each write that can move the store's expiry, the processor copies the
 * windows it would hide here ({@link keepThrough}), and each pass forwards those in its range
 * ({@link takeRange}) together with what it reads from the store from {@link storeReadFrom} on.
 * What is kept here is final: the store no longer returns it to the aggregation either.
 *
 * Kept in memory only: after a restart, windows that had expired but were not yet emitted are lost.
 *
 * @typeParam E - one stored window with its aggregate
 */
export class PendingFinalResults<E> {
  readonly #timeOf: (entry: E) => number;
  #entries: E[] = [];
  /** Every unemitted entry with time <= this is held here, not read from the store. */
  #coveredThrough = -1;

  /** @param timeOf the time a pass selects by: window start (sliding), session end (sessions) */
  constructor(timeOf: (entry: E) => number) {
    this.#timeOf = timeOf;
  }

  /**
   * Copies the store's entries with time in `(covered, through]` (from `lowerBound` on, lower ones
   * being emitted already), read with `scan(from, to)` (bounds inclusive), unless done before.
   */
  async keepThrough(through: number, lowerBound: number, scan: (from: number, to: number) => AsyncIterable<E>): Promise<void> {
    if (through <= this.#coveredThrough) return;
    const from = Math.max(this.#coveredThrough + 1, lowerBound);
    if (from <= through) for await (const entry of scan(from, through)) this.#entries.push(entry);
    this.#coveredThrough = through;
  }

  /**
   * Keeps an entry just written when its time is at or below the covered time: stores reads start
   * above it (and the store may have skipped the write as expired).
   */
  keepWrite(entry: E): void {
    if (this.#timeOf(entry) <= this.#coveredThrough) this.#entries.push(entry);
  }

  /** Forgets the entries `matches` picks (a session merged away before it closed). */
  remove(matches: (entry: E) => boolean): void {
    this.#entries = this.#entries.filter((entry) => !matches(entry));
  }

  /** Where a pass for `[lower, upper]` starts reading the store: below it, entries are held here. */
  storeReadFrom(lower: number): number {
    return Math.max(lower, this.#coveredThrough + 1);
  }

  /**
   * Removes and returns the entries with time in `[lower, upper]`, in the order kept; drops those
   * below `lower` (a pass read them from the store before they were copied here).
   */
  takeRange(lower: number, upper: number): E[] {
    const taken: E[] = [];
    const rest: E[] = [];
    for (const entry of this.#entries) {
      const time = this.#timeOf(entry);
      if (time > upper) rest.push(entry);
      else if (time >= lower) taken.push(entry);
    }
    this.#entries = rest;
    return taken;
  }
}
