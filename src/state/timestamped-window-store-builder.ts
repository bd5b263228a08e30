import type { ResolvedSerdes } from './abstract-store-builder.js';
import { byteStoreFor, type StoreBuildContext } from './store-builder.js';
import { TypedTimestampedWindowStore } from './timestamped-window-store.js';
import { AbstractWindowStoreBuilder } from './window-store-builder.js';
import { stackWindowLayers } from './window-store-layers.js';

/**
 * Builds timestamped window stores, the stores of time- and sliding-windowed aggregations
 * (Kafka's `TimestampedWindowStoreBuilder`): values are stored as `ValueAndTimestamp` bytes.
 * Defaults as Kafka Streams: logging enabled, caching disabled (never cached when the supplier
 * retains duplicates). Built inside a task, the layers stack as Kafka's:
 * typed(caching(changelogging(bytes))), each present only when enabled (see `stackWindowLayers`).
 */
export class TimestampedWindowStoreBuilder<K, V> extends AbstractWindowStoreBuilder<K, V, TypedTimestampedWindowStore<K, V>> {
  protected get serdeHint(): string {
    return 'give one with Materialized.with()';
  }

  protected buildStore(context: StoreBuildContext, { keySerde, valueSerde, serdeTopic }: ResolvedSerdes<K, V>): TypedTimestampedWindowStore<K, V> {
    return new TypedTimestampedWindowStore(stackWindowLayers(byteStoreFor(context, this.supplier), this, context, true), keySerde, valueSerde, serdeTopic);
  }
}
