import { compareBytes } from './byte-order.js';

/** A cached entry as a merged scan takes it: a store key (composite bytes) and its value, `null` for a delete. */
export interface CachedEntry {
  readonly key: Buffer;
  readonly value: Buffer | null;
}

/**
 * A scan over a cached window or session store (Kafka's `MergedSortedCacheWindowStoreIterator`
 * and `MergedSortedCacheSessionStoreIterator`): the cached entries in the range, taken when the
 * loop starts and sorted by store key, merged with the scan of the store below in the scan's
 * direction. A cached entry hides the store's entry of the same key; a cached delete hides it
 * altogether. Both sides are compared by store key bytes (`sortKeyOf` gives a store entry's),
 * which is the scan order of the stores below. Breaking out of the loop closes the store's scan.
 */
export function mergedWindowedCacheScan<T>(
  cached: () => readonly CachedEntry[],
  below: () => AsyncIterable<T>,
  sortKeyOf: (entry: T) => Buffer,
  fromCache: (key: Buffer, value: Buffer) => T,
  reverse: boolean,
): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const ascending = cached();
      const entries = reverse ? [...ascending].reverse() : ascending;
      const order = (a: Buffer, b: Buffer): number => (reverse ? compareBytes(b, a) : compareBytes(a, b));
      let c = 0;
      for await (const entry of below()) {
        const key = sortKeyOf(entry);
        let hidden = false;
        while (c < entries.length) {
          const next = entries[c] as CachedEntry;
          const cmp = order(next.key, key);
          if (cmp > 0) break;
          c++;
          if (cmp === 0) hidden = true;
          if (next.value !== null) yield fromCache(next.key, next.value);
        }
        if (!hidden) yield entry;
      }
      for (; c < entries.length; c++) {
        const next = entries[c] as CachedEntry;
        if (next.value !== null) yield fromCache(next.key, next.value);
      }
    },
  };
}
