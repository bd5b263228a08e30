import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { KeyValueStoreBuilder } from './key-value-store-builder.js';
import { stackKeyValueLayers } from './key-value-store-layers.js';
import type { KeyValueBytesStoreSupplier, StoreBuildContext, StoreBuilder } from './store-builder.js';
import { TypedTimestampedKeyValueStore } from './timestamped-key-value-store.js';
import { valueAndTimestampSerde } from './value-and-timestamp.js';

/**
 * Builds timestamped key-value stores, the stores of KTables (Kafka's
 * `TimestampedKeyValueStoreBuilder`): values are stored as `ValueAndTimestamp` bytes (8-byte
 * timestamp, then the value serde's bytes). Defaults as Kafka Streams: logging enabled,
 * caching disabled. The layers stack as in `KeyValueStoreBuilder`; the changelog carries plain
 * value bytes with the timestamp as the record timestamp.
 */
export class TimestampedKeyValueStoreBuilder<K, V> implements StoreBuilder<TypedTimestampedKeyValueStore<K, V>> {
  /** Holds the choices (caching, logging, serdes) exactly as the plain builder does. */
  readonly #choices: KeyValueStoreBuilder<K, V>;

  constructor(supplier: KeyValueBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>) {
    this.#choices = new KeyValueStoreBuilder(supplier, keySerde, valueSerde);
  }

  get supplier(): KeyValueBytesStoreSupplier {
    return this.#choices.supplier;
  }

  get keySerde(): Serde<K> | undefined {
    return this.#choices.keySerde;
  }

  get valueSerde(): Serde<V> | undefined {
    return this.#choices.valueSerde;
  }

  get name(): string {
    return this.#choices.name;
  }

  get cachingEnabled(): boolean {
    return this.#choices.cachingEnabled;
  }

  get loggingEnabled(): boolean {
    return this.#choices.loggingEnabled;
  }

  get logConfig(): Readonly<Record<string, string>> {
    return this.#choices.logConfig;
  }

  withCachingEnabled(): this {
    this.#choices.withCachingEnabled();
    return this;
  }

  withCachingDisabled(): this {
    this.#choices.withCachingDisabled();
    return this;
  }

  withLoggingEnabled(config: Readonly<Record<string, string>> = {}): this {
    this.#choices.withLoggingEnabled(config);
    return this;
  }

  withLoggingDisabled(): this {
    this.#choices.withLoggingDisabled();
    return this;
  }

  build(context: StoreBuildContext): TypedTimestampedKeyValueStore<K, V> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<V> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(
        `Store ${this.name} has no ${missing} serde: pass one to Stores.timestampedKeyValueStoreBuilder() or set 'default.${missing}.serde'`,
      );
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    const bytes = stackKeyValueLayers(this.supplier.get(context), this, context, true);
    return new TypedTimestampedKeyValueStore(bytes, keySerde, valueAndTimestampSerde(valueSerde), topic);
  }
}
