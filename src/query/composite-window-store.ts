import { compareBytes } from '../state/byte-order.js';
import type { KeyValue } from '../state/key-value-store.js';
import type { WindowStore } from '../state/window-store.js';
import { Windowed } from '../state/windowed.js';
import { mapEntries, mergeScans } from './merge-scans.js';
import type { ReadOnlyWindowStore } from './read-only-stores.js';
import type { StoreCodec } from './store-codec.js';

type Bytes = WindowStore<Buffer, Buffer>;
type WindowedBytes = KeyValue<Windowed<Buffer>, Buffer>;
const byKeyThenStart = (a: WindowedBytes, b: WindowedBytes): number => compareBytes(a.key.key(), b.key.key()) || a.key.window().start() - b.key.window().start();
const reversed = (a: WindowedBytes, b: WindowedBytes): number => byKeyThenStart(b, a);

/** One read-only window view over the local partitions of a window store (Kafka's `CompositeReadOnlyWindowStore`). */
export class CompositeWindowStore<K, V> implements ReadOnlyWindowStore<K, V> {
  readonly #codec: StoreCodec<K, V>;
  readonly #stores: () => readonly Bytes[];

  constructor(codec: StoreCodec<K, V>, stores: () => readonly Bytes[]) {
    this.#codec = codec;
    this.#stores = stores;
  }

  fetch(key: K, windowStartMs: number): Promise<V | undefined>;
  fetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  fetch(key: K, timeFromMs: number, timeToMs?: number): Promise<V | undefined> | AsyncIterable<KeyValue<number, V>> {
    const bytes = this.#codec.keyBytes(key);
    const stores = this.#stores();
    if (timeToMs === undefined) return this.#fetchOne(stores, bytes, timeFromMs);
    return this.#byStart(mergeScans(stores.map((s) => s.fetch(bytes, timeFromMs, timeToMs)), (a, b) => a.key - b.key));
  }

  backwardFetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>> {
    const bytes = this.#codec.keyBytes(key);
    return this.#byStart(mergeScans(this.#stores().map((s) => s.backwardFetch(bytes, timeFromMs, timeToMs)), (a, b) => b.key - a.key));
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const [f, t] = [this.#codec.bound(keyFrom), this.#codec.bound(keyTo)];
    return this.#windowed(mergeScans(this.#stores().map((s) => s.fetchRange(f, t, timeFromMs, timeToMs)), byKeyThenStart));
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(mergeScans(this.#stores().map((s) => s.fetchAll(timeFromMs, timeToMs)), byKeyThenStart));
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(mergeScans(this.#stores().map((s) => s.backwardFetchAll(timeFromMs, timeToMs)), reversed));
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(mergeScans(this.#stores().map((s) => s.all()), byKeyThenStart));
  }

  async #fetchOne(stores: readonly Bytes[], key: Buffer, windowStartMs: number): Promise<V | undefined> {
    for (const store of stores) {
      const found = await store.fetch(key, windowStartMs);
      if (found !== undefined) return this.#codec.value(found);
    }
    return undefined;
  }

  #byStart(entries: AsyncIterable<KeyValue<number, Buffer>>): AsyncIterable<KeyValue<number, V>> {
    return mapEntries(entries, ({ key, value }) => ({ key, value: this.#codec.value(value) }));
  }

  #windowed(entries: AsyncIterable<WindowedBytes>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return mapEntries(entries, ({ key, value }) => ({ key: new Windowed(this.#codec.key(key.key()), key.window()), value: this.#codec.value(value) }));
  }
}
