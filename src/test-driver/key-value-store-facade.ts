import type { KeyValue, KeyValueStore } from '../state/key-value-store.js';
import { mapScan } from '../state/entry-scan.js';
import type { TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import { WrappedStateStore } from '../state/wrapped-state-store.js';

/** Kafka's `ConsumerRecord.NO_TIMESTAMP`: what the facade writes as the timestamp of a put. */
const NO_TIMESTAMP = -1;

function valueOf<V>(stored: ValueAndTimestamp<V> | undefined): V | undefined {
  return stored === undefined ? undefined : stored.value;
}

function entries<K, V>(scan: AsyncIterable<KeyValue<K, ValueAndTimestamp<V>>>): AsyncIterable<KeyValue<K, V>> {
  return mapScan(scan, ({ key, value }) => ({ key, value: value.value }));
}

/**
 * A timestamped store seen as a plain key-value store (Kafka's `KeyValueStoreFacade`), so
 * `driver.getKeyValueStore('table')` reads a KTable's values without their timestamps. Puts
 * write the value with no timestamp (-1), as Kafka's facade does.
 */
export class KeyValueStoreFacade<K, V> extends WrappedStateStore<TimestampedKeyValueStore<K, V>> implements KeyValueStore<K, V> {

  constructor(inner: TimestampedKeyValueStore<K, V>) {
    super(inner);
  }

  async get(key: K): Promise<V | undefined> {
    return valueOf(await this.inner.get(key));
  }

  async getMany(keys: readonly K[]): Promise<Array<V | undefined>> {
    return (await this.inner.getMany(keys)).map(valueOf);
  }

  put(key: K, value: V | null): Promise<void> {
    return this.inner.put(key, ValueAndTimestamp.make(value, NO_TIMESTAMP));
  }

  async putIfAbsent(key: K, value: V): Promise<V | undefined> {
    return valueOf(await this.inner.putIfAbsent(key, ValueAndTimestamp.makeAllowNullable(value, NO_TIMESTAMP)));
  }

  putAll(list: Iterable<KeyValue<K, V | null>>): Promise<void> {
    const timestamped: Array<KeyValue<K, ValueAndTimestamp<V> | null>> = [];
    for (const { key, value } of list) timestamped.push({ key, value: ValueAndTimestamp.make(value, NO_TIMESTAMP) });
    return this.inner.putAll(timestamped);
  }

  async delete(key: K): Promise<V | undefined> {
    return valueOf(await this.inner.delete(key));
  }

  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    return entries(this.inner.range(from, to));
  }

  reverseRange(from?: K, to?: K): AsyncIterable<KeyValue<K, V>> {
    return entries(this.inner.reverseRange(from, to));
  }

  prefixScan(prefix: K): AsyncIterable<KeyValue<K, V>> {
    return entries(this.inner.prefixScan(prefix));
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return entries(this.inner.all());
  }

  reverseAll(): AsyncIterable<KeyValue<K, V>> {
    return entries(this.inner.reverseAll());
  }

  approximateNumEntries(): Promise<number> {
    return this.inner.approximateNumEntries();
  }
}
