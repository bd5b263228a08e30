import type { Serde } from '../serde/serde.js';
import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import type { SessionStore } from './session-store.js';
import { TypedSessionStore } from './typed-session-store.js';
import { Windowed } from './windowed.js';

/** A session store that may sit on a record cache: the store of session-windowed aggregations. */
export interface CachedSessionStore<K, AGG> extends SessionStore<K, AGG>, CachedStateStore<Windowed<K>, AGG> {}

/**
 * The typed session store that also passes a record cache's flushed updates to a listener, with
 * keys and aggregates deserialized (the flush-listener part of Kafka's `MeteredSessionStore`).
 * The update's timestamp is that of its record context; session aggregations forward with the
 * session end instead (Kafka's `SessionCacheFlushListener`).
 */
export class TypedCachedSessionStore<K, AGG> extends TypedSessionStore<K, AGG> implements CachedSessionStore<K, AGG> {
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<AGG>;
  readonly #topic: string;

  constructor(inner: SessionStore<Buffer, Buffer>, keySerde: Serde<K>, valueSerde: Serde<AGG>, serdeTopic: string = inner.name) {
    super(inner, keySerde, valueSerde, serdeTopic);
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#topic = serdeTopic;
  }

  /** Returns false, and keeps nothing, when no cache sits below. */
  setFlushListener(listener: CacheFlushListener<Windowed<K>, AGG>, sendOldValues: boolean): boolean {
    const cached = this.inner as Partial<CachedStateStore<Windowed<Buffer>, Buffer>>;
    if (typeof cached.setFlushListener !== 'function') return false;
    const value = (bytes: Buffer | null): AGG | null => (bytes === null ? null : this.#valueSerde.deserialize(this.#topic, bytes));
    return cached.setFlushListener((record) => listener({
      key: new Windowed(this.#keySerde.deserialize(this.#topic, record.key.key()) as K, record.key.window()),
      newValue: value(record.newValue),
      oldValue: value(record.oldValue),
      timestamp: record.timestamp,
      headers: record.headers,
    }), sendOldValues);
  }
}
