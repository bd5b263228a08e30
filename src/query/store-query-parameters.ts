import type { QueryableStoreType } from './queryable-store-types.js';

/**
 * Which store to query and how (Kafka Streams' `StoreQueryParameters`): its name, the kind of
 * view expected, optionally one partition only, and whether stale copies (standbys, restoring
 * tasks) may answer. Immutable; `with*`/`enable*` return copies.
 *
 * @example
 * const params = StoreQueryParameters.fromNameAndType('address', QueryableStoreTypes.keyValueStore<string, string>())
 *   .withPartition(2).enableStaleStores();
 */
export class StoreQueryParameters<T> {
  private constructor(
    readonly storeName: string,
    readonly queryableStoreType: QueryableStoreType<T>,
    readonly partition: number | undefined,
    readonly staleStoresEnabled: boolean,
  ) {}

  /** Parameters for store `storeName` read as `queryableStoreType`: every local active partition, no stale copies. */
  static fromNameAndType<T>(storeName: string, queryableStoreType: QueryableStoreType<T>): StoreQueryParameters<T> {
    if (typeof storeName !== 'string' || storeName.length === 0) throw new TypeError(`storeName must be a non-empty string, but got: ${String(storeName)}`);
    return new StoreQueryParameters(storeName, queryableStoreType, undefined, false);
  }

  /** Only partition `partition` of the store. @throws RangeError unless a non-negative integer */
  withPartition(partition: number): StoreQueryParameters<T> {
    if (!Number.isInteger(partition) || partition < 0) throw new RangeError(`partition must be a non-negative integer, but got: ${partition}`);
    return new StoreQueryParameters(this.storeName, this.queryableStoreType, partition, this.staleStoresEnabled);
  }

  /** Let standby replicas and restoring tasks answer too (their data may lag behind). */
  enableStaleStores(): StoreQueryParameters<T> {
    return new StoreQueryParameters(this.storeName, this.queryableStoreType, this.partition, true);
  }
}
