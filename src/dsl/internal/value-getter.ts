import type { ProcessorContext } from '../../processor/processor-context.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { getMaybeSync, isPromise, type MaybePromise } from '../../state/sync-read.js';
import type { ValueAndTimestamp } from '../../state/value-and-timestamp.js';

/**
 * Reads a KTable's current value for a key from inside a processor (Kafka's `KTableValueGetter`):
 * what joins look up the other side with. A materialized table reads its store; a table that is
 * not (a filter or mapValues of a materialized table) computes its value from its parent's getter,
 * so no store is added for it.
 */
export interface KTableValueGetter<K, V> {
  /** Called from the using processor's `init()`; stores are taken from its context. */
  init(context: ProcessorContext<unknown, unknown>): void;
  /**
   * The key's value and the timestamp of the update that wrote it; `null` when absent. A getter
   * may answer without a promise when the value is at hand (a store that reads synchronously,
   * see `SyncReadable`); callers either await the result or check for a promise.
   */
  get(key: K): MaybePromise<ValueAndTimestamp<V> | null>;
}

/** Makes a getter for each processor instance, and names the stores the getters read (to connect them). */
export interface KTableValueGetterSupplier<K, V> {
  get(): KTableValueGetter<K, V>;
  storeNames(): readonly string[];
}

/** The getter of a materialized table: its store (Kafka's `KTableMaterializedValueGetterSupplier`). */
export function storeValueGetterSupplier<K, V>(storeName: string): KTableValueGetterSupplier<K, V> {
  return {
    storeNames: () => [storeName],
    get: () => {
      let store: TimestampedKeyValueStore<K, V> | undefined;
      return {
        init(context) {
          store = context.getStateStore<TimestampedKeyValueStore<K, V>>(storeName);
        },
        get(key) {
          const found = getMaybeSync(store as TimestampedKeyValueStore<K, V>, key);
          return isPromise(found) ? found.then((value) => value ?? null) : (found ?? null);
        },
      };
    },
  };
}
