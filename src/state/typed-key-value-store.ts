import type { Serde } from '../serde/serde.js';
import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import { mapScan } from './entry-scan.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { getMaybeSync, isPromise, type MaybePromise, type SyncReadable } from './sync-read.js';
import { WrappedStateStore } from './wrapped-state-store.js';

/**
 * The store processors and interactive queries use: keys and values of their own types over a
 * byte store, converted with the store's serdes (the serdes part of Kafka Streams'
 * `MeteredKeyValueStore`; this layer records no metrics). Order is the byte order of the
 * serialized keys, so with `Serdes.String()` keys `range('a', 'm')` is by UTF-8 bytes, and with
 * `Serdes.Integer()` keys negative numbers sort after positive ones, as in Kafka Streams.
 *
 * Keys cannot be `null`. Serdes are called with the store's `serdeTopic` (by convention its
 * changelog topic, as Kafka Streams does) so topic-aware serdes see a stable name.
 */
export class TypedKeyValueStore<K, V> extends WrappedStateStore<KeyValueStore<Buffer, Buffer>> implements KeyValueStore<K, V>, CachedStateStore<K, V>, SyncReadable<K, V> {
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #topic: string;

  constructor(inner: KeyValueStore<Buffer, Buffer>, keySerde: Serde<K>, valueSerde: Serde<V>, serdeTopic: string = inner.name) {
    super(inner);
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#topic = serdeTopic;
  }

  async get(key: K): Promise<V | undefined> {
    return this.#value(await getMaybeSync(this.inner, this.#key(key)));
  }

  /**
   * `get` without a promise when every layer below answers at once (see `SyncReadable`); for
   * hot internal readers (joins) that check for a promise on the result. Not for values whose
   * type is itself thenable.
   */
  getMaybeSync(key: K): MaybePromise<V | undefined> {
    const bytes = getMaybeSync(this.inner, this.#key(key));
    return isPromise(bytes) ? bytes.then((b) => this.#value(b)) : this.#value(bytes);
  }

  async getMany(keys: readonly K[]): Promise<Array<V | undefined>> {
    const values = await this.inner.getMany(keys.map((key) => this.#key(key)));
    return values.map((value) => this.#value(value));
  }

  async put(key: K, value: V | null): Promise<void> {
    return this.inner.put(this.#key(key), this.#valueSerde.serialize(this.#topic, value));
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    return this.#value(await this.inner.putIfAbsent(this.#key(key), this.#serializeValue(value)));
  }

  async putAll(entries: Iterable<KeyValue<K, V | null>>): Promise<void> {
    const bytes: Array<KeyValue<Buffer, Buffer | null>> = [];
    for (const { key, value } of entries) bytes.push({ key: this.#key(key), value: this.#valueSerde.serialize(this.#topic, value) });
    return this.inner.putAll(bytes);
  }

  async delete(key: K): Promise<V | undefined> {
    return this.#value(await this.inner.delete(this.#key(key)));
  }

  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(this.inner.range(this.#bound(from), this.#bound(to)));
  }

  reverseRange(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(this.inner.reverseRange(this.#bound(from), this.#bound(to)));
  }

  /**
   * Entries whose serialized key starts with the serialized `prefix`. The prefix may have its
   * own type and serde (as Kafka's `prefixScan(prefix, prefixKeySerializer)`), e.g. a string
   * prefix of composite keys; by default it is serialized with the key serde.
   */
  prefixScan<P = K>(prefix: P, prefixSerde?: Serde<P>): AsyncIterable<KeyValue<K, V>> {
    const serde = (prefixSerde ?? this.#keySerde) as Serde<P>;
    const bytes = serde.serialize(this.#topic, prefix);
    if (bytes === null) throw new TypeError(`Store ${this.name}: a prefix cannot serialize to null`);
    return this.#typed(this.inner.prefixScan(bytes));
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(this.inner.all());
  }

  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(this.inner.reverseAll());
  }

  approximateNumEntries(): Promise<number> {
    return this.inner.approximateNumEntries();
  }

  /**
   * Sets the listener of the record cache below, with keys and values deserialized (see
   * `CachedStateStore`). Returns false, and keeps nothing, when no cache sits below.
   */
  setFlushListener(listener: CacheFlushListener<K, V>, sendOldValues: boolean): boolean {
    const cached = this.inner as Partial<CachedStateStore<Buffer, Buffer>>;
    if (typeof cached.setFlushListener !== 'function') return false;
    const keySerde = this.#keySerde;
    const topic = this.#topic;
    return cached.setFlushListener(
      (record) =>
        listener({
          key: keySerde.deserialize(topic, record.key) as K,
          newValue: record.newValue === null ? null : this.#flushedValue(record.newValue),
          oldValue: record.oldValue === null ? null : this.#flushedValue(record.oldValue),
          timestamp: record.timestamp,
          headers: record.headers,
        }),
      sendOldValues,
    );
  }

  #flushedValue(bytes: Buffer): V {
    return this.#valueSerde.deserialize(this.#topic, bytes) as V;
  }

  #key(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#keySerde.serialize(this.#topic, key);
    if (bytes === null) throw new TypeError(`Store ${this.name}: keys cannot be null or undefined, but got: ${String(key)}`);
    return bytes;
  }

  #bound(key: K | undefined): Buffer | undefined {
    return key === undefined || key === null ? undefined : this.#key(key);
  }

  #serializeValue(value: V): Buffer {
    const bytes = this.#valueSerde.serialize(this.#topic, value);
    if (bytes === null) throw new TypeError(`Store ${this.name}: putIfAbsent needs a value, but got: ${String(value)}`);
    return bytes;
  }

  /**
   * A stored value always has bytes; a serde that reads some bytes as `null` (e.g. the JSON
   * text `null`) yields `null` here, which the declared type `V` cannot show, so it is passed on as is.
   */
  #value(bytes: Buffer | undefined): V | undefined {
    return bytes === undefined ? undefined : (this.#valueSerde.deserialize(this.#topic, bytes) as V);
  }

  #typed(entries: AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncIterable<KeyValue<K, V>> {
    const keySerde = this.#keySerde;
    const valueSerde = this.#valueSerde;
    const topic = this.#topic;
    return mapScan(entries, ({ key, value }) => ({ key: keySerde.deserialize(topic, key) as K, value: valueSerde.deserialize(topic, value) as V }));
  }
}
