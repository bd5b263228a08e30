import type { KeyValue } from '../../state/key-value-store.js';
import { escapedKeySize, readTime, writeEscapedKey, writeTime } from '../../state/ordered-key-schema.js';
import { SortedByteMap } from '../../state/sorted-byte-map.js';
import type { TimestampedWindowStore } from '../../state/timestamped-window-store.js';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { TimeWindow, Windowed } from '../../state/windowed.js';

/**
 * Why this exists: a windowed aggregation with `EmitStrategy.onWindowClose()` (SEMANTICS §5.7)
 * reads back, after records that move stream time, the entries whose time (window start, or
 * session end) fell into a range. Our window and session stores are ordered by key first, so a
 * store scan by time reads nearly the whole store to return a few entries, on every such record
 * (about 10x the cost of per-update output on LevelDB). Kafka keeps its emit-final stores time
 * ordered for this reason. This is the time order, in memory and owned by the processor: one small
 * entry per window or session written and not yet passed, in the order a pass forwards them
 * (time, then key bytes as the stores order them, then start), without values, which the
 * processor reads back from the store by exact key (so a value updated after indexing comes out
 * as it is then, and an entry the store no longer holds does not come out).
 *
 * Passes read contiguous, rising time ranges, each starting where the last one stopped, so
 * {@link takeThrough} drops everything up to the range's end: nothing below it is read again.
 * The processor adds the entries already in its store (restored, or left by a previous run) once,
 * from one store scan, before its first record.
 */
export class EmitFinalTimeIndex<E> {
  /** Index keys (time, escaped key bytes, start) in order; values unused. */
  readonly #order = new SortedByteMap();
  /** Entries by index key, as latin1 strings. */
  readonly #entries = new Map<string, E>();

  /** The number of entries indexed. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Indexes `entry` at `time` (sliding and time windows: the window start; sessions: the end),
   * replacing any entry of the same (time, key bytes, start).
   * @param keyBytes the record key as the store serializes it (orders the entries of one time)
   * @param start the window start (sessions: orders one key's sessions ending at one time)
   */
  add(time: number, keyBytes: Uint8Array, start: number, entry: E): void {
    const key = indexKey(time, keyBytes, start);
    this.#order.set(key, EMPTY);
    this.#entries.set(key.toString('latin1'), entry);
  }

  /** Removes the entry of (time, key bytes, start), if indexed (a session merged away or removed). */
  delete(time: number, keyBytes: Uint8Array, start: number): void {
    const key = indexKey(time, keyBytes, start);
    if (this.#entries.delete(key.toString('latin1'))) this.#order.delete(key);
  }

  /**
   * Removes every entry with time <= `to` and returns those with time >= `from`, by time, key
   * bytes, start. Entries below `from` are dropped unread: a pass starts where the last one stopped.
   */
  takeThrough(from: number, to: number): E[] {
    if (to < 0 || this.#entries.size === 0) return [];
    const bound = Buffer.allocUnsafe(TIME_SIZE);
    writeTime(bound, to + 1, 0);
    const taken: Buffer[] = [];
    for (const { key } of this.#order.scan({ lt: bound })) taken.push(key);
    const result: E[] = [];
    for (const key of taken) {
      this.#order.delete(key);
      const id = key.toString('latin1');
      const entry = this.#entries.get(id) as E;
      this.#entries.delete(id);
      if (readTime(key, 0) >= from) result.push(entry);
    }
    return result;
  }
}

/**
 * The index of a time- or sliding-windowed aggregation's window store: windows by start, then
 * key bytes; read back as a store scan by start range would return them, sorted by start (Kafka's
 * time-ordered emit-final store).
 */
export class WindowEmitIndex<K, VA> {
  readonly #index = new EmitFinalTimeIndex<Windowed<K>>();
  #built = false;

  /** @param keyBytes the key's bytes as the store serializes them */
  constructor(
    private readonly store: TimestampedWindowStore<K, VA>,
    private readonly keyBytes: (key: K) => Uint8Array,
  ) {}

  /** Indexes the windows the store holds (restored, or left by a previous run), on the first call only. */
  async build(): Promise<void> {
    if (this.#built) return;
    this.#built = true;
    for await (const { key } of this.store.all()) this.add(key.key(), key.window().start());
  }

  /** Indexes `key`'s window starting at `start` (after the processor wrote it). */
  add(key: K, start: number): void {
    // The window as the store's scans build it.
    this.#index.add(start, this.keyBytes(key), start, new Windowed(key, new TimeWindow(start, start + this.store.windowSizeMs)));
  }

  /**
   * The stored windows with start in `[from, to]`, by start then key bytes, with their current
   * values; all windows up to `to` leave the index.
   */
  async take(from: number, to: number): Promise<Array<KeyValue<Windowed<K>, ValueAndTimestamp<VA>>>> {
    const result: Array<KeyValue<Windowed<K>, ValueAndTimestamp<VA>>> = [];
    for (const key of this.#index.takeThrough(from, to)) {
      const value = await this.store.fetch(key.key(), key.window().start());
      if (value !== undefined) result.push({ key, value });
    }
    return result;
  }
}

const TIME_SIZE = 8;
const EMPTY = Buffer.alloc(0);

/** `[time: 8 bytes BE][escaped key][start: 8 bytes BE]`: byte order is (time, key bytes, start). */
function indexKey(time: number, keyBytes: Uint8Array, start: number): Buffer {
  const key = Buffer.allocUnsafe(TIME_SIZE + escapedKeySize(keyBytes) + TIME_SIZE);
  writeTime(key, time, 0);
  const at = writeEscapedKey(key, keyBytes, TIME_SIZE);
  writeTime(key, start, at);
  return key;
}
