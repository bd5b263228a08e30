import { AbstractStoreBuilder, type ResolvedSerdes } from './abstract-store-builder.js';
import { stackKeyValueLayers } from './key-value-store-layers.js';
import { byteStoreFor, type KeyValueBytesStoreSupplier, type StoreBuildContext } from './store-builder.js';
import { TypedKeyValueStore } from './typed-key-value-store.js';

/**
 * Builds a typed key-value store over the supplier's byte store (Kafka's `KeyValueStoreBuilder`).
 * Defaults as Kafka Streams: logging enabled with no extra topic config, caching disabled.
 *
 * Built inside a task, the layers stack as Kafka's: typed(caching(changelogging(bytes))), each
 * present only when enabled (caching also needs a record cache with a budget); see
 * `stackKeyValueLayers`.
 */
export class KeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<K, V, KeyValueBytesStoreSupplier, TypedKeyValueStore<K, V>> {
  protected get serdeHint(): string {
    return 'pass one to Stores.keyValueStoreBuilder()';
  }

  protected buildStore(context: StoreBuildContext, { keySerde, valueSerde, serdeTopic }: ResolvedSerdes<K, V>): TypedKeyValueStore<K, V> {
    return new TypedKeyValueStore(stackKeyValueLayers(byteStoreFor(context, this.supplier), this, context, false), keySerde, valueSerde, serdeTopic);
  }
}
