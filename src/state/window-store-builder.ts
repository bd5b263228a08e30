import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import type { StoreBuildContext, StoreBuilder } from './store-builder.js';
import { TypedWindowStore } from './typed-window-store.js';
import type { WindowStore } from './window-store.js';

/** Makes the byte store of a window store, one per task (Kafka's `WindowBytesStoreSupplier`). */
export interface WindowBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  /** Names the implementation, as Kafka's `metricsScope()`: `'level-window'` or `'in-memory-window'`. */
  readonly metricsScope: string;
  readonly retentionPeriodMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  /** The segment interval of persistent stores (in-memory stores report it too, as Kafka's do, but do not use it). */
  readonly segmentIntervalMs: number;
  /** A new, unopened byte store for one task. */
  get(context: StoreBuildContext): WindowStore<Buffer, Buffer>;
}

/**
 * Builds a typed window store over the supplier's byte store (Kafka's `WindowStoreBuilder`).
 * Defaults as Kafka Streams: logging enabled with no extra topic config, caching disabled; a
 * store that retains duplicates is never cached (Kafka disables caching for it: every duplicate
 * must reach the store).
 *
 * As `KeyValueStoreBuilder`, the builder records the caching and logging choices; the record
 * cache and changelogging layers, built separately, wrap the byte store here when they exist.
 */
export class WindowStoreBuilder<K, V> implements StoreBuilder<TypedWindowStore<K, V>> {
  readonly supplier: WindowBytesStoreSupplier;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  #caching = false;
  #logging = true;
  #logConfig: Readonly<Record<string, string>> = {};

  constructor(supplier: WindowBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>) {
    this.supplier = supplier;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  get name(): string {
    return this.supplier.name;
  }

  get retentionPeriodMs(): number {
    return this.supplier.retentionPeriodMs;
  }

  /** False for a store that retains duplicates, whatever was asked. */
  get cachingEnabled(): boolean {
    return this.#caching && !this.supplier.retainDuplicates;
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

  build(context: StoreBuildContext): TypedWindowStore<K, V> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<V> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(
        `Store ${this.name} has no ${missing} serde: pass one to Stores.windowStoreBuilder() or set 'default.${missing}.serde'`,
      );
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    return new TypedWindowStore(this.supplier.get(context), keySerde, valueSerde, topic);
  }
}
