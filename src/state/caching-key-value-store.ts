import { prefixUpperBound } from './byte-order.js';
import type { CacheFlushListener, CachedStateStore } from './cache-flush-listener.js';
import type { TimestampedWrite } from './change-logging-key-value-store.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { mergedCacheScan } from './merged-cache-scan.js';
import type { DirtyEntry, RecordCache } from './record-cache.js';
import { assertStoreOpen } from './state-store.js';
import type { StoreTaskContext } from './store-task-context.js';
import { getMaybeSync, isPromise, type MaybePromise, type SyncReadable } from './sync-read.js';
import { WrappedStateStore } from './wrapped-state-store.js';

interface BatchWithTimestamps {
  putAllWithTimestamps(writes: readonly TimestampedWrite[]): Promise<void>;
}

function writesWithTimestamps(store: object): store is BatchWithTimestamps {
  return typeof (store as Partial<BatchWithTimestamps>).putAllWithTimestamps === 'function';
}

/**
 * The record-cache layer of a byte key-value store (Kafka's `CachingKeyValueStore`,
 * SEMANTICS §5.3). Writes go to the task's named cache as dirty entries with the record context
 * of the update; reads look in the cache first. When the task commits (`flush()`) or the cache
 * evicts, the dirty keys are written to the store below (and so to the changelog) in one batch
 * and, when a flush listener is set, forwarded once each in the order of their last update, with
 * the record context of that update restored:
 *
 * - old value = the store's value before the flush (read only when asked for, or for a delete);
 * - a delete of a key the store does not hold is neither written nor forwarded.
 *
 * `close()` drops the cache's entries without writing them: a clean close flushes first.
 */
export class CachingKeyValueStore extends WrappedStateStore<KeyValueStore<Buffer, Buffer>> implements KeyValueStore<Buffer, Buffer>, CachedStateStore<Buffer, Buffer>, SyncReadable<Buffer, Buffer> {
  readonly #task: StoreTaskContext;
  readonly #cache: RecordCache;
  readonly #namespace: string;
  #listener: CacheFlushListener<Buffer, Buffer> | undefined;
  #sendOldValues = false;
  #registered = false;
  /** Merged scans holding an iterator; a Set so `close()` can forget abandoned ones. */
  readonly #scans = new Set<object>();

  constructor(inner: KeyValueStore<Buffer, Buffer>, task: StoreTaskContext, cache: RecordCache) {
    super(inner);
    this.#task = task;
    this.#cache = cache;
    this.#namespace = `${task.taskId}-${inner.name}`;
  }

  override get isOpen(): boolean {
    return this.inner.isOpen && this.#registered;
  }

  /** Merged scans running (each holds at most one iterator of the store below). */
  override get openIterators(): number {
    return this.#scans.size;
  }

  setFlushListener(listener: CacheFlushListener<Buffer, Buffer>, sendOldValues: boolean): boolean {
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
    this.#scans.clear();
    if (this.#registered) {
      this.#registered = false;
      this.#cache.unregister(this.#namespace);
    }
    await this.inner.close();
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.getMaybeSync(key);
  }

  /**
   * `get`, answered at once on a cache hit, or on a miss when the store below reads
   * synchronously and caching the value read evicts only clean entries.
   */
  getMaybeSync(key: Buffer): MaybePromise<Buffer | undefined> {
    assertStoreOpen(this);
    const cached = this.#cache.get(this.#namespace, key);
    if (cached !== undefined) return cached.value ?? undefined;
    const below = getMaybeSync(this.inner, key);
    return isPromise(below) ? below.then((value) => this.#remember(key, value)) : this.#remember(key, below);
  }

  /** Keeps a value read from below as a clean cache entry (Kafka caches reads too). */
  #remember(key: Buffer, value: Buffer | undefined): MaybePromise<Buffer | undefined> {
    if (value === undefined || !this.#registered) return value;
    const evicting = this.#cache.putClean(this.#namespace, key, value);
    return evicting === undefined ? value : evicting.then(() => value);
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    assertStoreOpen(this);
    const values: Array<Buffer | undefined> = new Array<Buffer | undefined>(keys.length);
    const missing: number[] = [];
    keys.forEach((key, i) => {
      const cached = this.#cache.get(this.#namespace, key);
      if (cached === undefined) missing.push(i);
      else values[i] = cached.value ?? undefined;
    });
    if (missing.length > 0) {
      const found = await this.inner.getMany(missing.map((i) => keys[i] as Buffer));
      for (let j = 0; j < missing.length; j++) values[missing[j] as number] = found[j];
      for (let j = 0; j < missing.length; j++) {
        const value = found[j];
        if (value !== undefined && this.#registered) await this.#cache.putClean(this.#namespace, keys[missing[j] as number] as Buffer, value);
      }
    }
    return values;
  }

  async put(key: Buffer, value: Buffer | null): Promise<void> {
    assertStoreOpen(this);
    // Copied: the cache keeps them until a flush, and callers may reuse their Buffers.
    await this.#cache.put(this.#namespace, Buffer.from(key), value === null ? null : Buffer.from(value), this.#task.recordContext());
  }

  async putIfAbsent(key: Buffer, value: Buffer): Promise<Buffer | undefined> {
    const previous = await this.get(key);
    if (previous === undefined) await this.put(key, value);
    return previous;
  }

  async putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): Promise<void> {
    for (const { key, value } of entries) await this.put(key, value);
  }

  async delete(key: Buffer): Promise<Buffer | undefined> {
    const previous = await this.get(key);
    await this.put(key, null);
    return previous;
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#merged(from, to, false, () => this.inner.range(from, to));
  }

  reverseRange(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#merged(from, to, true, () => this.inner.reverseRange(from, to));
  }

  prefixScan(prefix: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    assertStoreOpen(this);
    const upper = prefixUpperBound(prefix);
    return this.#scan(
      () => this.#cache.range(this.#namespace, prefix, upper).filter((e) => e.key.subarray(0, prefix.length).equals(prefix)),
      this.inner.prefixScan(prefix),
      false,
    );
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#merged(undefined, undefined, false, () => this.inner.all());
  }

  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#merged(undefined, undefined, true, () => this.inner.reverseAll());
  }

  /**
   * The store's count corrected by the unflushed writes (Kafka counts only the store below;
   * here cached inserts and deletes count too, at the cost of one read of the dirty keys).
   */
  async approximateNumEntries(): Promise<number> {
    assertStoreOpen(this);
    const dirty = this.#cache.dirtyEntries(this.#namespace);
    const [count, below] = await Promise.all([this.inner.approximateNumEntries(), this.inner.getMany(dirty.map((e) => e.key))]);
    let n = count;
    dirty.forEach((e, i) => {
      if (e.value !== null && below[i] === undefined) n++;
      else if (e.value === null && below[i] !== undefined) n--;
    });
    return n;
  }

  #merged(from: Buffer | undefined, to: Buffer | undefined, reverse: boolean, below: () => AsyncIterable<KeyValue<Buffer, Buffer>>): AsyncIterable<KeyValue<Buffer, Buffer>> {
    assertStoreOpen(this);
    return this.#scan(() => this.#cache.range(this.#namespace, from, to), below(), reverse);
  }

  #scan(
    cached: () => ReadonlyArray<{ key: Buffer; value: Buffer | null }>,
    below: AsyncIterable<KeyValue<Buffer, Buffer>>,
    reverse: boolean,
  ): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return mergedCacheScan({
      cached,
      below,
      reverse,
      check: () => assertStoreOpen(this),
      opened: (scan) => void this.#scans.add(scan),
      closed: (scan) => void this.#scans.delete(scan),
    });
  }

  /** The named cache's flush: write the dirty entries below in one batch, then forward them in order. */
  async #write(entries: readonly DirtyEntry[]): Promise<void> {
    const listener = this.#listener;
    let olds: Array<Buffer | undefined> | undefined;
    let writes = entries;
    if (listener !== undefined) {
      // Old values are read for deletes (to skip deletes of absent keys) and when asked for.
      const needed = this.#sendOldValues ? entries : entries.filter((e) => e.value === null);
      const found = needed.length === 0 ? [] : await this.inner.getMany(needed.map((e) => e.key));
      const byEntry = new Map<DirtyEntry, Buffer | undefined>();
      needed.forEach((e, i) => byEntry.set(e, found[i]));
      olds = entries.map((e) => byEntry.get(e));
      writes = entries.filter((e, i) => e.value !== null || olds?.[i] !== undefined);
    }
    if (writes.length > 0) {
      if (writesWithTimestamps(this.inner)) {
        await this.inner.putAllWithTimestamps(writes.map((e) => ({ key: e.key, value: e.value, timestamp: e.context.timestamp })));
      } else {
        await this.inner.putAll(writes);
      }
    }
    if (listener === undefined) return;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as DirtyEntry;
      const old = olds?.[i];
      if (entry.value === null && old === undefined) continue;
      const record = {
        key: entry.key,
        newValue: entry.value,
        oldValue: this.#sendOldValues ? (old ?? null) : null,
        timestamp: entry.context.timestamp,
        headers: entry.context.headers,
      };
      await this.#task.forwardWithContext(entry.context, () => listener(record));
    }
  }
}
