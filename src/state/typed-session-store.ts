import type { Serde } from '../serde/serde.js';
import type { KeyValue } from './key-value-store.js';
import type { SessionStore, SessionStoreWrite } from './session-store.js';
import { Windowed } from './windowed.js';
import { WrappedSessionStore } from './wrapped-state-store.js';

/**
 * The session store processors and interactive queries use: keys and aggregates of their own
 * types over a byte session store, converted with the store's serdes (the serdes part of Kafka
 * Streams' `MeteredSessionStore`). Serdes are called with `serdeTopic` (by convention the
 * changelog topic).
 */
export class TypedSessionStore<K, AGG> extends WrappedSessionStore<SessionStore<Buffer, Buffer>> implements SessionStore<K, AGG> {
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<AGG>;
  readonly #topic: string;

  constructor(inner: SessionStore<Buffer, Buffer>, keySerde: Serde<K>, valueSerde: Serde<AGG>, serdeTopic: string = inner.name) {
    super(inner);
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#topic = serdeTopic;
  }

  async put(sessionKey: Windowed<K>, aggregate: AGG | null): Promise<void> {
    return this.inner.put(this.#sessionKey(sessionKey), this.#valueSerde.serialize(this.#topic, aggregate));
  }

  async putAll(writes: Iterable<SessionStoreWrite<K, AGG>>): Promise<void> {
    const bytes: Array<SessionStoreWrite<Buffer, Buffer>> = [];
    for (const { sessionKey, aggregate } of writes) {
      bytes.push({ sessionKey: this.#sessionKey(sessionKey), aggregate: this.#valueSerde.serialize(this.#topic, aggregate) });
    }
    return this.inner.putAll(bytes);
  }

  async remove(sessionKey: Windowed<K>): Promise<void> {
    return this.inner.remove(this.#sessionKey(sessionKey));
  }

  async fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): Promise<AGG | undefined> {
    const bytes = await this.inner.fetchSession(this.#key(key), sessionStartMs, sessionEndMs);
    return bytes === undefined ? undefined : (this.#valueSerde.deserialize(this.#topic, bytes) as AGG);
  }

  findSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.findSessions(this.#key(key), earliestSessionEndMs, latestSessionStartMs));
  }

  backwardFindSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.backwardFindSessions(this.#key(key), earliestSessionEndMs, latestSessionStartMs));
  }

  findSessionsRange(keyFrom: K | undefined, keyTo: K | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.findSessionsRange(this.#bound(keyFrom), this.#bound(keyTo), earliestSessionEndMs, latestSessionStartMs));
  }

  backwardFindSessionsRange(keyFrom: K | undefined, keyTo: K | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.backwardFindSessionsRange(this.#bound(keyFrom), this.#bound(keyTo), earliestSessionEndMs, latestSessionStartMs));
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.fetch(this.#key(key)));
  }

  backwardFetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.backwardFetch(this.#key(key)));
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.fetchRange(this.#bound(keyFrom), this.#bound(keyTo)));
  }

  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return this.#typed(this.inner.backwardFetchRange(this.#bound(keyFrom), this.#bound(keyTo)));
  }

  #key(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#keySerde.serialize(this.#topic, key);
    if (bytes === null) throw new TypeError(`Store ${this.name}: keys cannot be null or undefined, but got: ${String(key)}`);
    return bytes;
  }

  #bound(key: K | undefined): Buffer | undefined {
    return key === undefined || key === null ? undefined : this.#key(key);
  }

  #sessionKey(sessionKey: Windowed<K>): Windowed<Buffer> {
    return new Windowed(this.#key(sessionKey.key()), sessionKey.window());
  }

  #typed(entries: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    const keySerde = this.#keySerde;
    const valueSerde = this.#valueSerde;
    const topic = this.#topic;
    return {
      async *[Symbol.asyncIterator]() {
        // for-await closes the byte iterator when the consumer of this one breaks early.
        for await (const { key, value } of entries) {
          yield { key: new Windowed(keySerde.deserialize(topic, key.key()) as K, key.window()), value: valueSerde.deserialize(topic, value) as AGG };
        }
      },
    };
  }
}
