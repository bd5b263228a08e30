import type { Serde } from '../serde/serde.js';
import { compareBytes } from '../state/byte-order.js';
import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import { mapEntries, mergeScans } from './merge-scans.js';
import type { ReadOnlyKeyValueStore } from './read-only-stores.js';
import type { StoreCodec } from './store-codec.js';

type Bytes = KeyValueStore<Buffer, Buffer>;
const ascending = (a: KeyValue<Buffer, Buffer>, b: KeyValue<Buffer, Buffer>): number => compareBytes(a.key, b.key);
const descending = (a: KeyValue<Buffer, Buffer>, b: KeyValue<Buffer, Buffer>): number => compareBytes(b.key, a.key);

/**
 * One read-only key-value view over the local partitions `stores()` returns at each call (Kafka
 * Streams' `CompositeReadOnlyKeyValueStore`); scans merge the partitions by key bytes.
 */
export class CompositeKeyValueStore<K, V> implements ReadOnlyKeyValueStore<K, V> {
  readonly #codec: StoreCodec<K, V>;
  readonly #stores: () => readonly Bytes[];

  constructor(codec: StoreCodec<K, V>, stores: () => readonly Bytes[]) {
    this.#codec = codec;
    this.#stores = stores;
  }

  async get(key: K): Promise<V | undefined> {
    const bytes = this.#codec.keyBytes(key);
    for (const store of this.#stores()) {
      const found = await store.get(bytes);
      if (found !== undefined) return this.#codec.value(found);
    }
    return undefined;
  }

  async getMany(keys: readonly K[]): Promise<Array<V | undefined>> {
    const bytes = keys.map((k) => this.#codec.keyBytes(k));
    const out: Array<V | undefined> = new Array<V | undefined>(keys.length).fill(undefined);
    // Each key lives in one partition; reading every local partition in one batch each is
    // cheaper than hashing here, and stays right if a store is not partitioned by the key.
    const perStore = await Promise.all(this.#stores().map((s) => s.getMany(bytes)));
    for (const values of perStore) {
      values.forEach((v, i) => {
        if (v !== undefined && out[i] === undefined) out[i] = this.#codec.value(v);
      });
    }
    return out;
  }

  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    const [f, t] = [this.#codec.bound(from), this.#codec.bound(to)];
    return this.#typed(mergeScans(this.#stores().map((s) => s.range(f, t)), ascending));
  }

  reverseRange(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    const [f, t] = [this.#codec.bound(from), this.#codec.bound(to)];
    return this.#typed(mergeScans(this.#stores().map((s) => s.reverseRange(f, t)), descending));
  }

  prefixScan<P = K>(prefix: P, prefixSerde?: Serde<P>): AsyncIterable<KeyValue<K, V>> {
    const bytes = prefixSerde === undefined ? this.#codec.keyBytes(prefix as unknown as K) : prefixSerde.serialize(this.#codec.info.serdeTopic, prefix);
    if (bytes === null) throw new TypeError(`Store ${this.#codec.info.name}: a prefix cannot serialize to null`);
    return this.#typed(mergeScans(this.#stores().map((s) => s.prefixScan(bytes)), ascending));
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(mergeScans(this.#stores().map((s) => s.all()), ascending));
  }

  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return this.#typed(mergeScans(this.#stores().map((s) => s.reverseAll()), descending));
  }

  async approximateNumEntries(): Promise<number> {
    const counts = await Promise.all(this.#stores().map((s) => s.approximateNumEntries()));
    return counts.reduce((a, b) => a + b, 0);
  }

  #typed(entries: AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncIterable<KeyValue<K, V>> {
    return mapEntries(entries, ({ key, value }) => ({ key: this.#codec.key(key), value: this.#codec.value(value) }));
  }
}
