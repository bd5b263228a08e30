import { ConfigException } from '../errors.js';
import type { Serde } from '../serde/serde.js';
import { TypedCachedSessionStore } from './cached-session-store.js';
import { SessionStoreBuilder } from './session-store-builder.js';
import { stackSessionLayers } from './session-store-layers.js';
import type { StoreBuildContext } from './store-builder.js';

/**
 * A `SessionStoreBuilder` that, built inside a task, stacks the layers Kafka's
 * `SessionStoreBuilder` stacks: typed(caching(changelogging(bytes))), each present only when
 * enabled (see `stackSessionLayers`); the typed store takes a flush listener. What the
 * session-windowed aggregations build their stores with.
 */
export class CachedSessionStoreBuilder<K, AGG> extends SessionStoreBuilder<K, AGG> {
  override build(context: StoreBuildContext): TypedCachedSessionStore<K, AGG> {
    const keySerde = this.keySerde ?? (context.defaultKeySerde as Serde<K> | undefined);
    const valueSerde = this.valueSerde ?? (context.defaultValueSerde as Serde<AGG> | undefined);
    if (keySerde === undefined || valueSerde === undefined) {
      const missing = keySerde === undefined ? 'key' : 'value';
      throw new ConfigException(`Store ${this.name} has no ${missing} serde: give one with Materialized.with() or set 'default.${missing}.serde'`);
    }
    const topic = context.applicationId === undefined ? this.name : `${context.applicationId}-${this.name}-changelog`;
    return new TypedCachedSessionStore(stackSessionLayers(this.supplier.get(context), this, context), keySerde, valueSerde, topic);
  }
}
