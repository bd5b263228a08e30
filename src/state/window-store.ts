import type { KeyValue } from './key-value-store.js';
import type { StateStore } from './state-store.js';
import type { Windowed } from './windowed.js';

/** One write of {@link WindowStore.putAll}. */
export interface WindowStoreWrite<K, V> {
  readonly key: K;
  /** `null` deletes the window (a no-op in a store that retains duplicates). */
  readonly value: V | null;
  readonly windowStartMs: number;
}

/**
 * A store of values per (key, window start): what windowed aggregations and stream-stream joins
 * keep (Kafka Streams' `WindowStore`). Two layers implement it: byte stores
 * (`WindowStore<Buffer, Buffer>`, LevelDB or in memory) and the typed store over them.
 *
 * Conventions (beyond those of `KeyValueStore`):
 * - Windows are identified by their start; the end is `start + windowSizeMs`, which scans that
 *   yield windows use to build each {@link Windowed} key's `TimeWindow`.
 * - Time ranges `[timeFromMs, timeToMs]` are of window starts, both bounds inclusive; a range with
 *   `timeFromMs > timeToMs` is empty. Key ranges are inclusive too and either bound may be left
 *   out (`undefined`); `keyFrom` after `keyTo` is empty.
 * - Order: a key's windows by ascending start (`backward*`: descending). Scans over several keys
 *   by (serialized key bytes, start) ascending (`backward*`: the exact reverse). In a store that
 *   retains duplicates, entries of one (key, start) come in the order they were put.
 * - Retention: the store tracks `observedStreamTime`, the largest window start ever put (also by
 *   deletes and by puts it skipped). A window with `start <= observedStreamTime - retentionPeriodMs`
 *   is expired (Kafka Streams' rule): puts of it are skipped, reads never return it, and the
 *   store deletes it (LevelDB: whole segments at a time; in memory: each window).
 */
export interface WindowStore<K, V> extends StateStore {
  /** How long a window is kept after the newest window start seen, in milliseconds. */
  readonly retentionPeriodMs: number;
  /** The size of the store's windows, in milliseconds (builds the windows of scans). */
  readonly windowSizeMs: number;
  /** Whether every put adds an entry (stream-stream join buffers) instead of replacing the window's value. */
  readonly retainDuplicates: boolean;
  /** Scans currently holding an iterator, as `KeyValueStore.openIterators`. */
  readonly openIterators: number;

  /**
   * Sets the value of `key`'s window starting at `windowStartMs`; `null` deletes it. A store that
   * retains duplicates adds a new entry instead, and ignores `null`. Skipped when the window is expired.
   * @throws RangeError when `windowStartMs` is not a non-negative integer.
   */
  put(key: K, value: V | null, windowStartMs: number): Promise<void>;
  /** Each write as {@link put}, in order, in one batch per segment (atomic per segment for LevelDB). */
  putAll(writes: Iterable<WindowStoreWrite<K, V>>): Promise<void>;
  /**
   * The value of `key`'s window starting at `windowStartMs`, or `undefined`; in a store that
   * retains duplicates, the value put last.
   */
  fetch(key: K, windowStartMs: number): Promise<V | undefined>;
  /** `key`'s windows with a start in `[timeFromMs, timeToMs]`, ascending start; each entry's key is the window start. */
  fetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  /** As `fetch(key, timeFromMs, timeToMs)`, descending start. */
  backwardFetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  /** Windows of keys in `[keyFrom, keyTo]` with a start in `[timeFromMs, timeToMs]`, by (key, start). */
  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** As {@link fetchRange}, in reverse order. */
  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** Windows of every key with a start in `[timeFromMs, timeToMs]`, by (key, start). */
  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** As {@link fetchAll}, in reverse order. */
  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** Every unexpired window, by (key, start). */
  all(): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** Every unexpired window, in reverse order. */
  backwardAll(): AsyncIterable<KeyValue<Windowed<K>, V>>;
}
