import type { Serde } from '../serde/serde.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBuildContext } from '../state/store-builder.js';
import { describeValue } from './internal/arguments.js';
import { validateName } from './named.js';

/**
 * A byte-store supplier `Materialized.as()` accepts: `Stores.persistentKeyValueStore(name)`,
 * `Stores.inMemoryKeyValueStore(name)`, and the window and session suppliers of `Stores` for
 * windowed aggregations. Each operator checks that the supplier's kind fits it.
 */
export interface MaterializedStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  readonly metricsScope: string;
  get(context: StoreBuildContext): StateStore;
}

/**
 * How a stateful DSL operator keeps its state (Kafka's `Materialized`): the store's name (which
 * makes the KTable queryable under that name), or a store supplier; the serdes of the store;
 * whether a record cache sits in front of it; whether it writes a changelog topic
 * (`<application.id>-<store name>-changelog`) and with which topic configs; and, for windowed
 * stores, how long windows are retained. Immutable: every `with*` returns a copy.
 *
 * Defaults, as in Kafka Streams: a persistent (LevelDB) store with a generated name that is not
 * queryable, caching and logging enabled, the operator's own serdes (else the config defaults).
 *
 * @typeParam K - the store's key type
 * @typeParam V - the store's value type
 * @example
 * builder.table('address', Materialized.as<string, string>('address-store').withCachingDisabled())
 * stream.groupByKey().count(Materialized.as(Stores.inMemoryKeyValueStore('counts')))
 */
export class Materialized<K, V> {
  private constructor(
    /** The store name given with `as(name)`; a supplier's name is {@link storeSupplier}'s. */
    readonly storeName: string | undefined,
    readonly storeSupplier: MaterializedStoreSupplier | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly cachingEnabled: boolean,
    readonly loggingEnabled: boolean,
    readonly logConfig: Readonly<{ [config: string]: string }>,
    /** Retention of windowed stores in ms; undefined: the window's size plus grace. */
    readonly retentionMs: number | undefined,
  ) {}

  /**
   * A store with this name (queryable under it), or a store made by this supplier (queryable
   * under the supplier's name).
   * @param store a store name: ASCII alphanumerics, `.`, `_` and `-`, at most 249 characters; or a
   *   store supplier from `Stores`
   * @throws TopologyException when the name is not a legal name
   */
  static as<K, V>(store: string | MaterializedStoreSupplier): Materialized<K, V> {
    if (typeof store === 'string') {
      validateName(store);
      return new Materialized<K, V>(store, undefined, undefined, undefined, true, true, {}, undefined);
    }
    return new Materialized<K, V>(undefined, checkSupplier(store), undefined, undefined, true, true, {}, undefined);
  }

  /** Only serdes: the store gets a generated name and is not queryable. */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Materialized<K, V> {
    return new Materialized<K, V>(undefined, undefined, keySerde, valueSerde, true, true, {}, undefined);
  }

  /** The name under which the store is queryable, when one was given (directly or by a supplier). */
  get queryableStoreName(): string | undefined {
    return this.storeSupplier?.name ?? this.storeName;
  }

  withKeySerde(keySerde: Serde<K>): Materialized<K, V> {
    return this.#copy({ keySerde });
  }

  withValueSerde(valueSerde: Serde<V>): Materialized<K, V> {
    return this.#copy({ valueSerde });
  }

  /** A record cache in front of the store (the default): repeated updates of a key between commits are forwarded once. */
  withCachingEnabled(): Materialized<K, V> {
    return this.#copy({ cachingEnabled: true });
  }

  /** No record cache: every update is written and forwarded at once. */
  withCachingDisabled(): Materialized<K, V> {
    return this.#copy({ cachingEnabled: false });
  }

  /**
   * The store writes a changelog topic (the default), created with these extra topic configs.
   * @param config topic configs, e.g. `{ 'min.insync.replicas': '2' }`
   */
  withLoggingEnabled(config: Readonly<{ [config: string]: string }> = {}): Materialized<K, V> {
    if (typeof config !== 'object' || config === null) {
      throw new TypeError(`Materialized.withLoggingEnabled(): config must be an object of topic configs, but got: ${describeValue(config)}`);
    }
    return this.#copy({ loggingEnabled: true, logConfig: { ...config } });
  }

  /** No changelog topic: the store's content is lost with its local state (and not restored). */
  withLoggingDisabled(): Materialized<K, V> {
    return this.#copy({ loggingEnabled: false, logConfig: {} });
  }

  /**
   * How long a windowed store keeps windows, in ms (must be at least the window size plus grace);
   * ignored by key-value stores.
   * @throws RangeError when `retentionMs` is negative or not a number
   */
  withRetention(retentionMs: number): Materialized<K, V> {
    if (typeof retentionMs !== 'number' || !(retentionMs >= 0)) {
      throw new RangeError(`Materialized.withRetention(): retention must be a number of ms >= 0, but got: ${describeValue(retentionMs)}`);
    }
    return this.#copy({ retentionMs });
  }

  #copy(changes: Partial<Pick<Materialized<K, V>, 'keySerde' | 'valueSerde' | 'cachingEnabled' | 'loggingEnabled' | 'logConfig' | 'retentionMs'>>): Materialized<K, V> {
    const next = { ...this.#fields(), ...changes };
    return new Materialized<K, V>(this.storeName, this.storeSupplier, next.keySerde, next.valueSerde, next.cachingEnabled, next.loggingEnabled, next.logConfig, next.retentionMs);
  }

  #fields(): Pick<Materialized<K, V>, 'keySerde' | 'valueSerde' | 'cachingEnabled' | 'loggingEnabled' | 'logConfig' | 'retentionMs'> {
    return {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
      cachingEnabled: this.cachingEnabled,
      loggingEnabled: this.loggingEnabled,
      logConfig: this.logConfig,
      retentionMs: this.retentionMs,
    };
  }
}

function checkSupplier(supplier: unknown): MaterializedStoreSupplier {
  const ok = typeof supplier === 'object' && supplier !== null
    && typeof (supplier as { name?: unknown }).name === 'string'
    && typeof (supplier as { get?: unknown }).get === 'function';
  if (!ok) {
    throw new TypeError(`Materialized.as(): store must be a store name or a store supplier (e.g. Stores.inMemoryKeyValueStore(name)), but got: ${describeValue(supplier)}`);
  }
  return supplier as MaterializedStoreSupplier;
}
