import { TopologyException } from '../../errors.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore } from '../../state/state-store.js';
import type { KeyValueBytesStoreSupplier, StoreBuilder } from '../../state/store-builder.js';
import { Stores } from '../../state/stores.js';
import { Materialized, type MaterializedStoreSupplier } from '../materialized.js';

/**
 * A `Materialized` resolved for one operator (Kafka's `MaterializedInternal`): the store name is
 * the given one, the supplier's, or a generated `<prefix>STATE-STORE-<n>` (drawn from the
 * builder's counter when the operator is called, as Kafka does, so naming stays compatible).
 * Only a given name makes the store queryable, unless the operator forces it (global tables).
 */
export class MaterializedInternal<K, V> {
  readonly storeName: string;
  readonly queryableStoreName: string | undefined;
  #keySerde: Serde<K> | undefined;
  #valueSerde: Serde<V> | undefined;

  /**
   * @param materialized what the user gave (undefined: defaults)
   * @param names the builder, to generate a store name; undefined: no name is generated
   * @param generatedStorePrefix e.g. `KSTREAM-AGGREGATE-`, `address-` (a table source: `<topic>-`)
   */
  constructor(
    readonly materialized: Materialized<K, V> = Materialized.with<K, V>(),
    names?: { newStoreName(prefix: string): string },
    generatedStorePrefix = '',
    forceQueryable = false,
  ) {
    const given = materialized.queryableStoreName;
    this.storeName = given ?? (names === undefined ? '' : names.newStoreName(generatedStorePrefix));
    this.queryableStoreName = given !== undefined || forceQueryable ? this.storeName : undefined;
    this.#keySerde = materialized.keySerde;
    this.#valueSerde = materialized.valueSerde;
  }

  get keySerde(): Serde<K> | undefined {
    return this.#keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.#valueSerde;
  }

  /** Kafka's `withKeySerde` on the internal copy: operators fill in the serdes the user left out. */
  keySerdeIfUnset(serde: Serde<K> | undefined): this {
    this.#keySerde ??= serde;
    return this;
  }

  valueSerdeIfUnset(serde: Serde<V> | undefined): this {
    this.#valueSerde ??= serde;
    return this;
  }

  /**
   * The builder of the timestamped key-value store (Kafka's `KeyValueStoreMaterializer`): the
   * given supplier, else a persistent (LevelDB) store; with the choices of caching and logging.
   * A new builder on each call: call it once per store.
   * @throws TopologyException when the supplier is a window or session store supplier
   */
  keyValueStoreBuilder(): StoreBuilder<StateStore> {
    const m = this.materialized;
    const supplier = m.storeSupplier === undefined ? Stores.persistentKeyValueStore(this.storeName) : keyValueSupplier(m.storeSupplier);
    const builder = Stores.timestampedKeyValueStoreBuilder<K, V>(supplier, this.#keySerde, this.#valueSerde);
    if (m.loggingEnabled) builder.withLoggingEnabled(m.logConfig);
    else builder.withLoggingDisabled();
    if (m.cachingEnabled) builder.withCachingEnabled();
    else builder.withCachingDisabled();
    return builder;
  }
}

function keyValueSupplier(supplier: MaterializedStoreSupplier): KeyValueBytesStoreSupplier {
  if ('windowSizeMs' in supplier || 'retentionPeriodMs' in supplier) {
    throw new TopologyException(`Materialized.as(): store supplier ${supplier.name} makes window or session stores, but this operator needs a key-value store (Stores.persistentKeyValueStore / inMemoryKeyValueStore)`);
  }
  return supplier as KeyValueBytesStoreSupplier;
}

/**
 * The store builder of a table that may or may not end up materialized, made at once so a wrong
 * `Materialized` fails when the operator is called, and given when the graph is written.
 */
export function storeBuilderOf<K, V>(mi: MaterializedInternal<K, V>): () => StoreBuilder<StateStore> {
  const builder = mi.keyValueStoreBuilder();
  return () => builder;
}
