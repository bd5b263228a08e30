import type { RecordContext } from '../processor/record-metadata.js';
import { compareBytes } from './byte-order.js';

/**
 * Bytes an entry costs beyond its key, value, topic name and headers: Kafka's accounting of an
 * LRU node (three references) and a cache entry (dirty flag, offset, timestamp, partition).
 */
const ENTRY_OVERHEAD = 8 + 8 + 8 + 1 + 8 + 8 + 4;

/** A dirty entry handed to a named cache's flush listener. */
export interface DirtyEntry {
  readonly key: Buffer;
  /** `null`: the key's last update deleted it. */
  readonly value: Buffer | null;
  /** The record context of the key's last update. */
  readonly context: RecordContext;
}

/** Writes a named cache's dirty entries downstream (store, changelog, children), in the given order. */
export type DirtyEntriesListener = (entries: readonly DirtyEntry[]) => Promise<void>;

/** What a cache holds for a key: a value (or a delete, `null`) and whether it still has to be written. */
export interface CachedValue {
  readonly value: Buffer | null;
  readonly dirty: boolean;
}

interface Entry {
  readonly key: Buffer;
  value: Buffer | null;
  dirty: boolean;
  context: RecordContext | undefined;
  size: number;
}

const NO_CONTEXT: RecordContext = { topic: undefined, partition: -1, offset: -1, timestamp: -1, headers: [] };

function sizeOf(key: Buffer, value: Buffer | null, context: RecordContext | undefined): number {
  let size = ENTRY_OVERHEAD + key.length + (value === null ? 0 : value.length);
  if (context !== undefined) {
    size += context.topic === undefined ? 0 : context.topic.length;
    for (const header of context.headers) size += header.key.length + (header.value === null ? 0 : header.value.length);
  }
  return size;
}

/**
 * The cache of one store of one task (Kafka's `NamedCache`). Map order is LRU order (least
 * recently used first): reads and writes move a key to the end. `#dirty` keeps dirty keys in the
 * order of their last update, which is the order they flush in.
 */
class NamedCache {
  readonly name: string;
  readonly listener: DirtyEntriesListener;
  readonly entries = new Map<string, Entry>();
  readonly dirty = new Set<string>();
  bytes = 0;
  /** Reads answered from the cache, and reads that went on to the store (the hit ratio metric). */
  hits = 0;
  misses = 0;

  constructor(name: string, listener: DirtyEntriesListener) {
    this.name = name;
    this.listener = listener;
  }

  touch(id: string, entry: Entry): void {
    this.entries.delete(id);
    this.entries.set(id, entry);
  }

  /** Takes every dirty entry (marking it clean) in last-update order, `first` (if any) in front. */
  takeDirty(first?: Entry): DirtyEntry[] {
    const taken: DirtyEntry[] = [];
    if (first !== undefined) {
      taken.push({ key: first.key, value: first.value, context: first.context ?? NO_CONTEXT });
      first.dirty = false;
      this.dirty.delete(first.key.toString('latin1'));
    }
    for (const id of this.dirty) {
      const entry = this.entries.get(id) as Entry;
      taken.push({ key: entry.key, value: entry.value, context: entry.context ?? NO_CONTEXT });
      entry.dirty = false;
    }
    // Cleared before the listener runs: what it forwards may write to this cache again.
    this.dirty.clear();
    return taken;
  }
}

/**
 * The record cache (Kafka's `ThreadCache`): one byte budget, `statestore.cache.max.bytes`,
 * shared by the caches of every cached store of the tasks that use it. A stream thread makes
 * one for its tasks; the TopologyTestDriver makes one.
 *
 * Writes are dirty until flushed. When the cache grows over its budget, the cache being written
 * evicts its least recently used entries; evicting a dirty entry first flushes that whole named
 * cache (the evicted entry first, then the other dirty keys by last update), as Kafka does.
 * After a flush, deleted keys leave the cache; other entries stay as clean entries for reads.
 *
 * Keys are compared as bytes; callers hand over buffers they no longer change.
 */
export class RecordCache {
  #maxBytes: number;
  readonly #caches = new Map<string, NamedCache>();
  #bytes = 0;
  #evictions = 0;
  #flushes = 0;

  /** @param maxBytes the budget; 0 turns caching off (builders then add no caching layer) */
  constructor(maxBytes: number) {
    if (!(maxBytes >= 0)) throw new RangeError(`The record cache size must be >= 0 bytes, but got: ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  /** The budget in bytes. */
  get maxBytes(): number {
    return this.#maxBytes;
  }

  /**
   * Changes the budget (Kafka's `ThreadCache.resize`, when a client adds or removes a stream
   * thread and the `statestore.cache.max.bytes` split changes). A smaller budget is enforced at
   * the next write into the cache, which evicts (flushing dirty entries) within the processing of
   * the task that writes, rather than here, outside any task. Caching stays off for stores built
   * while the budget was 0.
   */
  resize(maxBytes: number): void {
    if (!(maxBytes >= 0)) throw new RangeError(`The record cache size must be >= 0 bytes, but got: ${maxBytes}`);
    this.#maxBytes = maxBytes;
  }

  /** Bytes held by all named caches. */
  get sizeBytes(): number {
    return this.#bytes;
  }

  /** Entries held by all named caches. */
  get size(): number {
    let n = 0;
    for (const cache of this.#caches.values()) n += cache.entries.size;
    return n;
  }

  /** Entries evicted to stay within the budget, since creation. */
  get evictions(): number {
    return this.#evictions;
  }

  /** Flushes of a named cache that wrote at least one dirty entry (commits and evictions). */
  get flushes(): number {
    return this.#flushes;
  }

  /**
   * Registers the cache of one store of one task; its dirty entries go to `listener`.
   * @param namespace unique per task and store, e.g. `0_1-counts`
   * @throws Error when the namespace is registered already (two live stores would share entries)
   */
  register(namespace: string, listener: DirtyEntriesListener): void {
    if (this.#caches.has(namespace)) throw new Error(`Record cache ${namespace} is registered already`);
    this.#caches.set(namespace, new NamedCache(namespace, listener));
  }

  /** Drops a named cache and its entries without flushing them (the store closes). */
  unregister(namespace: string): void {
    const cache = this.#caches.get(namespace);
    if (cache === undefined) return;
    this.#bytes -= cache.bytes;
    this.#caches.delete(namespace);
  }

  /** The cached value of `key` (a delete is `value: null`), or undefined on a miss; counts as a use. */
  get(namespace: string, key: Buffer): CachedValue | undefined {
    const cache = this.#cache(namespace);
    const id = key.toString('latin1');
    const entry = cache.entries.get(id);
    if (entry === undefined) {
      cache.misses++;
      return undefined;
    }
    cache.hits++;
    cache.touch(id, entry);
    return entry;
  }

  /** Hits and misses of `get` per named cache (`<taskId>-<store>`), for the hit ratio metric. */
  stats(): { namespace: string; hits: number; misses: number }[] {
    return [...this.#caches.values()].map((c) => ({ namespace: c.name, hits: c.hits, misses: c.misses }));
  }

  /**
   * Writes `key` as dirty with the record context of the update (`null` value: a delete), then
   * evicts while over budget. Resolves once any flush the eviction caused is done.
   */
  async put(namespace: string, key: Buffer, value: Buffer | null, context: RecordContext): Promise<void> {
    const cache = this.#cache(namespace);
    const id = key.toString('latin1');
    this.#set(cache, id, key, value, true, context);
    cache.dirty.delete(id);
    cache.dirty.add(id);
    if (this.#bytes > this.#maxBytes) await this.#evict(cache);
  }

  /**
   * Caches a value read from the underlying store as a clean entry (no flush needed), then evicts
   * while over budget. Returns a promise only when the eviction has to flush dirty entries first
   * (so a read that caches what it read stays synchronous otherwise; see `SyncReadable`).
   */
  putClean(namespace: string, key: Buffer, value: Buffer): Promise<void> | undefined {
    const cache = this.#cache(namespace);
    const id = key.toString('latin1');
    if (cache.entries.get(id)?.dirty === true) return undefined;
    this.#set(cache, id, key, value, false, undefined);
    if (this.#bytes <= this.#maxBytes || this.#evictClean(cache)) return undefined;
    return this.#evict(cache);
  }

  /**
   * Cached entries of a namespace with `from <= key <= to` (bounds inclusive, undefined = open),
   * sorted by key bytes; deletes included (`value: null`) so a merged scan can hide them.
   */
  range(namespace: string, from: Buffer | undefined, to: Buffer | undefined): Array<{ key: Buffer; value: Buffer | null }> {
    const cache = this.#cache(namespace);
    const found: Array<{ key: Buffer; value: Buffer | null }> = [];
    for (const entry of cache.entries.values()) {
      if (from !== undefined && compareBytes(entry.key, from) < 0) continue;
      if (to !== undefined && compareBytes(entry.key, to) > 0) continue;
      found.push({ key: entry.key, value: entry.value });
    }
    found.sort((a, b) => compareBytes(a.key, b.key));
    return found;
  }

  /** The dirty entries of a namespace (`null` value: a delete), in last-update order. */
  dirtyEntries(namespace: string): Array<{ key: Buffer; value: Buffer | null }> {
    const cache = this.#cache(namespace);
    return [...cache.dirty].map((id) => {
      const entry = cache.entries.get(id) as Entry;
      return { key: entry.key, value: entry.value };
    });
  }

  /** Dirty keys of a namespace (for tests and metrics). */
  dirtyCount(namespace: string): number {
    return this.#cache(namespace).dirty.size;
  }

  /** Hands every dirty entry of the namespace to its listener, in last-update order; deleted keys then leave the cache. */
  async flush(namespace: string): Promise<void> {
    await this.#flush(this.#cache(namespace), undefined);
  }

  #cache(namespace: string): NamedCache {
    const cache = this.#caches.get(namespace);
    if (cache === undefined) throw new Error(`Record cache ${namespace} is not registered (its store is closed)`);
    return cache;
  }

  #set(cache: NamedCache, id: string, key: Buffer, value: Buffer | null, dirty: boolean, context: RecordContext | undefined): void {
    const size = sizeOf(key, value, context);
    const entry = cache.entries.get(id);
    if (entry === undefined) {
      cache.entries.set(id, { key, value, dirty, context, size });
    } else {
      this.#bytes -= entry.size;
      cache.bytes -= entry.size;
      entry.value = value;
      entry.dirty = dirty;
      entry.context = context;
      entry.size = size;
      cache.touch(id, entry);
    }
    this.#bytes += size;
    cache.bytes += size;
  }

  /**
   * Evicts the least recently used entries of `cache` while the whole cache is over budget
   * (Kafka evicts from the cache being written, and stops when it is empty even if others are
   * large). A dirty eldest is flushed (with every other dirty entry) before it leaves, so a
   * read never misses a value that is not in the store yet.
   */
  /**
   * The part of `#evict` that needs no flush: evicts least recently used entries while over
   * budget and the eldest is clean. True when done (within budget, or nothing left to evict);
   * false when the eldest is dirty and `#evict` has to go on.
   */
  #evictClean(cache: NamedCache): boolean {
    while (this.#bytes > this.#maxBytes) {
      const first = cache.entries.entries().next();
      if (first.done === true) return true;
      const [id, eldest] = first.value;
      if (eldest.dirty) return false;
      cache.entries.delete(id);
      this.#bytes -= eldest.size;
      cache.bytes -= eldest.size;
      this.#evictions++;
    }
    return true;
  }

  async #evict(cache: NamedCache): Promise<void> {
    while (this.#bytes > this.#maxBytes) {
      const first = cache.entries.entries().next();
      if (first.done === true) return;
      const [id, eldest] = first.value;
      if (eldest.dirty) await this.#flush(cache, eldest);
      // A write during the flush may have made it dirty (and most recent) again: then it stays.
      if (cache.entries.get(id) === eldest && !eldest.dirty) {
        cache.entries.delete(id);
        this.#bytes -= eldest.size;
        cache.bytes -= eldest.size;
        this.#evictions++;
      }
      if (!this.#caches.has(cache.name)) return;
    }
  }

  async #flush(cache: NamedCache, first: Entry | undefined): Promise<void> {
    if (cache.dirty.size === 0) return;
    const entries = cache.takeDirty(first);
    this.#flushes++;
    await cache.listener(entries);
    for (const { key, value } of entries) {
      if (value !== null) continue;
      const id = key.toString('latin1');
      const entry = cache.entries.get(id);
      // Deleted keys leave the cache, unless written again meanwhile.
      if (entry !== undefined && !entry.dirty && entry.value === null) {
        cache.entries.delete(id);
        this.#bytes -= entry.size;
        cache.bytes -= entry.size;
      }
    }
  }
}
