import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/** How a cached store feeds a {@link mergedCacheScan}. */
export interface MergedScanSource {
  /** The cache's entries in the range, sorted ascending by key (deletes as `null`); taken when the loop starts. */
  cached(): ReadonlyArray<{ readonly key: Buffer; readonly value: Buffer | null }>;
  /** The scan of the store below, in the scan's direction. */
  readonly below: AsyncIterable<KeyValue<Buffer, Buffer>>;
  readonly reverse: boolean;
  /** Throws when the scan must stop (the store was closed). */
  check(): void;
  /** Told when the scan starts and when it ends, breaks or fails (the store counts open scans). */
  opened(scan: object): void;
  closed(scan: object): void;
}

/**
 * A scan over a cached store (Kafka's `MergedSortedCacheKeyValueBytesStoreIterator`): the
 * cache's entries in the range, taken when the loop starts, merged with the scan of the store
 * below, in key order (`reverse`: descending). A cached key hides the store's entry; a cached
 * delete (`null`) hides the key altogether. Breaking out of the loop releases the store's scan.
 */
export function mergedCacheScan(source: MergedScanSource): AsyncIterable<KeyValue<Buffer, Buffer>> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<KeyValue<Buffer, Buffer>, undefined> {
      const reverse = source.reverse;
      const order = (a: Buffer, b: Buffer): number => (reverse ? compareBytes(b, a) : compareBytes(a, b));
      let fromCache: ReadonlyArray<{ readonly key: Buffer; readonly value: Buffer | null }> | undefined;
      let below: AsyncIterator<KeyValue<Buffer, Buffer>> | undefined;
      let c = 0;
      let pending: KeyValue<Buffer, Buffer> | undefined;
      let belowDone = false;
      let finished = false;
      const handle = {};

      const finish = async (): Promise<void> => {
        if (finished) return;
        finished = true;
        try {
          if (below !== undefined && !belowDone) await below.return?.();
        } finally {
          belowDone = true;
          source.closed(handle);
        }
      };

      const step = async (): Promise<IteratorResult<KeyValue<Buffer, Buffer>, undefined>> => {
        if (finished) return DONE;
        source.check();
        if (fromCache === undefined) {
          const entries = source.cached();
          fromCache = reverse ? [...entries].reverse() : entries;
          source.opened(handle);
          below = source.below[Symbol.asyncIterator]();
        }
        for (;;) {
          if (pending === undefined && !belowDone) {
            const result = await (below as AsyncIterator<KeyValue<Buffer, Buffer>>).next();
            if (result.done === true) belowDone = true;
            else pending = result.value;
          }
          const fromC = fromCache[c];
          if (fromC === undefined) {
            if (pending === undefined) {
              await finish();
              return DONE;
            }
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
        next: async () => {
          try {
            return await step();
          } catch (error) {
            await finish().catch(() => undefined);
            throw error;
          }
        },
        return: async () => {
          await finish();
          return DONE;
        },
      };
    },
  };
}
