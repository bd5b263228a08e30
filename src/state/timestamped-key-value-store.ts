import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import type { KeyValueStore } from './key-value-store.js';
import { TypedKeyValueStore } from './typed-key-value-store.js';
import type { ValueAndTimestamp } from './value-and-timestamp.js';

/**
 * A key-value store whose values carry the timestamp of the update that wrote them: the store of
 * a KTable (Kafka Streams' `TimestampedKeyValueStore`). Built by
 * `Stores.timestampedKeyValueStoreBuilder`; the stored bytes are Kafka's (8-byte big-endian
 * timestamp, then the value bytes), while its changelog carries the plain value bytes with the
 * timestamp as the record timestamp, as Kafka's does.
 *
 * Writing `null` (or `ValueAndTimestamp.make(null, ts)`, which is `null`) deletes the key.
 *
 * @example
 * const store = context.getStateStore<TimestampedKeyValueStore<string, number>>('counts');
 * const old = await store.get(record.key);                       // ValueAndTimestamp<number> | undefined
 * await store.put(record.key, ValueAndTimestamp.make((old?.value ?? 0) + 1, record.timestamp));
 */
export interface TimestampedKeyValueStore<K, V> extends KeyValueStore<K, ValueAndTimestamp<V>>, CachedStateStore<K, ValueAndTimestamp<V>> {}

/**
 * The typed timestamped store: a typed store of `ValueAndTimestamp<V>` whose flushed updates
 * carry the new value's timestamp (Kafka's `TimestampedCacheFlushListener`), or the update's
 * record timestamp for a delete.
 */
export class TypedTimestampedKeyValueStore<K, V> extends TypedKeyValueStore<K, ValueAndTimestamp<V>> implements TimestampedKeyValueStore<K, V> {
  override setFlushListener(listener: CacheFlushListener<K, ValueAndTimestamp<V>>, sendOldValues: boolean): boolean {
    return super.setFlushListener((record) => listener(record.newValue === null ? record : { ...record, timestamp: record.newValue.timestamp }), sendOldValues);
  }
}
