import { AbstractStoreBuilder, type ResolvedSerdes } from './abstract-store-builder.js';
import type { StateStore } from './state-store.js';
import { byteStoreFor, type StoreBuildContext } from './store-builder.js';
import { TypedWindowStore } from './typed-window-store.js';
import type { WindowStore } from './window-store.js';
import { stackWindowLayers } from './window-store-layers.js';

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
 * What the plain and the timestamped window store builders share: the supplier's retention, and
 * no caching for a store that retains duplicates, whatever was asked (Kafka disables caching for
 * it: every duplicate must reach the store).
 */
export abstract class AbstractWindowStoreBuilder<K, V, T extends StateStore> extends AbstractStoreBuilder<K, V, WindowBytesStoreSupplier, T> {
  /** The supplier's retention (the changelog topic keeps windows a day longer). */
  get retentionPeriodMs(): number {
    return this.supplier.retentionPeriodMs;
  }

  /** False for a store that retains duplicates, whatever was asked. */
  override get cachingEnabled(): boolean {
    return super.cachingEnabled && !this.supplier.retainDuplicates;
  }
}

/**
 * Builds a typed window store over the supplier's byte store (Kafka's `WindowStoreBuilder`).
 * Defaults as Kafka Streams: logging enabled with no extra topic config, caching disabled; a
 * store that retains duplicates is never cached.
 *
 * Built inside a task, the layers stack as Kafka's: typed(caching(changelogging(bytes))), each
 * present only when enabled (caching also needs a record cache with a budget); see
 * `stackWindowLayers`.
 */
export class WindowStoreBuilder<K, V> extends AbstractWindowStoreBuilder<K, V, TypedWindowStore<K, V>> {
  protected get serdeHint(): string {
    return 'pass one to Stores.windowStoreBuilder()';
  }

  protected buildStore(context: StoreBuildContext, { keySerde, valueSerde, serdeTopic }: ResolvedSerdes<K, V>): TypedWindowStore<K, V> {
    return new TypedWindowStore(stackWindowLayers(byteStoreFor(context, this.supplier), this, context, false), keySerde, valueSerde, serdeTopic);
  }
}
