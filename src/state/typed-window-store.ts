import type { Serde } from '../serde/serde.js';
import type { KeyValue } from './key-value-store.js';
import type { WindowStore, WindowStoreWrite } from './window-store.js';
import { Windowed } from './windowed.js';
import { WrappedWindowStore } from './wrapped-state-store.js';

/**
 * The window store processors and interactive queries use: keys and values of their own types
 * over a byte window store, converted with the store's serdes (the serdes part of Kafka Streams'
 * `MeteredWindowStore`). Order is that of the serialized key bytes, as in the byte store. Serdes
 * are called with `serdeTopic` (by convention the changelog topic).
 */
export class TypedWindowStore<K, V> extends WrappedWindowStore<WindowStore<Buffer, Buffer>> implements WindowStore<K, V> {
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #topic: string;

  constructor(inner: WindowStore<Buffer, Buffer>, keySerde: Serde<K>, valueSerde: Serde<V>, serdeTopic: string = inner.name) {
    super(inner);
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#topic = serdeTopic;
  }

  async put(key: K, value: V | null, windowStartMs: number): Promise<void> {
    return this.inner.put(this.#key(key), this.#valueSerde.serialize(this.#topic, value), windowStartMs);
  }

  async putAll(writes: Iterable<WindowStoreWrite<K, V>>): Promise<void> {
    const bytes: Array<WindowStoreWrite<Buffer, Buffer>> = [];
    for (const { key, value, windowStartMs } of writes) {
      bytes.push({ key: this.#key(key), value: this.#valueSerde.serialize(this.#topic, value), windowStartMs });
    }
    return this.inner.putAll(bytes);
  }

  fetch(key: K, windowStartMs: number): Promise<V | undefined>;
  fetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  fetch(key: K, timeFromMs: number, timeToMs?: number): Promise<V | undefined> | AsyncIterable<KeyValue<number, V>> {
    if (timeToMs === undefined) return this.#fetchOne(key, timeFromMs);
    return this.#byStart(this.inner.fetch(this.#key(key), timeFromMs, timeToMs));
  }

  backwardFetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>> {
    return this.#byStart(this.inner.backwardFetch(this.#key(key), timeFromMs, timeToMs));
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.fetchRange(this.#bound(keyFrom), this.#bound(keyTo), timeFromMs, timeToMs));
  }

  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.backwardFetchRange(this.#bound(keyFrom), this.#bound(keyTo), timeFromMs, timeToMs));
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.fetchAll(timeFromMs, timeToMs));
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.backwardFetchAll(timeFromMs, timeToMs));
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.all());
  }

  backwardAll(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return this.#windowed(this.inner.backwardAll());
  }

  async #fetchOne(key: K, windowStartMs: number): Promise<V | undefined> {
    const bytes = await this.inner.fetch(this.#key(key), windowStartMs);
    return bytes === undefined ? undefined : (this.#valueSerde.deserialize(this.#topic, bytes) as V);
  }

  #key(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#keySerde.serialize(this.#topic, key);
    if (bytes === null) throw new TypeError(`Store ${this.name}: keys cannot be null or undefined, but got: ${String(key)}`);
    return bytes;
  }

  #bound(key: K | undefined): Buffer | undefined {
    return key === undefined || key === null ? undefined : this.#key(key);
  }

  #byStart(entries: AsyncIterable<KeyValue<number, Buffer>>): AsyncIterable<KeyValue<number, V>> {
    const valueSerde = this.#valueSerde;
    const topic = this.#topic;
    return {
      async *[Symbol.asyncIterator]() {
        for await (const { key, value } of entries) yield { key, value: valueSerde.deserialize(topic, value) as V };
      },
    };
  }

  #windowed(entries: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const keySerde = this.#keySerde;
    const valueSerde = this.#valueSerde;
    const topic = this.#topic;
    return {
      async *[Symbol.asyncIterator]() {
        // for-await closes the byte iterator when the consumer of this one breaks early.
        for await (const { key, value } of entries) {
          yield { key: new Windowed(keySerde.deserialize(topic, key.key()) as K, key.window()), value: valueSerde.deserialize(topic, value) as V };
        }
      },
    };
  }
}
