import type { QueryableStoreKind } from './query-host.js';
import type { ReadOnlyKeyValueStore, ReadOnlySessionStore, ReadOnlyWindowStore } from './read-only-stores.js';

/**
 * The kind of store a query expects and the read-only view it gets (Kafka Streams'
 * `QueryableStoreType`). Only the phantom types `K`, `V` and `T` differ between instances.
 */
export interface QueryableStoreType<T> {
  readonly kind: QueryableStoreKind;
  /** Never set: carries the view type for `StoreQueryParameters<T>`. */
  readonly __view?: T;
}

/**
 * Factories of {@link QueryableStoreType}s, as Kafka Streams' `QueryableStoreTypes`.
 * @example streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.keyValueStore<string, number>()))
 */
export const QueryableStoreTypes = {
  /** Key-value stores (KTables, aggregations); a timestamped store answers with plain values. */
  keyValueStore: <K, V>(): QueryableStoreType<ReadOnlyKeyValueStore<K, V>> => ({ kind: 'keyValue' }),
  /** Window stores (windowed aggregations). */
  windowStore: <K, V>(): QueryableStoreType<ReadOnlyWindowStore<K, V>> => ({ kind: 'window' }),
  /** Session stores (session-windowed aggregations). */
  sessionStore: <K, V>(): QueryableStoreType<ReadOnlySessionStore<K, V>> => ({ kind: 'session' }),
} as const;
