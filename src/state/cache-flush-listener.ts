import type { RecordHeaders } from '../processor/record.js';

/**
 * One update a record cache hands downstream when it flushes a dirty key (Kafka's
 * `Record<K, Change<V>>` given to a `CacheFlushListener`).
 */
export interface CacheFlushRecord<K, V> {
  readonly key: K;
  /** The key's latest value in the cache; `null` when the latest update deleted it. */
  readonly newValue: V | null;
  /**
   * The value in the underlying store before this flush wrote `newValue`; always `null` unless
   * the listener was set with `sendOldValues: true`.
   */
  readonly oldValue: V | null;
  /**
   * The timestamp of the key's last update (its record context). For timestamped stores,
   * `newValue.timestamp` when `newValue` is not null (Kafka's `TimestampedCacheFlushListener`).
   */
  readonly timestamp: number;
  /** The headers of the record whose processing made the key's last update. */
  readonly headers: RecordHeaders;
}

/**
 * Called once per flushed key, in the order of each key's last update. While it runs, the task's
 * record context (`context.recordMetadata()`, the source topic, partition and offset sinks see) is
 * the one of that last update, and whatever it forwards is processed to completion before the next
 * key is flushed, so it may simply `return context.forward(...)`.
 */
export type CacheFlushListener<K, V> = (record: CacheFlushRecord<K, V>) => void | Promise<void>;

/**
 * A store that may sit on a record cache (Kafka's `CachedStateStore`, as used by
 * `TimestampedTupleForwarder`). Stateful processors call `setFlushListener` once in `init()`:
 *
 * - `true`: caching is on. The processor must NOT forward its updates itself; the cache forwards
 *   the latest update per key through the listener when the task commits (`prepareCommit`) or
 *   when the cache evicts the key to stay within `statestore.cache.max.bytes`.
 * - `false`: caching is off (the builder's `withCachingDisabled()` — the default for
 *   Processor-API builders — or `statestore.cache.max.bytes = 0`). The processor forwards each
 *   update at once, as computed.
 *
 * @example
 * init(context) {
 *   this.store = context.getStateStore<TimestampedKeyValueStore<string, number>>('counts');
 *   this.cached = this.store.setFlushListener(
 *     ({ key, newValue, oldValue, timestamp, headers }) =>
 *       context.forward(new Record(key, { newValue: newValue?.value ?? null, oldValue: oldValue?.value ?? null }, timestamp, headers)),
 *     this.sendOldValues);
 * }
 */
export interface CachedStateStore<K, V> {
  /**
   * @param listener receives every flushed update (replaces an earlier listener)
   * @param sendOldValues whether `oldValue` is read from the underlying store (else always `null`)
   * @returns true when a record cache sits in front of the store (then the cache forwards)
   */
  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues: boolean): boolean;
}
