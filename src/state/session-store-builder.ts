import { AbstractStoreBuilder, type ResolvedSerdes } from './abstract-store-builder.js';
import { TypedCachedSessionStore } from './cached-session-store.js';
import type { SessionStore } from './session-store.js';
import { stackSessionLayers } from './session-store-layers.js';
import { byteStoreFor, type StoreBuildContext } from './store-builder.js';

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
 * Built inside a task, the layers stack as Kafka's: typed(caching(changelogging(bytes))), each
 * present only when enabled (caching also needs a record cache with a budget); see
 * `stackSessionLayers`. The typed store takes a record cache's flush listener.
 */
export class SessionStoreBuilder<K, AGG> extends AbstractStoreBuilder<K, AGG, SessionBytesStoreSupplier, TypedCachedSessionStore<K, AGG>> {
  get retentionPeriodMs(): number {
    return this.supplier.retentionPeriodMs;
  }

  protected get serdeHint(): string {
    return 'pass one to Stores.sessionStoreBuilder()';
  }

  protected buildStore(context: StoreBuildContext, { keySerde, valueSerde, serdeTopic }: ResolvedSerdes<K, AGG>): TypedCachedSessionStore<K, AGG> {
    return new TypedCachedSessionStore(stackSessionLayers(byteStoreFor(context, this.supplier), this, context), keySerde, valueSerde, serdeTopic);
  }
}
