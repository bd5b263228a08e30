import { join } from 'node:path';
import { TopologyException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { InMemoryKeyValueStore } from './in-memory-key-value-store.js';
import { InMemorySessionStore } from './in-memory-session-store.js';
import { InMemoryWindowStore } from './in-memory-window-store.js';
import { KeyValueStoreBuilder } from './key-value-store-builder.js';
import { LevelKeyValueStore } from './level-key-value-store.js';
import { LevelSessionStore } from './level-session-store.js';
import { LevelWindowStore } from './level-window-store.js';
import { SessionStoreBuilder, type SessionBytesStoreSupplier } from './session-store-builder.js';
import { checkSessionStoreOptions } from './session-store-options.js';
import type { KeyValueBytesStoreSupplier } from './store-builder.js';
import { TimestampedKeyValueStoreBuilder } from './timestamped-key-value-store-builder.js';
import { WindowStoreBuilder, type WindowBytesStoreSupplier } from './window-store-builder.js';
import { checkWindowStoreOptions } from './window-store-options.js';

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

  /**
   * A builder of timestamped key-value stores (values with the timestamp of their update, as
   * KTables keep them) over `supplier`'s byte stores. Serdes left out are taken from
   * `default.key.serde` / `default.value.serde` at build time; `valueSerde` is the serde of the
   * plain value (the timestamp is added in front of its bytes).
   * @example
   * Stores.timestampedKeyValueStoreBuilder(Stores.persistentKeyValueStore('prices'), Serdes.String(), Serdes.Double())
   */
  timestampedKeyValueStoreBuilder<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>): TimestampedKeyValueStoreBuilder<K, V> {
    return new TimestampedKeyValueStoreBuilder(supplier, keySerde, valueSerde);
  },

  /**
   * A persistent window store in LevelDB, split by window start into segments of
   * `max(retentionPeriodMs / 2, 60 s)` (Kafka's default), one database each under
   * `state.dir/<application.id>/<taskId>/<name>/<name>.<segment start>`; expired segments are deleted.
   * @param retentionPeriodMs how long windows are kept after the newest window start seen; `>= windowSizeMs`
   * @param windowSizeMs the size of the windows stored
   * @param retainDuplicates keep every put as its own entry (the buffers of stream-stream joins)
   * @throws TopologyException when `name` is not of `[A-Za-z0-9._-]`
   * @throws RangeError when a duration is negative or the retention is smaller than the window size
   */
  persistentWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates = false): WindowBytesStoreSupplier {
    checkName(name);
    const options = checkWindowStoreOptions(name, { retentionPeriodMs, windowSizeMs, retainDuplicates });
    return {
      name,
      persistent: true,
      metricsScope: 'level-window',
      ...options,
      get: (context) => new LevelWindowStore(name, join(context.taskDirectory, name), options),
    };
  },

  /**
   * A window store held in memory; expired windows are removed as stream time passes them.
   * Arguments and errors as {@link persistentWindowStore}.
   */
  inMemoryWindowStore(name: string, retentionPeriodMs: number, windowSizeMs: number, retainDuplicates = false): WindowBytesStoreSupplier {
    checkName(name);
    const options = checkWindowStoreOptions(name, { retentionPeriodMs, windowSizeMs, retainDuplicates });
    return { name, persistent: false, metricsScope: 'in-memory-window', ...options, get: () => new InMemoryWindowStore(name, options) };
  },

  /**
   * A persistent session store in LevelDB, split by session end into segments of
   * `max(retentionPeriodMs / 2, 60 s)`, one database each; expired segments are deleted.
   * @param retentionPeriodMs how long sessions are kept after the newest session end seen (Kafka's default: gap + grace)
   * @throws TopologyException when `name` is not of `[A-Za-z0-9._-]`
   * @throws RangeError when the retention is negative
   */
  persistentSessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
    checkName(name);
    const options = checkSessionStoreOptions(name, { retentionPeriodMs });
    return {
      name,
      persistent: true,
      metricsScope: 'level-session',
      ...options,
      get: (context) => new LevelSessionStore(name, join(context.taskDirectory, name), options),
    };
  },

  /** A session store held in memory. Arguments and errors as {@link persistentSessionStore}. */
  inMemorySessionStore(name: string, retentionPeriodMs: number): SessionBytesStoreSupplier {
    checkName(name);
    const options = checkSessionStoreOptions(name, { retentionPeriodMs });
    return { name, persistent: false, metricsScope: 'in-memory-session', ...options, get: () => new InMemorySessionStore(name, options) };
  },

  /**
   * A builder of typed window stores over `supplier`'s byte stores. Serdes left out are taken
   * from `default.key.serde` / `default.value.serde` at build time.
   */
  windowStoreBuilder<K, V>(supplier: WindowBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>): WindowStoreBuilder<K, V> {
    return new WindowStoreBuilder(supplier, keySerde, valueSerde);
  },

  /**
   * A builder of typed session stores over `supplier`'s byte stores. Serdes left out are taken
   * from `default.key.serde` / `default.value.serde` at build time.
   */
  sessionStoreBuilder<K, AGG>(supplier: SessionBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<AGG>): SessionStoreBuilder<K, AGG> {
    return new SessionStoreBuilder(supplier, keySerde, valueSerde);
  },
} as const;
