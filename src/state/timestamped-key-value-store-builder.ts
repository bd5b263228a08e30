import { AbstractStoreBuilder, type ResolvedSerdes } from './abstract-store-builder.js';
import { stackKeyValueLayers } from './key-value-store-layers.js';
import { byteStoreFor, type KeyValueBytesStoreSupplier, type StoreBuildContext } from './store-builder.js';
import { TypedTimestampedKeyValueStore } from './timestamped-key-value-store.js';
import { valueAndTimestampSerde } from './value-and-timestamp.js';

/**
 * Builds timestamped key-value stores, the stores of KTables (Kafka's
 * `TimestampedKeyValueStoreBuilder`): values are stored as `ValueAndTimestamp` bytes (8-byte
 * timestamp, then the value serde's bytes). Defaults as Kafka Streams: logging enabled,
 * caching disabled. The layers stack as in `KeyValueStoreBuilder`; the changelog carries plain
 * value bytes with the timestamp as the record timestamp.
 */
export class TimestampedKeyValueStoreBuilder<K, V> extends AbstractStoreBuilder<K, V, KeyValueBytesStoreSupplier, TypedTimestampedKeyValueStore<K, V>> {
  protected get serdeHint(): string {
    return 'pass one to Stores.timestampedKeyValueStoreBuilder()';
  }

  protected buildStore(context: StoreBuildContext, { keySerde, valueSerde, serdeTopic }: ResolvedSerdes<K, V>): TypedTimestampedKeyValueStore<K, V> {
    const bytes = stackKeyValueLayers(byteStoreFor(context, this.supplier), this, context, true);
    return new TypedTimestampedKeyValueStore(bytes, keySerde, valueAndTimestampSerde(valueSerde), serdeTopic);
  }
}
