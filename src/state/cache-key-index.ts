import { compareBytes } from './byte-order.js';

/**
 * Which cache keys of a window or session store's record cache belong to each record key, so a
 * scan of one key's windows or sessions (what the sliding-window and session aggregations do for
 * every record) looks at that key's cached entries only, instead of sorting the whole named cache.
 *
 * The record cache drops entries on its own (LRU eviction, deletes after a flush) without telling
 * the store, so the index may hold keys that are gone: readers check each key in the cache and
 * `remove` the missing ones, and the store `rebuild`s the index from the cache when it has grown
 * well past what the cache holds.
 */
export class CacheKeyIndex {
  readonly #byKey = new Map<string, Map<string, Buffer>>();
  #size = 0;
  #rebuildAt = 1024;

  /** Cache keys held, over all record keys. */
  get size(): number {
    return this.#size;
  }

  /** True when the index has grown enough since the last rebuild that one is worth its cost. */
  get wantsRebuild(): boolean {
    return this.#size >= this.#rebuildAt;
  }

  add(recordKey: Buffer, cacheKey: Buffer): void {
    const id = recordKey.toString('latin1');
    let keys = this.#byKey.get(id);
    if (keys === undefined) {
      keys = new Map();
      this.#byKey.set(id, keys);
    }
    const cacheId = cacheKey.toString('latin1');
    if (!keys.has(cacheId)) {
      keys.set(cacheId, cacheKey);
      this.#size++;
    }
  }

  remove(recordKey: Buffer, cacheKey: Buffer): void {
    const id = recordKey.toString('latin1');
    const keys = this.#byKey.get(id);
    if (keys === undefined || !keys.delete(cacheKey.toString('latin1'))) return;
    this.#size--;
    if (keys.size === 0) this.#byKey.delete(id);
  }

  /** The cache keys recorded for `recordKey`, ascending by bytes. */
  keysOf(recordKey: Buffer): Buffer[] {
    const keys = this.#byKey.get(recordKey.toString('latin1'));
    if (keys === undefined) return [];
    return [...keys.values()].sort(compareBytes);
  }

  clear(): void {
    this.#byKey.clear();
    this.#size = 0;
  }

  /** Replaces the index with the keys the cache holds now; the next rebuild is due at twice that. */
  rebuild(cacheKeys: Iterable<Buffer>, recordKeyOf: (cacheKey: Buffer) => Buffer): void {
    this.clear();
    for (const cacheKey of cacheKeys) this.add(Buffer.from(recordKeyOf(cacheKey)), cacheKey);
    this.#rebuildAt = Math.max(1024, this.#size * 2);
  }
}
