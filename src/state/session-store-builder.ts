import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import type { SessionStore } from './session-store.js';
import type { StoreBuildContext, StoreBuilder } from './store-builder.js';
import { TypedSessionStore } from './typed-session-store.js';

/** Makes the byte store of a session store, one per task (Kafka's `SessionBytesStoreSupplier`). */
export interface SessionBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  /** Names the implementation, as Kafka's `metricsScope()`: `'level-session'` or `'in-memory-session'`. */
  readonly metricsScope: string;
  readonly retentionPeriodMs: number;
  /** The segment interval of persistent stores (in-memory stores report it too but do not use it). */
  readonly segmentIntervalMs: number;
  /** A new, unopened byte store for one task. */
  get(context: StoreBuildContext): SessionStore<Buffer, Buffer>;
}

/**
 * Builds a typed session store over the supplier's byte store (Kafka's `SessionStoreBuilder`).
 * Defaults as Kafka Streams: logging enabled with no extra topic config, caching disabled.
 *
 * As `KeyValueStoreBuilder`, the builder records the caching and logging choices; the record
 * cache and changelogging layers, built separately, wrap the byte store here when they exist.
 */
export class SessionStoreBuilder<K, AGG> implements StoreBuilder<TypedSessionStore<K, AGG>> {
  readonly supplier: SessionBytesStoreSupplier;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<AGG> | undefined;
  #caching = false;
  #logging = true;
  #logConfig: Readonly<Record<string, string>> = {};

  constructor(supplier: SessionBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<AGG>) {
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

  build(context: StoreBuildContext): TypedSessionStore<K, AGG> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<AGG> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(
        `Store ${this.name} has no ${missing} serde: pass one to Stores.sessionStoreBuilder() or set 'default.${missing}.serde'`,
      );
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    return new TypedSessionStore(this.supplier.get(context), keySerde, valueSerde, topic);
  }
}
