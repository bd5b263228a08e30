import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import { CacheKeyIndex } from './cache-key-index.js';
import type { TimestampedWindowWrite } from './change-logging-window-store.js';
import type { KeyValue } from './key-value-store.js';
import { mergedWindowedCacheScan, type CachedEntry } from './merged-windowed-cache-scan.js';
import { checkStoredTime, checkTimeBound, clampTimeRange } from './ordered-key-schema.js';
import type { DirtyEntry, RecordCache } from './record-cache.js';
import { assertStoreOpen } from './state-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { MAX_SEQ, windowKeyOf, windowStartOf, windowStoreKey } from './window-key-schema.js';
import type { WindowStore, WindowStoreWrite } from './window-store.js';
import { TimeWindow, Windowed } from './windowed.js';
import { WrappedWindowStore } from './wrapped-state-store.js';

interface BatchWithTimestamps {
  putAllWithTimestamps(writes: readonly TimestampedWindowWrite[]): Promise<void>;
}

function writesWithTimestamps(store: object): store is BatchWithTimestamps {
  return typeof (store as Partial<BatchWithTimestamps>).putAllWithTimestamps === 'function';
}

/**
 * The record-cache layer of a byte window store (Kafka's `CachingWindowStore`, SEMANTICS §5.3).
 * Writes go to the task's named cache as dirty entries, keyed by the store's own composite key
 * `(key, window start)`, with the record context of the update; reads look in the cache first.
 * When the task commits (`flush()`) or the cache evicts, the dirty windows are written to the
 * store below (and so to the changelog) in one batch and, when a flush listener is set,
 * forwarded once each in the order of their last update with that update's record context:
 *
 * - old value = the store's value before the flush (read when asked for, and for deletes);
 * - a delete of a window the store does not hold is neither written nor forwarded.
 *
 * Scans merge the cached windows with the store's. Never used for stores that retain duplicates
 * (the builders leave caching off for them, as Kafka does). `close()` drops unflushed entries.
 */
export class CachingWindowStore extends WrappedWindowStore<WindowStore<Buffer, Buffer>> implements WindowStore<Buffer, Buffer>, CachedStateStore<Windowed<Buffer>, Buffer> {
  readonly #task: StoreTaskContext;
  readonly #cache: RecordCache;
  readonly #namespace: string;
  readonly #index = new CacheKeyIndex();
  /**
   * Whether the index is kept: from the first scan of one key's windows on (sliding windows scan
   * on every record; time windows only read single windows, so they never pay for it).
   */
  #indexed = false;
  #listener: CacheFlushListener<Windowed<Buffer>, Buffer> | undefined;
  #sendOldValues = false;
  #registered = false;

  constructor(inner: WindowStore<Buffer, Buffer>, task: StoreTaskContext, cache: RecordCache) {
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
    this.#indexed = false;
    await this.inner.close();
  }

  async put(key: Buffer, value: Buffer | null, windowStartMs: number): Promise<void> {
    assertStoreOpen(this);
    checkStoredTime(this.name, 'a window start', windowStartMs);
    const cacheKey = windowStoreKey(key, windowStartMs, 0);
    if (this.#indexed) {
      if (this.#index.wantsRebuild) this.#rebuildIndex();
      this.#index.add(windowKeyOf(cacheKey), cacheKey);
    }
    await this.#cache.put(this.#namespace, cacheKey, value === null ? null : Buffer.from(value), this.#task.recordContext());
  }

  async putAll(writes: Iterable<WindowStoreWrite<Buffer, Buffer>>): Promise<void> {
    for (const { key, value, windowStartMs } of writes) await this.put(key, value, windowStartMs);
  }

  fetch(key: Buffer, windowStartMs: number): Promise<Buffer | undefined>;
  fetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>>;
  fetch(key: Buffer, timeFromMs: number, timeToMs?: number): Promise<Buffer | undefined> | AsyncIterable<KeyValue<number, Buffer>> {
    if (timeToMs === undefined) return this.#fetchOne(key, timeFromMs);
    return this.#fetchKey(key, timeFromMs, timeToMs, false);
  }

  backwardFetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.#fetchKey(key, timeFromMs, timeToMs, true);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(keyFrom, keyTo, timeFromMs, timeToMs, false, () => this.inner.fetchRange(keyFrom, keyTo, timeFromMs, timeToMs));
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(keyFrom, keyTo, timeFromMs, timeToMs, true, () => this.inner.backwardFetchRange(keyFrom, keyTo, timeFromMs, timeToMs));
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, timeFromMs, timeToMs, false, () => this.inner.fetchAll(timeFromMs, timeToMs));
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, timeFromMs, timeToMs, true, () => this.inner.backwardFetchAll(timeFromMs, timeToMs));
  }

  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, false, () => this.inner.all());
  }

  backwardAll(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, true, () => this.inner.backwardAll());
  }

  async #fetchOne(key: Buffer, windowStartMs: number): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'a window start', windowStartMs);
    if (!Number.isSafeInteger(windowStartMs) || windowStartMs < 0) return undefined;
    const cached = this.#cache.get(this.#namespace, windowStoreKey(key, windowStartMs, 0));
    if (cached !== undefined) return cached.value ?? undefined;
    return this.inner.fetch(key, windowStartMs);
  }

  #fetchKey(key: Buffer, timeFromMs: number, timeToMs: number, reverse: boolean): AsyncIterable<KeyValue<number, Buffer>> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    const [from, to] = clampTimeRange(timeFromMs, timeToMs);
    return mergedWindowedCacheScan<KeyValue<number, Buffer>>(
      () => this.#cachedOfKey(key, from, to),
      () => (reverse ? this.inner.backwardFetch(key, timeFromMs, timeToMs) : this.inner.fetch(key, timeFromMs, timeToMs)),
      (entry) => windowStoreKey(key, entry.key, 0),
      (cacheKey, value) => ({ key: windowStartOf(cacheKey), value }),
      reverse,
    );
  }

  #fetchKeys(
    keyFrom: Buffer | undefined,
    keyTo: Buffer | undefined,
    timeFromMs: number,
    timeToMs: number,
    reverse: boolean,
    below: () => AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>,
  ): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    const [from, to] = clampTimeRange(timeFromMs, timeToMs);
    const size = this.windowSizeMs;
    const cached = (): CachedEntry[] => {
      if (from > to) return [];
      const lower = keyFrom === undefined ? undefined : windowStoreKey(keyFrom, from, 0);
      const upper = keyTo === undefined ? undefined : windowStoreKey(keyTo, to, MAX_SEQ);
      return this.#cache.range(this.#namespace, lower, upper).filter((e) => {
        const start = windowStartOf(e.key);
        return start >= from && start <= to;
      });
    };
    return mergedWindowedCacheScan<KeyValue<Windowed<Buffer>, Buffer>>(
      cached,
      below,
      (entry) => windowStoreKey(entry.key.key(), entry.key.window().start(), 0),
      (cacheKey, value) => {
        const start = windowStartOf(cacheKey);
        return { key: new Windowed(windowKeyOf(cacheKey), new TimeWindow(start, start + size)), value };
      },
      reverse,
    );
  }

  /** The cached windows of `key` with a start in `[from, to]`, sorted by store key. */
  #cachedOfKey(key: Buffer, from: number, to: number): CachedEntry[] {
    const found: CachedEntry[] = [];
    if (from > to) return found;
    if (!this.#indexed) {
      this.#rebuildIndex();
      this.#indexed = true;
    }
    for (const cacheKey of this.#index.keysOf(key)) {
      const start = windowStartOf(cacheKey);
      if (start < from || start > to) continue;
      const cached = this.#cache.get(this.#namespace, cacheKey);
      if (cached === undefined) {
        this.#index.remove(key, cacheKey);
        continue;
      }
      found.push({ key: cacheKey, value: cached.value });
    }
    return found;
  }

  #rebuildIndex(): void {
    this.#index.rebuild(this.#cache.range(this.#namespace, undefined, undefined).map((e) => e.key), windowKeyOf);
  }

  /** The named cache's flush: write the dirty windows below in one batch, then forward them in order. */
  async #write(entries: readonly DirtyEntry[]): Promise<void> {
    const listener = this.#listener;
    const parsed = entries.map((entry) => ({ entry, key: windowKeyOf(entry.key), start: windowStartOf(entry.key) }));
    const olds: Array<Buffer | undefined> = [];
    let writes = parsed;
    if (listener !== undefined) {
      // Old values are read for deletes (to skip deletes of absent windows) and when asked for.
      for (const p of parsed) olds.push(p.entry.value === null || this.#sendOldValues ? await this.inner.fetch(p.key, p.start) : undefined);
      writes = parsed.filter((p, i) => p.entry.value !== null || olds[i] !== undefined);
    }
    if (writes.length > 0) {
      const batch = writes.map((p) => ({ key: p.key, value: p.entry.value, windowStartMs: p.start, timestamp: p.entry.context.timestamp }));
      if (writesWithTimestamps(this.inner)) await this.inner.putAllWithTimestamps(batch);
      else await this.inner.putAll(batch);
    }
    if (listener === undefined) return;
    const size = this.windowSizeMs;
    for (let i = 0; i < parsed.length; i++) {
      const { entry, key, start } = parsed[i] as (typeof parsed)[number];
      const old = olds[i];
      if (entry.value === null && old === undefined) continue;
      const record = {
        key: new Windowed(key, new TimeWindow(start, start + size)),
        newValue: entry.value,
        oldValue: this.#sendOldValues ? (old ?? null) : null,
        timestamp: entry.context.timestamp,
        headers: entry.context.headers,
      };
      await this.#task.forwardWithContext(entry.context, () => listener(record));
    }
  }
}
