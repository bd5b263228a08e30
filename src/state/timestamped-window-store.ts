import type { Serde } from '../serde/serde.js';
import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import { TypedWindowStore } from './typed-window-store.js';
import { valueAndTimestampSerde, type ValueAndTimestamp } from './value-and-timestamp.js';
import type { WindowStore } from './window-store.js';
import { Windowed } from './windowed.js';

/**
 * A window store whose values carry the timestamp of the update that wrote them: the store of
 * time- and sliding-windowed aggregations (Kafka Streams' `TimestampedWindowStore`), where the
 * timestamp is the largest record timestamp in the window. Built by
 * `Stores.timestampedWindowStoreBuilder`-style builders (`TimestampedWindowStoreBuilder`); stored
 * bytes are Kafka's (8-byte timestamp, then the value), the changelog carries the plain value with
 * the timestamp as record timestamp. Writing `null` deletes the window.
 *
 * @example
 * const store = context.getStateStore<TimestampedWindowStore<string, number>>('counts');
 * const old = await store.fetch('andy', 0);                       // ValueAndTimestamp<number> | undefined
 * await store.put('andy', ValueAndTimestamp.make((old?.value ?? 0) + 1, record.timestamp), 0);
 */
export interface TimestampedWindowStore<K, V> extends WindowStore<K, ValueAndTimestamp<V>>, CachedStateStore<Windowed<K>, ValueAndTimestamp<V>> {}

/**
 * The typed timestamped window store: a typed window store of `ValueAndTimestamp<V>` that also
 * passes a record cache's flushed updates to a listener, with windowed keys deserialized and the
 * new value's timestamp as the update's (Kafka's `TimestampedCacheFlushListener`), or the
 * update's record timestamp for a delete.
 */
export class TypedTimestampedWindowStore<K, V> extends TypedWindowStore<K, ValueAndTimestamp<V>> implements TimestampedWindowStore<K, V> {
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<ValueAndTimestamp<V>>;
  readonly #topic: string;

  constructor(inner: WindowStore<Buffer, Buffer>, keySerde: Serde<K>, valueSerde: Serde<V>, serdeTopic: string = inner.name) {
    const timestamped = valueAndTimestampSerde(valueSerde);
    super(inner, keySerde, timestamped, serdeTopic);
    this.#keySerde = keySerde;
    this.#valueSerde = timestamped;
    this.#topic = serdeTopic;
  }

  /**
   * Sets the listener of the record cache below (see `CachedStateStore`). Returns false, and keeps
   * nothing, when no cache sits below.
   */
  setFlushListener(listener: CacheFlushListener<Windowed<K>, ValueAndTimestamp<V>>, sendOldValues: boolean): boolean {
    const cached = this.inner as Partial<CachedStateStore<Windowed<Buffer>, Buffer>>;
    if (typeof cached.setFlushListener !== 'function') return false;
    const value = (bytes: Buffer | null): ValueAndTimestamp<V> | null => (bytes === null ? null : this.#valueSerde.deserialize(this.#topic, bytes));
    return cached.setFlushListener((record) => {
      const newValue = value(record.newValue);
      return listener({
        key: new Windowed(this.#keySerde.deserialize(this.#topic, record.key.key()) as K, record.key.window()),
        newValue,
        oldValue: value(record.oldValue),
        timestamp: newValue === null ? record.timestamp : newValue.timestamp,
        headers: record.headers,
      });
    }, sendOldValues);
  }
}
