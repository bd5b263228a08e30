import { join } from 'node:path';
import { TopologyException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import { KeyValueStoreBuilder } from './key-value-store-builder.js';
import { LevelKeyValueStore } from './level-key-value-store.js';
import type { KeyValueBytesStoreSupplier } from './store-builder.js';

/** Store names become directory names and part of changelog topic names: Kafka's legal topic characters. */
const STORE_NAME = /^[A-Za-z0-9._-]+$/;

function checkName(name: string): void {
  if (typeof name !== 'string' || !STORE_NAME.test(name) || name === '.' || name === '..') {
    throw new TopologyException(`Store name must be a non-empty string of [A-Za-z0-9._-] (it names a directory and a changelog topic), but got: ${String(name)}`);
  }
}

/**
 * Factories for state stores, named as Kafka Streams' `Stores`.
 *
 * @example
 * topology.addStateStore(
 *   Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long()),
 *   'counter');
 */
export const Stores = {
  /**
   * A persistent key-value store in LevelDB, one database per task under
   * `state.dir/<application.id>/<taskId>/<name>`. The default kind of store, as RocksDB is in Kafka Streams.
   * @throws TopologyException when `name` is not of `[A-Za-z0-9._-]`.
   */
  persistentKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    checkName(name);
    return {
      name,
      persistent: true,
      metricsScope: 'level',
      get: (context) => new LevelKeyValueStore(name, join(context.taskDirectory, name)),
    };
  },

  /**
   * A key-value store held in memory; its data is lost on close and restored from the
   * changelog when logging is enabled.
   * @throws TopologyException when `name` is not of `[A-Za-z0-9._-]`.
   */
  inMemoryKeyValueStore(name: string): KeyValueBytesStoreSupplier {
    checkName(name);
    return { name, persistent: false, metricsScope: 'in-memory', get: () => new InMemoryKeyValueStore(name) };
  },

  /**
   * A builder of typed key-value stores over `supplier`'s byte stores. Serdes left out are taken
   * from `default.key.serde` / `default.value.serde` at build time.
   */
  keyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>): KeyValueStoreBuilder<K, V> {
    return new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },
} as const;
