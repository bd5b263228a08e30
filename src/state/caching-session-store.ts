import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import { CacheKeyIndex } from './cache-key-index.js';
import type { TimestampedSessionWrite } from './change-logging-session-store.js';
import type { KeyValue } from './key-value-store.js';
import { mergedWindowedCacheScan, type CachedEntry } from './merged-windowed-cache-scan.js';
import { checkStoredTime, checkTimeBound } from './ordered-key-schema.js';
import type { DirtyEntry, RecordCache } from './record-cache.js';
import { sessionEndOf, sessionKeyOf, sessionStartOf, sessionStoreKey } from './session-key-schema.js';
import type { SessionStore, SessionStoreWrite } from './session-store.js';
import { assertStoreOpen } from './state-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { SessionWindow, Windowed } from './windowed.js';
import { WrappedSessionStore } from './wrapped-state-store.js';

interface BatchWithTimestamps {
  putAllWithTimestamps(writes: readonly TimestampedSessionWrite[]): Promise<void>;
}

function writesWithTimestamps(store: object): store is BatchWithTimestamps {
  return typeof (store as Partial<BatchWithTimestamps>).putAllWithTimestamps === 'function';
}

const MAX_TIME = Number.MAX_SAFE_INTEGER;

function sessionOf(cacheKey: Buffer): Windowed<Buffer> {
  return new Windowed(sessionKeyOf(cacheKey), new SessionWindow(sessionStartOf(cacheKey), sessionEndOf(cacheKey)));
}

function sortKeyOf(entry: KeyValue<Windowed<Buffer>, Buffer>): Buffer {
  return sessionStoreKey(entry.key.key(), entry.key.window().end(), entry.key.window().start());
}

/**
 * The record-cache layer of a byte session store (Kafka's `CachingSessionStore`, SEMANTICS §5.3):
 * writes and removals go to the task's named cache keyed by the store's composite key
 * `(key, end, start)`, reads look in the cache first, and the cache's flush (commit or eviction)
 * writes the dirty sessions below in one batch and forwards each once, in last-update order,
 * with that update's record context: old value = the store's value before the flush (read when
 * asked for, and for removals); a removal of a session the store does not hold is neither written
 * nor forwarded. So a session removed and written again by one record (a record inside it)
 * reaches downstream as one update. `close()` drops unflushed entries.
 */
export class CachingSessionStore extends WrappedSessionStore<SessionStore<Buffer, Buffer>> implements SessionStore<Buffer, Buffer>, CachedStateStore<Windowed<Buffer>, Buffer> {
  readonly #task: StoreTaskContext;
  readonly #cache: RecordCache;
  readonly #namespace: string;
  readonly #index = new CacheKeyIndex();
  #listener: CacheFlushListener<Windowed<Buffer>, Buffer> | undefined;
  #sendOldValues = false;
  #registered = false;

  constructor(inner: SessionStore<Buffer, Buffer>, task: StoreTaskContext, cache: RecordCache) {
    super(inner);
    this.#task = task;
    this.#cache = cache;
    this.#namespace = `${task.taskId}-${inner.name}`;
  }

  override get isOpen(): boolean {
    return this.inner.isOpen && this.#registered;
  }

  setFlushListener(listener: CacheFlushListener<Windowed<Buffer>, Buffer>, sendOldValues: boolean): boolean {
    this.#listener = listener;
    this.#sendOldValues = sendOldValues;
    return true;
  }

  override async init(): Promise<void> {
    await this.inner.init();
    this.#cache.register(this.#namespace, (entries) => this.#write(entries));
    this.#registered = true;
  }

  override async flush(): Promise<void> {
    assertStoreOpen(this);
    await this.#cache.flush(this.#namespace);
    await this.inner.flush();
  }

  override async close(): Promise<void> {
    if (this.#registered) {
      this.#registered = false;
      this.#cache.unregister(this.#namespace);
    }
    this.#index.clear();
    await this.inner.close();
  }

  async put(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): Promise<void> {
    assertStoreOpen(this);
    const window = sessionKey.window();
    checkStoredTime(this.name, 'a session start', window.start());
    checkStoredTime(this.name, 'a session end', window.end());
    const cacheKey = sessionStoreKey(sessionKey.key(), window.end(), window.start());
    if (this.#index.wantsRebuild) this.#index.rebuild(this.#cache.range(this.#namespace, undefined, undefined).map((e) => e.key), sessionKeyOf);
    this.#index.add(sessionKeyOf(cacheKey), cacheKey);
    await this.#cache.put(this.#namespace, cacheKey, aggregate === null ? null : Buffer.from(aggregate), this.#task.recordContext());
  }

  async putAll(writes: Iterable<SessionStoreWrite<Buffer, Buffer>>): Promise<void> {
    for (const { sessionKey, aggregate } of writes) await this.put(sessionKey, aggregate);
  }

  remove(sessionKey: Windowed<Buffer>): Promise<void> {
    return this.put(sessionKey, null);
  }

  async fetchSession(key: Buffer, sessionStartMs: number, sessionEndMs: number): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'sessionStart', sessionStartMs);
    checkTimeBound(this.name, 'sessionEnd', sessionEndMs);
    const valid = Number.isSafeInteger(sessionStartMs) && Number.isSafeInteger(sessionEndMs) && sessionStartMs >= 0 && sessionEndMs >= 0;
    if (valid) {
      const cached = this.#cache.get(this.#namespace, sessionStoreKey(key, sessionEndMs, sessionStartMs));
      if (cached !== undefined) return cached.value ?? undefined;
    }
    return this.inner.fetchSession(key, sessionStartMs, sessionEndMs);
  }

  findSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKey(key, earliestSessionEndMs, latestSessionStartMs, false);
  }

  backwardFindSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKey(key, earliestSessionEndMs, latestSessionStartMs, true);
  }

  findSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKeys(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, false,
      () => this.inner.findSessionsRange(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs));
  }

  backwardFindSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKeys(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, true,
      () => this.inner.backwardFindSessionsRange(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs));
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKey(key, 0, MAX_TIME, false);
  }

  backwardFetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKey(key, 0, MAX_TIME, true);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKeys(keyFrom, keyTo, 0, MAX_TIME, false, () => this.inner.fetchRange(keyFrom, keyTo));
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#findOfKeys(keyFrom, keyTo, 0, MAX_TIME, true, () => this.inner.backwardFetchRange(keyFrom, keyTo));
  }

  #findOfKey(key: Buffer, earliestEnd: number, latestStart: number, reverse: boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'earliestSessionEnd', earliestEnd);
    checkTimeBound(this.name, 'latestSessionStart', latestStart);
    const cached = (): CachedEntry[] => {
      const found: CachedEntry[] = [];
      for (const cacheKey of this.#index.keysOf(key)) {
        if (sessionEndOf(cacheKey) < earliestEnd || sessionStartOf(cacheKey) > latestStart) continue;
        const value = this.#cache.get(this.#namespace, cacheKey);
        if (value === undefined) {
          this.#index.remove(key, cacheKey);
          continue;
        }
        found.push({ key: cacheKey, value: value.value });
      }
      return found;
    };
    const below = () => (reverse ? this.inner.backwardFindSessions(key, earliestEnd, latestStart) : this.inner.findSessions(key, earliestEnd, latestStart));
    return mergedWindowedCacheScan(cached, below, sortKeyOf, (cacheKey, value) => ({ key: sessionOf(cacheKey), value }), reverse);
  }

  #findOfKeys(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    earliestEnd: number,
    latestStart: number,
    reverse: boolean,
    below: () => AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>,
  ): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'earliestSessionEnd', earliestEnd);
    checkTimeBound(this.name, 'latestSessionStart', latestStart);
    const cached = (): CachedEntry[] => {
      const lower = keyFrom === undefined ? undefined : sessionStoreKey(keyFrom, 0, 0);
      const upper = keyTo === undefined ? undefined : sessionStoreKey(keyTo, MAX_TIME, MAX_TIME);
      return this.#cache.range(this.#namespace, lower, upper).filter((e) => sessionEndOf(e.key) >= earliestEnd && sessionStartOf(e.key) <= latestStart);
    };
    return mergedWindowedCacheScan(cached, below, sortKeyOf, (cacheKey, value) => ({ key: sessionOf(cacheKey), value }), reverse);
  }

  /** The named cache's flush: write the dirty sessions below in one batch, then forward them in order. */
  async #write(entries: readonly DirtyEntry[]): Promise<void> {
    const listener = this.#listener;
    const parsed = entries.map((entry) => ({ entry, session: sessionOf(entry.key) }));
    const olds: Array<Buffer | undefined> = [];
    let writes = parsed;
    if (listener !== undefined) {
      // Old values are read for removals (to skip removals of absent sessions) and when asked for.
      for (const { entry, session } of parsed) {
        const needed = entry.value === null || this.#sendOldValues;
        olds.push(needed ? await this.inner.fetchSession(session.key(), session.window().start(), session.window().end()) : undefined);
      }
      writes = parsed.filter((p, i) => p.entry.value !== null || olds[i] !== undefined);
    }
    if (writes.length > 0) {
      const batch = writes.map((p) => ({ sessionKey: p.session, aggregate: p.entry.value, timestamp: p.entry.context.timestamp }));
      if (writesWithTimestamps(this.inner)) await this.inner.putAllWithTimestamps(batch);
      else await this.inner.putAll(batch);
    }
    if (listener === undefined) return;
    for (let i = 0; i < parsed.length; i++) {
      const { entry, session } = parsed[i] as (typeof parsed)[number];
      const old = olds[i];
      if (entry.value === null && old === undefined) continue;
      const record = {
        key: session,
        newValue: entry.value,
        oldValue: this.#sendOldValues ? (old ?? null) : null,
        timestamp: entry.context.timestamp,
        headers: entry.context.headers,
      };
      await this.#task.forwardWithContext(entry.context, () => listener(record));
    }
  }
}
