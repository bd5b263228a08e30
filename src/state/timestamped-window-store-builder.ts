import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import type { StoreBuildContext, StoreBuilder } from './store-builder.js';
import { TypedTimestampedWindowStore } from './timestamped-window-store.js';
import { stackWindowLayers } from './window-store-layers.js';
import { WindowStoreBuilder, type WindowBytesStoreSupplier } from './window-store-builder.js';

/**
 * Builds timestamped window stores, the stores of time- and sliding-windowed aggregations
 * (Kafka's `TimestampedWindowStoreBuilder`): values are stored as `ValueAndTimestamp` bytes.
 * Defaults as Kafka Streams: logging enabled, caching disabled (never cached when the supplier
 * retains duplicates). Built inside a task, the layers stack as Kafka's:
 * typed(caching(changelogging(bytes))), each present only when enabled (see `stackWindowLayers`).
 */
export class TimestampedWindowStoreBuilder<K, V> implements StoreBuilder<TypedTimestampedWindowStore<K, V>> {
  /** Holds the choices (caching, logging, serdes) exactly as the plain builder does. */
  readonly #choices: WindowStoreBuilder<K, V>;

  constructor(supplier: WindowBytesStoreSupplier, keySerde?: Serde<K>, valueSerde?: Serde<V>) {
    this.#choices = new WindowStoreBuilder(supplier, keySerde, valueSerde);
  }

  get supplier(): WindowBytesStoreSupplier {
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

  /** The supplier's retention (the changelog topic keeps windows a day longer). */
  get retentionPeriodMs(): number {
    return this.#choices.retentionPeriodMs;
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

  build(context: StoreBuildContext): TypedTimestampedWindowStore<K, V> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<V> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(`Store ${this.name} has no ${missing} serde: give one with Materialized.with() or set 'default.${missing}.serde'`);
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    const bytes = stackWindowLayers(this.supplier.get(context), this, context, true);
    return new TypedTimestampedWindowStore(bytes, keySerde, valueSerde, topic);
  }
}
