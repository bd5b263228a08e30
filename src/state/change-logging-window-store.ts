import type { ConsumedRecordLike, ChangelogRestorer } from './changelog-restorer.js';
import type { KeyValue } from './key-value-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { rawValueOf, timestampOf, withTimestamp } from './value-and-timestamp.js';
import { kafkaWindowKey, parseKafkaWindowKey } from './window-key-schema.js';
import type { WindowStore, WindowStoreWrite } from './window-store.js';
import type { Windowed } from './windowed.js';
import { WrappedWindowStore } from './wrapped-state-store.js';

/** A window write whose changelog record takes an explicit timestamp (a cache flush writes updates of many records). */
export interface TimestampedWindowWrite extends WindowStoreWrite<Buffer, Buffer> {
  readonly timestamp: number;
}

/**
 * The changelogging layer of a byte window store (Kafka's `ChangeLoggingWindowBytesStore` and,
 * with `timestamped`, `ChangeLoggingTimestampedWindowBytesStore`): every write goes to the store
 * below and to the changelog topic (partition = the task's), keyed in Kafka's window layout
 * `[key][start: 8][seq: 4]` (`kafkaWindowKey`), so Kafka tooling and Kafka Streams read the topic.
 * A timestamped store logs the plain value with the stored timestamp as the record timestamp;
 * otherwise (and for deletes) the record timestamp is that of the update being processed.
 * Sequence numbers are 0 unless the store retains duplicates (then they count up, as Kafka's).
 *
 * It also restores the store: {@link restore} applies changelog records to the store below.
 */
export class ChangeLoggingWindowStore extends WrappedWindowStore<WindowStore<Buffer, Buffer>> implements WindowStore<Buffer, Buffer>, ChangelogRestorer {
  readonly #task: StoreTaskContext;
  readonly changelogTopic: string;
  readonly #timestamped: boolean;
  #seq = 0;

  constructor(inner: WindowStore<Buffer, Buffer>, task: StoreTaskContext, changelogTopic: string, timestamped: boolean) {
    super(inner);
    this.#task = task;
    this.changelogTopic = changelogTopic;
    this.#timestamped = timestamped;
  }

  // As Kafka: written below, then logged (also when the store skipped an expired window). The
  // record context is read before awaiting, so it is the caller's.
  async put(key: Buffer, value: Buffer | null, windowStartMs: number): Promise<void> {
    const timestamp = this.#task.recordContext().timestamp;
    await this.inner.put(key, value, windowStartMs);
    this.#log(key, value, windowStartMs, timestamp);
  }

  async putAll(writes: Iterable<WindowStoreWrite<Buffer, Buffer>>): Promise<void> {
    const timestamp = this.#task.recordContext().timestamp;
    const list = [...writes];
    await this.inner.putAll(list);
    for (const { key, value, windowStartMs } of list) this.#log(key, value, windowStartMs, timestamp);
  }

  /** Writes in one batch below, each logged with its own timestamp. */
  async putAllWithTimestamps(writes: readonly TimestampedWindowWrite[]): Promise<void> {
    await this.inner.putAll(writes);
    for (const { key, value, windowStartMs, timestamp } of writes) this.#log(key, value, windowStartMs, timestamp);
  }

  fetch(key: Buffer, windowStartMs: number): Promise<Buffer | undefined>;
  fetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>>;
  fetch(key: Buffer, timeFromMs: number, timeToMs?: number): Promise<Buffer | undefined> | AsyncIterable<KeyValue<number, Buffer>> {
    return timeToMs === undefined ? this.inner.fetch(key, timeFromMs) : this.inner.fetch(key, timeFromMs, timeToMs);
  }

  backwardFetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.inner.backwardFetch(key, timeFromMs, timeToMs);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchRange(keyFrom, keyTo, timeFromMs, timeToMs);
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFetchRange(keyFrom, keyTo, timeFromMs, timeToMs);
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchAll(timeFromMs, timeToMs);
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFetchAll(timeFromMs, timeToMs);
  }

  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.all();
  }

  backwardAll(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardAll();
  }

  /** Applies changelog records to the store below, in one batch (a timestamped store gets its timestamp back from the record's). */
  restore(records: readonly ConsumedRecordLike[]): Promise<void> {
    const writes: Array<WindowStoreWrite<Buffer, Buffer>> = [];
    for (const record of records) {
      if (record.key === null) continue;
      const { key, windowStartMs } = parseKafkaWindowKey(record.key);
      const value = record.value === null ? null : this.#timestamped ? withTimestamp(record.value, record.timestamp) : record.value;
      writes.push({ key: Buffer.from(key), value, windowStartMs });
    }
    return writes.length === 0 ? Promise.resolve() : this.inner.putAll(writes);
  }

  #log(key: Buffer, value: Buffer | null, windowStartMs: number, contextTimestamp: number): void {
    // Kafka numbers duplicates (0x7FFFFFFF wrap) so each put is its own changelog key; else 0.
    if (this.inner.retainDuplicates) this.#seq = (this.#seq + 1) & 0x7fff_ffff;
    const changelogKey = kafkaWindowKey(key, windowStartMs, this.inner.retainDuplicates ? this.#seq : 0);
    if (this.#timestamped && value !== null) {
      this.#task.logChange(this.changelogTopic, changelogKey, rawValueOf(value), timestampOf(value));
    } else {
      this.#task.logChange(this.changelogTopic, changelogKey, value, contextTimestamp);
    }
  }
}
