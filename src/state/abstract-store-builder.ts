import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import type { StateStore } from './state-store.js';
import type { StoreBuildContext, StoreBuilder } from './store-builder.js';

/** The serdes a store is built with and the topic name its serdes are called with. */
export interface ResolvedSerdes<K, V> {
  readonly keySerde: Serde<K>;
  readonly valueSerde: Serde<V>;
  /** The changelog topic inside an application, else the store name (what Kafka passes serdes). */
  readonly serdeTopic: string;
}

/**
 * What every store builder shares (Kafka's `AbstractStoreBuilder`): the supplier, the serdes, and
 * the caching and logging choices with Kafka's defaults (logging enabled with no extra topic
 * config, caching disabled). A subclass stacks the layers for its kind of store in `buildStore`
 * (see `stackKeyValueLayers`, `stackWindowLayers`, `stackSessionLayers`).
 */
export abstract class AbstractStoreBuilder<K, V, Supplier extends { readonly name: string }, T extends StateStore> implements StoreBuilder<T> {
  readonly supplier: Supplier;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  #caching = false;
  #logging = true;
  #logConfig: Readonly<Record<string, string>> = {};

  constructor(supplier: Supplier, keySerde?: Serde<K>, valueSerde?: Serde<V>) {
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

  build(context: StoreBuildContext): T {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<V> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(`Store ${this.name} has no ${missing} serde: ${this.serdeHint} or set 'default.${missing}.serde'`);
    }
    const serdeTopic = context.serdeTopic ?? (context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`);
    return this.buildStore(context, { keySerde, valueSerde, serdeTopic });
  }

  /** Where the missing-serde error tells the user to give one, e.g. "pass one to Stores.keyValueStoreBuilder()". */
  protected abstract get serdeHint(): string;

  /** The store over the supplier's byte store, with its layers, once the serdes are known. */
  protected abstract buildStore(context: StoreBuildContext, serdes: ResolvedSerdes<K, V>): T;
}
