import { restoreKeyValueRecords, type ConsumedRecordLike, type ChangelogRestorer } from './changelog-restorer.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { getMaybeSync, type MaybePromise, type SyncReadable } from './sync-read.js';
import { rawValueOf, timestampOf } from './value-and-timestamp.js';
import { WrappedStateStore } from './wrapped-state-store.js';

/** A write whose changelog record takes an explicit timestamp (a cache flush writes many updates, each with its own). */
export interface TimestampedWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/**
 * The changelogging layer of a byte key-value store (Kafka's `ChangeLoggingKeyValueBytesStore`
 * and, with `timestamped`, `ChangeLoggingTimestampedKeyValueBytesStore`): every write goes to the
 * store below and to the changelog topic, partition = the task's partition. The changelog
 * record's timestamp is that of the record being processed; a timestamped store logs the plain
 * value bytes with the stored timestamp as the record timestamp, as Kafka does.
 *
 * It is also what restores the store: {@link restore} applies changelog records to the store
 * below, undoing the format it logs.
 *
 * With `reportOnly` (a store whose changelog is its input topic) nothing is sent: each write is
 * only reported to the task's change subscribers (`StoreTaskContext.reportChange`).
 */
export class ChangeLoggingKeyValueStore extends WrappedStateStore<KeyValueStore<Buffer, Buffer>> implements KeyValueStore<Buffer, Buffer>, ChangelogRestorer, SyncReadable<Buffer, Buffer> {
  readonly #task: StoreTaskContext;
  readonly changelogTopic: string;
  readonly #timestamped: boolean;
  readonly #reportOnly: boolean;

  constructor(inner: KeyValueStore<Buffer, Buffer>, task: StoreTaskContext, changelogTopic: string, timestamped: boolean, reportOnly = false) {
    super(inner);
    this.#task = task;
    this.changelogTopic = changelogTopic;
    this.#timestamped = timestamped;
    this.#reportOnly = reportOnly;
  }

  get(key: Buffer): Promise<Buffer | undefined> {
    return this.inner.get(key);
  }

  getMaybeSync(key: Buffer): MaybePromise<Buffer | undefined> {
    return getMaybeSync(this.inner, key);
  }

  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    return this.inner.getMany(keys);
  }

  // Logged in the synchronous part of each call, so the record context is the caller's even when
  // several writes are started together (a cache flush sets the context per entry).
  put(key: Buffer, value: Buffer | null): Promise<void> {
    this.#log(key, value, this.#task.recordContext().timestamp);
    return this.inner.put(key, value);
  }

  async putIfAbsent(key: Buffer, value: Buffer): Promise<Buffer | undefined> {
    const timestamp = this.#task.recordContext().timestamp;
    const previous = await this.inner.putIfAbsent(key, value);
    if (previous === undefined) this.#log(key, value, timestamp);
    return previous;
  }

  putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): Promise<void> {
    const timestamp = this.#task.recordContext().timestamp;
    const list = [...entries];
    for (const { key, value } of list) this.#log(key, value, timestamp);
    return this.inner.putAll(list);
  }

  /** Writes in one batch below, each logged with its own timestamp. */
  putAllWithTimestamps(writes: readonly TimestampedWrite[]): Promise<void> {
    for (const { key, value, timestamp } of writes) this.#log(key, value, timestamp);
    return this.inner.putAll(writes);
  }

  async delete(key: Buffer): Promise<Buffer | undefined> {
    const timestamp = this.#task.recordContext().timestamp;
    const previous = await this.inner.delete(key);
    this.#log(key, null, timestamp);
    return previous;
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.range(from, to);
  }

  reverseRange(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.reverseRange(from, to);
  }

  prefixScan(prefix: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.prefixScan(prefix);
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.all();
  }

  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.inner.reverseAll();
  }

  approximateNumEntries(): Promise<number> {
    return this.inner.approximateNumEntries();
  }

  /** Applies changelog records to the store below, in one batch (a timestamped store gets its timestamp back from the record's). */
  restore(records: readonly ConsumedRecordLike[]): Promise<void> {
    return restoreKeyValueRecords(this.inner, records, this.#timestamped);
  }

  // Called for every write: no per-call allocation beyond the sliced value.
  #log(key: Buffer, value: Buffer | null, contextTimestamp: number): void {
    const split = this.#timestamped && value !== null;
    const logged = split ? rawValueOf(value) : value;
    const timestamp = split ? timestampOf(value) : contextTimestamp;
    if (this.#reportOnly) this.#task.reportChange?.(this.changelogTopic, key, logged, timestamp);
    else this.#task.logChange(this.changelogTopic, key, logged, timestamp);
  }
}
