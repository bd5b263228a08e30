import type { StateStore } from './state-store.js';

/** One entry of a key-value store, as scans yield it. */
export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}

/**
 * A store of the latest value per key: what KTables, aggregations and `addStateStore`
 * processors read and write. Two layers implement it: byte stores (`KeyValueStore<Buffer, Buffer>`,
 * LevelDB or in memory) and the typed store over them, which applies the key and value serdes.
 *
 * Conventions:
 * - Absent is `undefined`; `null` only appears as a value to write, where it means delete (a
 *   tombstone, as in Kafka).
 * - Scans yield entries in the order of the serialized key bytes, compared as unsigned bytes
 *   (as Kafka Streams orders them): `"10"` before `"2"`, `0x7f` before `0xff`. Both bounds of
 *   a range are inclusive and either may be left out; a range whose `from` is after its `to` is
 *   empty. A scan's underlying iterator opens when the loop starts and is released when it ends
 *   or breaks early. Writes made while a scan is running may or may not be visible to it.
 * - Each write takes effect when its promise resolves: await a write before reading the key back.
 * - Buffers returned by a byte store belong to it: read them, do not modify them.
 */
export interface KeyValueStore<K, V> extends StateStore {
  /** The value of `key`, or `undefined` when absent. */
  get(key: K): Promise<V | undefined>;
  /** The values of `keys`, in the same order, `undefined` where absent; cheaper than one `get` per key. */
  getMany(keys: readonly K[]): Promise<Array<V | undefined>>;
  /** Sets `key` to `value`; `null` deletes the key. */
  put(key: K, value: V | null): Promise<void>;
  /** Sets `key` only when absent; returns the value already there (`undefined` when it wrote). */
  putIfAbsent(key: K, value: V): Promise<V | undefined>;
  /** Writes every entry in one batch (atomic for LevelDB); `null` values delete. */
  putAll(entries: Iterable<KeyValue<K, V | null>>): Promise<void>;
  /** Deletes `key` and returns the value it had, or `undefined`. */
  delete(key: K): Promise<V | undefined>;
  /** Entries with `from <= key <= to` in ascending key order; a missing bound is open. */
  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>>;
  /** Entries with `from <= key <= to` in descending key order; a missing bound is open. */
  reverseRange(from?: K, to?: K): AsyncIterable<KeyValue<K, V>>;
  /** Entries whose serialized key starts with the serialized `prefix`, in ascending order. */
  prefixScan(prefix: K): AsyncIterable<KeyValue<K, V>>;
  /** Every entry in ascending key order. */
  all(): AsyncIterable<KeyValue<K, V>>;
  /** Every entry in descending key order. */
  reverseAll(): AsyncIterable<KeyValue<K, V>>;
  /** The number of entries, possibly approximate; see each implementation for its cost. */
  approximateNumEntries(): Promise<number>;
  /**
   * Scans currently holding an underlying iterator (Kafka Streams' `num-open-iterators`
   * metric); a scan abandoned without finishing or breaking keeps one open until `close()`.
   */
  readonly openIterators: number;
}
