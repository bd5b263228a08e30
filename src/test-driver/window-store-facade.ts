import type { KeyValue } from '../state/key-value-store.js';
import { mapScan } from '../state/entry-scan.js';
import type { TimestampedWindowStore } from '../state/timestamped-window-store.js';
import { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { WindowStore, WindowStoreWrite } from '../state/window-store.js';
import type { Windowed } from '../state/windowed.js';
import { WrappedWindowStore } from '../state/wrapped-state-store.js';

/** Kafka's `ConsumerRecord.NO_TIMESTAMP`: what the facade writes as the timestamp of a put. */
const NO_TIMESTAMP = -1;

function values<K, V>(scan: AsyncIterable<KeyValue<K, ValueAndTimestamp<V>>>): AsyncIterable<KeyValue<K, V>> {
  return mapScan(scan, ({ key, value }) => ({ key, value: value.value }));
}

/**
 * A timestamped window store seen as a plain window store (Kafka's `WindowStoreFacade`), so
 * `driver.getWindowStore('counts')` reads a windowed aggregation's values without their
 * timestamps, as Kafka's `TopologyTestDriver.getWindowStore` does. Puts write the value with no
 * timestamp (-1), as Kafka's facade does.
 */
export class WindowStoreFacade<K, V> extends WrappedWindowStore<TimestampedWindowStore<K, V>> implements WindowStore<K, V> {

  constructor(inner: TimestampedWindowStore<K, V>) {
    super(inner);
  }

  put(key: K, value: V | null, windowStartMs: number): Promise<void> {
    return this.inner.put(key, ValueAndTimestamp.make(value, NO_TIMESTAMP), windowStartMs);
  }

  putAll(writes: Iterable<WindowStoreWrite<K, V>>): Promise<void> {
    const timestamped: Array<WindowStoreWrite<K, ValueAndTimestamp<V>>> = [];
    for (const { key, value, windowStartMs } of writes) timestamped.push({ key, value: ValueAndTimestamp.make(value, NO_TIMESTAMP), windowStartMs });
    return this.inner.putAll(timestamped);
  }

  fetch(key: K, windowStartMs: number): Promise<V | undefined>;
  fetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>>;
  fetch(key: K, timeFromMs: number, timeToMs?: number): Promise<V | undefined> | AsyncIterable<KeyValue<number, V>> {
    if (timeToMs === undefined) return this.inner.fetch(key, timeFromMs).then((stored) => stored?.value);
    return values(this.inner.fetch(key, timeFromMs, timeToMs));
  }

  backwardFetch(key: K, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, V>> {
    return values(this.inner.backwardFetch(key, timeFromMs, timeToMs));
  }

  fetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.fetchRange(keyFrom, keyTo, timeFromMs, timeToMs));
  }

  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.backwardFetchRange(keyFrom, keyTo, timeFromMs, timeToMs));
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.fetchAll(timeFromMs, timeToMs));
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.backwardFetchAll(timeFromMs, timeToMs));
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.all());
  }

  backwardAll(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    return values(this.inner.backwardAll());
  }
}
