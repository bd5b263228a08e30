import type { KeyValue } from '../state/key-value-store.js';
import type { Serde } from '../serde/serde.js';
import type { Windowed } from '../state/windowed.js';

/**
 * The read-only views interactive queries get from `KafkaStreams.store()` (Kafka Streams'
 * `ReadOnlyKeyValueStore` & co.): one view over every local partition of a store, scans merged
 * across partitions in the order of the serialized keys. Each call checks again which local
 * partitions may answer, so a view kept across a rebalance throws `InvalidStateStoreException`
 * (retriable) instead of reading a partition this instance gave away.
 */
export interface ReadOnlyKeyValueStore<K, V> {
  /** The value of `key`, or `undefined`. */
  get(key: K): Promise<V | undefined>;
  /** The values of `keys` in the same order, `undefined` where absent (one batch per partition). */
  getMany(keys: readonly K[]): Promise<Array<V | undefined>>;
  /** Entries with `from <= key <= to` ascending, across partitions; a missing bound is open. */
  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>>;
  /** As {@link range}, descending. */
  reverseRange(from?: K, to?: K): AsyncIterable<KeyValue<K, V>>;
  /** Entries whose serialized key starts with the serialized `prefix` (by `prefixSerde`, default the key serde). */
  prefixScan<P = K>(prefix: P, prefixSerde?: Serde<P>): AsyncIterable<KeyValue<K, V>>;
  /** Every entry, ascending. */
  all(): AsyncIterable<KeyValue<K, V>>;
  /** Every entry, descending. */
  reverseAll(): AsyncIterable<KeyValue<K, V>>;
  /** Sum of the partitions' approximate counts. */
  approximateNumEntries(): Promise<number>;
}

/** Read-only view of a window store (Kafka Streams' `ReadOnlyWindowStore`); times are window starts in ms, bounds inclusive. */
export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key`'s window starting at `windowStartMs`, or `undefined`. */
  fetch(key: K, windowStartMs: number): Promise<V | undefined>;
  /** `key`'s windows with a start in `[timeFromMs, timeToMs]`, ascending; each entry's key is the window start. */
  fetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  /** As `fetch(key, from, to)`, descending start. */
  backwardFetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  /** Windows of keys in `[keyFrom, keyTo]` with a start in the range, by (key, start). */
  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** Windows of every key with a start in the range, by (key, start). */
  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** As {@link fetchAll}, in reverse order. */
  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  /** Every unexpired window, by (key, start). */
  all(): AsyncIterable<KeyValue<Windowed<K>, V>>;
}

/** Read-only view of a session store (Kafka Streams' `ReadOnlySessionStore`). */
export interface ReadOnlySessionStore<K, AGG> {
  /** Every session of `key`, by ascending (end, start). */
  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** Every session of `key`, by descending (end, start). */
  backwardFetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** Sessions of keys in `[keyFrom, keyTo]`, by (key, end, start). */
  fetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** `key`'s sessions with `end >= earliestSessionEndMs` and `start <= latestSessionStartMs`. */
  findSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** The aggregate of `key`'s session `[sessionStartMs, sessionEndMs]`, or `undefined`. */
  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): Promise<AGG | undefined>;
}
