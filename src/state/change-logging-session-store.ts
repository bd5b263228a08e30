import type { ConsumedRecordLike, ChangelogRestorer } from './changelog-restorer.js';
import type { KeyValue } from './key-value-store.js';
import { kafkaSessionKey, parseKafkaSessionKey } from './session-key-schema.js';
import type { SessionStore, SessionStoreWrite } from './session-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { SessionWindow, Windowed } from './windowed.js';
import { WrappedSessionStore } from './wrapped-state-store.js';

/** A session write whose changelog record takes an explicit timestamp (a cache flush writes updates of many records). */
export interface TimestampedSessionWrite extends SessionStoreWrite<Buffer, Buffer> {
  readonly timestamp: number;
}

/**
 * The changelogging layer of a byte session store (Kafka's `ChangeLoggingSessionBytesStore`):
 * every write goes to the store below and to the changelog topic (partition = the task's), keyed
 * in Kafka's session layout `[key][end: 8][start: 8]` (`kafkaSessionKey`), with the timestamp of
 * the update being processed. {@link restore} applies changelog records to the store below.
 */
export class ChangeLoggingSessionStore extends WrappedSessionStore<SessionStore<Buffer, Buffer>> implements SessionStore<Buffer, Buffer>, ChangelogRestorer {
  readonly #task: StoreTaskContext;
  readonly changelogTopic: string;

  constructor(inner: SessionStore<Buffer, Buffer>, task: StoreTaskContext, changelogTopic: string) {
    super(inner);
    this.#task = task;
    this.changelogTopic = changelogTopic;
  }

  // As Kafka: written below, then logged (also when the store skipped an expired session). The
  // record context is read before awaiting, so it is the caller's.
  async put(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): Promise<void> {
    const timestamp = this.#task.recordContext().timestamp;
    await this.inner.put(sessionKey, aggregate);
    this.#log(sessionKey, aggregate, timestamp);
  }

  async putAll(writes: Iterable<SessionStoreWrite<Buffer, Buffer>>): Promise<void> {
    const timestamp = this.#task.recordContext().timestamp;
    const list = [...writes];
    await this.inner.putAll(list);
    for (const { sessionKey, aggregate } of list) this.#log(sessionKey, aggregate, timestamp);
  }

  /** Writes in one batch below, each logged with its own timestamp. */
  async putAllWithTimestamps(writes: readonly TimestampedSessionWrite[]): Promise<void> {
    await this.inner.putAll(writes);
    for (const { sessionKey, aggregate, timestamp } of writes) this.#log(sessionKey, aggregate, timestamp);
  }

  remove(sessionKey: Windowed<Buffer>): Promise<void> {
    return this.put(sessionKey, null);
  }

  fetchSession(key: Buffer, sessionStartMs: number, sessionEndMs: number): Promise<Buffer | undefined> {
    return this.inner.fetchSession(key, sessionStartMs, sessionEndMs);
  }

  findSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.findSessions(key, earliestSessionEndMs, latestSessionStartMs);
  }

  backwardFindSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFindSessions(key, earliestSessionEndMs, latestSessionStartMs);
  }

  findSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.findSessionsRange(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs);
  }

  backwardFindSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFindSessionsRange(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs);
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetch(key);
  }

  backwardFetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFetch(key);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.fetchRange(keyFrom, keyTo);
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.inner.backwardFetchRange(keyFrom, keyTo);
  }

  /** Applies changelog records to the store below, in one batch. */
  restore(records: readonly ConsumedRecordLike[]): Promise<void> {
    const writes: Array<SessionStoreWrite<Buffer, Buffer>> = [];
    for (const record of records) {
      if (record.key === null) continue;
      const { key, startMs, endMs } = parseKafkaSessionKey(record.key);
      writes.push({ sessionKey: new Windowed(Buffer.from(key), new SessionWindow(startMs, endMs)), aggregate: record.value });
    }
    return writes.length === 0 ? Promise.resolve() : this.inner.putAll(writes);
  }

  #log(sessionKey: Windowed<Buffer>, aggregate: Buffer | null, timestamp: number): void {
    const window = sessionKey.window();
    this.#task.logChange(this.changelogTopic, kafkaSessionKey(sessionKey.key(), window.start(), window.end()), aggregate, timestamp);
  }
}
