import { InvalidStateStoreException } from '../errors.js';
import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';
import { afterAllOfKey, checkStoredTime, checkTimeBound, clampTimeRange } from './ordered-key-schema.js';
import { sessionEndOf, sessionKeyOf, sessionStartOf, sessionStoreKey } from './session-key-schema.js';
import type { SessionStore, SessionStoreWrite } from './session-store.js';
import { checkSessionStoreOptions, type SessionStoreOptions } from './session-store-options.js';
import type { ScanBounds } from './sorted-byte-map.js';
import { assertStoreOpen } from './state-store.js';
import { TimeIndexedByteMap } from './time-indexed-byte-map.js';
import { SessionWindow, Windowed } from './windowed.js';

/**
 * A byte session store held in memory (Kafka Streams' `InMemorySessionStore`). Not persistent:
 * `close()` drops the data, and a logged store is rebuilt from its changelog.
 *
 * Sessions live in one sorted map keyed as `session-key-schema.ts` describes (a key's sessions
 * are one contiguous range in (end, start) order), with a time index by session end that removes
 * each session as soon as it expires.
 */
export class InMemorySessionStore implements SessionStore<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = false;
  readonly retentionPeriodMs: number;
  readonly #map = new TimeIndexedByteMap();
  #open = false;
  readonly #iterators = new Set<object>();
  /** The largest session end put; -1 (unknown) before the first, as Kafka's. */
  #observedStreamTime = -1;

  constructor(name: string, options: SessionStoreOptions) {
    this.name = name;
    this.retentionPeriodMs = checkSessionStoreOptions(name, options).retentionPeriodMs;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get openIterators(): number {
    return this.#iterators.size;
  }

  /** The number of sessions held (expired ones are removed at once, so all of them are live). */
  get entryCount(): number {
    return this.#map.size;
  }

  async init(): Promise<void> {
    this.#open = true;
  }

  async flush(): Promise<void> {
    assertStoreOpen(this);
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#map.clear();
    this.#iterators.clear();
    this.#observedStreamTime = -1;
  }

  async put(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): Promise<void> {
    assertStoreOpen(this);
    this.#check(sessionKey);
    this.#write(sessionKey, aggregate);
  }

  async putAll(writes: Iterable<SessionStoreWrite<Buffer, Buffer>>): Promise<void> {
    assertStoreOpen(this);
    const checked = [...writes];
    for (const { sessionKey } of checked) this.#check(sessionKey);
    for (const { sessionKey, aggregate } of checked) this.#write(sessionKey, aggregate);
  }

  remove(sessionKey: Windowed<Buffer>): Promise<void> {
    return this.put(sessionKey, null);
  }

  async fetchSession(key: Buffer, sessionStartMs: number, sessionEndMs: number): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'sessionStart', sessionStartMs);
    checkTimeBound(this.name, 'sessionEnd', sessionEndMs);
    if (!Number.isSafeInteger(sessionStartMs) || !Number.isSafeInteger(sessionEndMs) || sessionStartMs < 0 || sessionEndMs < sessionStartMs) return undefined;
    return this.#map.get(sessionStoreKey(key, sessionEndMs, sessionStartMs));
  }

  findSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, earliestSessionEndMs, latestSessionStartMs, false);
  }

  backwardFindSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, earliestSessionEndMs, latestSessionStartMs, true);
  }

  findSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, false);
  }

  backwardFindSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, true);
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardFetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, 0, Number.MAX_SAFE_INTEGER, true);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, 0, Number.MAX_SAFE_INTEGER, true);
  }

  #check(sessionKey: Windowed<Buffer>): void {
    const window = sessionKey.window();
    checkStoredTime(this.name, 'a session start', window.start());
    checkStoredTime(this.name, 'a session end', window.end());
  }

  #write(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): void {
    const start = sessionKey.window().start();
    const end = sessionKey.window().end();
    this.#observedStreamTime = Math.max(this.#observedStreamTime, end);
    const expiredThrough = this.#observedStreamTime - this.retentionPeriodMs;
    // Kafka Streams skips a put of an expired session (and counts it in expired-window-record-drop).
    if (end > expiredThrough) {
      const composite = sessionStoreKey(sessionKey.key(), end, start);
      if (aggregate === null) this.#map.delete(composite);
      else this.#map.set(composite, Buffer.from(aggregate), end);
    }
    this.#map.removeThrough(expiredThrough);
  }

  #find(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number, reverse: boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'earliestSessionEnd', earliestSessionEndMs);
    checkTimeBound(this.name, 'latestSessionStart', latestSessionStartMs);
    const [earliestEnd, latestStart] = clampTimeRange(earliestSessionEndMs, latestSessionStartMs);
    const empty = latestStart < 0 || earliestEnd > Number.MAX_SAFE_INTEGER || (keyFrom !== undefined && keyTo !== undefined && compareBytes(keyFrom, keyTo) > 0);
    const bounds: ScanBounds | undefined = empty
      ? undefined
      : {
          gte: keyFrom === undefined ? undefined : sessionStoreKey(keyFrom, earliestEnd, 0),
          lt: keyTo === undefined ? undefined : afterAllOfKey(keyTo),
          reverse,
        };
    return { [Symbol.asyncIterator]: () => this.#entries(bounds, earliestEnd, latestStart) };
  }

  async *#entries(bounds: ScanBounds | undefined, earliestEnd: number, latestStart: number): AsyncGenerator<KeyValue<Windowed<Buffer>, Buffer>, void, undefined> {
    assertStoreOpen(this);
    if (bounds === undefined) return;
    const token = {};
    this.#iterators.add(token);
    try {
      for (const { key: composite, value } of this.#map.scan(bounds)) {
        const end = sessionEndOf(composite);
        const start = sessionStartOf(composite);
        if (end < earliestEnd || start > latestStart) continue;
        yield { key: new Windowed(sessionKeyOf(composite), new SessionWindow(start, end)), value };
        if (!this.#open) throw new InvalidStateStoreException(`Store ${this.name} was closed during a scan.`);
      }
    } finally {
      this.#iterators.delete(token);
    }
  }
}
