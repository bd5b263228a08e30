import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A scan over a cached store (Kafka's `MergedSortedCacheKeyValueBytesStoreIterator`): the
 * cache's entries in the range, taken when the scan starts, merged with the scan of the store
 * below, in key order (`reverse`: descending). A cached key hides the store's entry; a cached
 * delete (`null`) hides the key altogether. Breaking out of the loop releases the store's scan.
 */
export function mergedCacheScan(
  cached: () => ReadonlyArray<{ readonly key: Buffer; readonly value: Buffer | null }>,
  store: AsyncIterable<KeyValue<Buffer, Buffer>>,
  reverse: boolean,
): AsyncIterable<KeyValue<Buffer, Buffer>> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<KeyValue<Buffer, Buffer>, undefined> {
      const entries = cached();
      const fromCache = reverse ? [...entries].reverse() : entries;
      const below = store[Symbol.asyncIterator]();
      let c = 0;
      let pending: KeyValue<Buffer, Buffer> | undefined;
      let belowDone = false;
      const order = (a: Buffer, b: Buffer): number => (reverse ? compareBytes(b, a) : compareBytes(a, b));

      const next = async (): Promise<IteratorResult<KeyValue<Buffer, Buffer>, undefined>> => {
        for (;;) {
          if (pending === undefined && !belowDone) {
            const result = await below.next();
            if (result.done === true) belowDone = true;
            else pending = result.value;
          }
          const fromC = fromCache[c];
          if (fromC === undefined) {
            if (pending === undefined) return DONE;
            const value = pending;
            pending = undefined;
            return { done: false, value };
          }
          const cmp = pending === undefined ? -1 : order(fromC.key, pending.key);
          if (cmp > 0) {
            const value = pending as KeyValue<Buffer, Buffer>;
            pending = undefined;
            return { done: false, value };
          }
          c++;
          // Equal keys: the cache has the newer value; the store's entry is skipped.
          if (cmp === 0) pending = undefined;
          if (fromC.value !== null) return { done: false, value: { key: fromC.key, value: fromC.value } };
        }
      };
      return {
        next,
        return: async () => {
          if (!belowDone) await below.return?.();
          belowDone = true;
          return DONE;
        },
      };
    },
  };
}
