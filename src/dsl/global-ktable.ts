import type { KTableValueGetterSupplier } from './internal/value-getter.js';

/** @internal What a GlobalKTable is underneath: how to read its store. */
export interface GlobalTableHandle<K, V> {
  readonly valueGetterSupplier: KTableValueGetterSupplier<K, V>;
  readonly queryableStoreName: string | undefined;
}

/** Symbol key of a GlobalKTable's handle; not exported from the package. */
export const GLOBAL_TABLE_HANDLE: unique symbol = Symbol('kstreams.GlobalTableHandle');

/**
 * A table every instance holds in full (Kafka's `GlobalKTable`), made by
 * `StreamsBuilder.globalTable()`: each instance reads all partitions of the topic into its own
 * copy of the store, outside any task, and restores it before processing starts. Streams join it
 * with a key selector (`KStream.join(globalTable, keySelector, joiner)`), so the stream needs no
 * repartitioning and the topics need no co-partitioning. Updates of a global table are not
 * joined (only stream records are); it has no operators of its own.
 *
 * Users get this type from the DSL; they do not construct it.
 */
export class GlobalKTable<K, V> {
  /** @internal */
  readonly [GLOBAL_TABLE_HANDLE]: GlobalTableHandle<K, V>;

  /** @internal Global tables come from `StreamsBuilder.globalTable()`. */
  constructor(handle: GlobalTableHandle<K, V>) {
    this[GLOBAL_TABLE_HANDLE] = handle;
  }

  /** The name of the global store, to query it with (always set: global tables are always materialized). */
  queryableStoreName(): string | undefined {
    return this[GLOBAL_TABLE_HANDLE].queryableStoreName;
  }
}
