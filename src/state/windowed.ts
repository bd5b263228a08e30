/**
 * A time interval in epoch milliseconds, as Kafka Streams' `Window`: the part of a windowed key
 * that says which window an aggregate belongs to. Two kinds exist, as in Kafka Streams:
 * {@link TimeWindow} (tumbling, hopping and sliding windows; end exclusive) and
 * {@link SessionWindow} (both ends inclusive). Windows are immutable.
 */
export abstract class Window {
  readonly #startMs: number;
  readonly #endMs: number;

  /**
   * @throws RangeError when `startMs` is negative, `endMs` is before `startMs`, or either is not
   *   a safe integer (Kafka's `Window` rejects the first two the same way).
   */
  protected constructor(startMs: number, endMs: number) {
    if (!Number.isSafeInteger(startMs) || startMs < 0) {
      throw new RangeError(`Window start must be a non-negative integer of milliseconds, but got: ${startMs}`);
    }
    if (!Number.isSafeInteger(endMs) || endMs < startMs) {
      throw new RangeError(`Window end must be an integer of milliseconds no smaller than its start ${startMs}, but got: ${endMs}`);
    }
    this.#startMs = startMs;
    this.#endMs = endMs;
  }

  /** The start in epoch milliseconds (always inclusive). */
  start(): number {
    return this.#startMs;
  }

  /** The end in epoch milliseconds (exclusive for a {@link TimeWindow}, inclusive for a {@link SessionWindow}). */
  end(): number {
    return this.#endMs;
  }

  /** The start as a Date. */
  startTime(): Date {
    return new Date(this.#startMs);
  }

  /** The end as a Date (see {@link end} for whether it is part of the window). */
  endTime(): Date {
    return new Date(this.#endMs);
  }

  /**
   * Whether `other` shares at least one millisecond with this window.
   * @throws TypeError when `other` is another kind of window, as Kafka Streams does.
   */
  abstract overlap(other: Window): boolean;

  /** Same kind of window with the same start and end. */
  equals(other: unknown): boolean {
    return other instanceof Window && other.constructor === this.constructor && other.start() === this.#startMs && other.end() === this.#endMs;
  }

  toString(): string {
    return `Window{start=${this.#startMs}, end=${this.#endMs}}`;
  }

  protected checkSameKind(other: Window): void {
    if (other.constructor !== this.constructor) {
      throw new TypeError(`Cannot compare windows of different type: ${this.constructor.name} and ${other.constructor.name}`);
    }
  }
}

/**
 * A window of a fixed size, `[start, end)`: start inclusive, end exclusive (Kafka Streams'
 * `TimeWindow`), the windows of `TimeWindows` and, read with an inclusive end, of `SlidingWindows`.
 */
export class TimeWindow extends Window {
  /** @throws RangeError when `startMs` is negative or `endMs <= startMs`. */
  constructor(startMs: number, endMs: number) {
    super(startMs, endMs);
    if (endMs === startMs) throw new RangeError(`A TimeWindow's end must be greater than its start, but got: [${startMs}, ${endMs})`);
  }

  override overlap(other: Window): boolean {
    this.checkSameKind(other);
    return this.start() < other.end() && other.start() < this.end();
  }
}

/**
 * A session, `[start, end]`: both ends inclusive, start and end being the timestamps of the
 * session's first and last record (Kafka Streams' `SessionWindow`); a session of one record has
 * `start === end`.
 */
export class SessionWindow extends Window {
  /** @throws RangeError when `startMs` is negative or `endMs < startMs`. */
  constructor(startMs: number, endMs: number) {
    super(startMs, endMs);
  }

  override overlap(other: Window): boolean {
    this.checkSameKind(other);
    return this.start() <= other.end() && other.start() <= this.end();
  }
}

/**
 * A key together with the window it was aggregated in: the key type of windowed KTables and of
 * window and session store scans (Kafka Streams' `Windowed<K>`).
 *
 * @example
 * for await (const { key, value } of store.fetchAll(0, Date.now())) {
 *   console.log(`${key.key()} is [${key.window().start()}~${key.window().end()}] count : ${value}`);
 * }
 */
export class Windowed<K> {
  readonly #key: K;
  readonly #window: Window;

  constructor(key: K, window: Window) {
    this.#key = key;
    this.#window = window;
  }

  /** The key, without its window. */
  key(): K {
    return this.#key;
  }

  /** The window the key's aggregate belongs to. */
  window(): Window {
    return this.#window;
  }

  /** Same window and an equal key: `Object.is`, or equal bytes for Buffer / Uint8Array keys. */
  equals(other: unknown): boolean {
    if (!(other instanceof Windowed) || !this.#window.equals(other.window())) return false;
    const a: unknown = this.#key;
    const b: unknown = other.key();
    if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b) === 0;
    return Object.is(a, b);
  }

  /** Kafka Streams' format: `[key@start/end]`. */
  toString(): string {
    return `[${String(this.#key)}@${this.#window.start()}/${this.#window.end()}]`;
  }
}
