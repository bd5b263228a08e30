import { compareBytes } from '../state/byte-order.js';
import type { KeyValue } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import { Windowed } from '../state/windowed.js';
import { mapEntries, mergeScans } from './merge-scans.js';
import type { ReadOnlySessionStore } from './read-only-stores.js';
import type { StoreCodec } from './store-codec.js';

type Bytes = SessionStore<Buffer, Buffer>;
type SessionBytes = KeyValue<Windowed<Buffer>, Buffer>;
/** The session store's order: key bytes, then end, then start. */
const ascending = (a: SessionBytes, b: SessionBytes): number =>
  compareBytes(a.key.key(), b.key.key()) || a.key.window().end() - b.key.window().end() || a.key.window().start() - b.key.window().start();
const descending = (a: SessionBytes, b: SessionBytes): number => ascending(b, a);

/** One read-only session view over the local partitions of a session store (Kafka's `CompositeReadOnlySessionStore`). */
export class CompositeSessionStore<K, AGG> implements ReadOnlySessionStore<K, AGG> {
  readonly #codec: StoreCodec<K, AGG>;
  readonly #stores: () => readonly Bytes[];

  constructor(codec: StoreCodec<K, AGG>, stores: () => readonly Bytes[]) {
    this.#codec = codec;
    this.#stores = stores;
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    const bytes = this.#codec.keyBytes(key);
    return this.#typed(mergeScans(this.#stores().map((s) => s.fetch(bytes)), ascending));
  }

  backwardFetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    const bytes = this.#codec.keyBytes(key);
    return this.#typed(mergeScans(this.#stores().map((s) => s.backwardFetch(bytes)), descending));
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    const [f, t] = [this.#codec.bound(keyFrom), this.#codec.bound(keyTo)];
    return this.#typed(mergeScans(this.#stores().map((s) => s.fetchRange(f, t)), ascending));
  }

  findSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    const bytes = this.#codec.keyBytes(key);
    return this.#typed(mergeScans(this.#stores().map((s) => s.findSessions(bytes, earliestSessionEndMs, latestSessionStartMs)), ascending));
  }

  async fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): Promise<AGG | undefined> {
    const bytes = this.#codec.keyBytes(key);
    for (const store of this.#stores()) {
      const found = await store.fetchSession(bytes, sessionStartMs, sessionEndMs);
      if (found !== undefined) return this.#codec.value(found);
    }
    return undefined;
  }

  #typed(entries: AsyncIterable<SessionBytes>): AsyncIterable<KeyValue<Windowed<K>, AGG>> {
    return mapEntries(entries, ({ key, value }) => ({ key: new Windowed(this.#codec.key(key.key()), key.window()), value: this.#codec.value(value) }));
  }
}
