import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { stackKeyValueLayers } from './key-value-store-layers.js';
import type { KeyValueBytesStoreSupplier, StoreBuildContext, StoreBuilder } from './store-builder.js';
import { TypedKeyValueStore } from './typed-key-value-store.js';

/**
 * Builds a typed key-value store over the supplier's byte store (Kafka's `KeyValueStoreBuilder`).
 * Defaults as Kafka Streams: logging enabled with no extra topic config, caching disabled.
 *
 * Built inside a task, the layers stack as Kafka's: typed(caching(changelogging(bytes))), each
 * present only when enabled (caching also needs a record cache with a budget); see
 * `stackKeyValueLayers`.
 */
export class KeyValueStoreBuilder<K, V> implements StoreBuilder<TypedKeyValueStore<K, V>> {
  readonly supplier: KeyValueBytesStoreSupplier;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  #caching = false;
  #logging = true;
  #logConfig: Readonly<Record<string, string>> = {};

  constructor(supplier: KeyValueBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>) {
    this.supplier = supplier;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  get name(): string {
    return this.supplier.name;
  }

  get cachingEnabled(): boolean {
    return this.#caching;
  }

  get loggingEnabled(): boolean {
    return this.#logging;
  }

  get logConfig(): Readonly<Record<string, string>> {
    return this.#logConfig;
  }

  withCachingEnabled(): this {
    this.#caching = true;
    return this;
  }

  withCachingDisabled(): this {
    this.#caching = false;
    return this;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.#logging = true;
    this.#logConfig = { ...config };
    return this;
  }

  withLoggingDisabled(): this {
    this.#logging = false;
    this.#logConfig = {};
    return this;
  }

  build(context: StoreBuildContext): TypedKeyValueStore<K, V> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<V> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(
        `Store ${this.name} has no ${missing} serde: pass one to Stores.keyValueStoreBuilder() or set 'default.${missing}.serde'`,
      );
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    return new TypedKeyValueStore(stackKeyValueLayers(this.supplier.get(context), this, context, false), keySerde, valueSerde, topic);
  }
}
