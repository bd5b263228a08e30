import DataLoader from 'dataloader';
import type { QueryRouter } from '../src/query/query-router.js';
import type { KeyValueResult } from '../src/query/query-results.js';

/**
 * One loader per store per request (dataloader's "new DataLoader per request"): keys asked by
 * `keyValue` and `keyValues` anywhere in the request are grouped by owning instance, one local
 * batch plus one forwarded request per remote owner, answered in key order. A key that fails
 * (bad key, moving partition, unreachable owner) is an Error in its own slot only. A forwarded
 * request (`localOnly`) reads everything locally and never forwards again.
 */
export function keyValueLoader(router: QueryRouter, store: string, localOnly: boolean): DataLoader<string, KeyValueResult | null> {
  return new DataLoader<string, KeyValueResult | null>(async (keys) => {
    if (localOnly) return router.getLocal(store, keys);
    const found = new Map<string, KeyValueResult | null | Error>();
    const byOwner = new Map<string, string[]>();
    for (const key of keys) {
      try {
        const { endpoint } = router.ownerOf(store, key, 'keyValue');
        let group = byOwner.get(endpoint);
        if (group === undefined) byOwner.set(endpoint, (group = []));
        group.push(key);
      } catch (e) {
        found.set(key, asError(e));
      }
    }
    await Promise.all([...byOwner].map(async ([owner, ownerKeys]) => {
      try {
        const values = await router.getMany(owner, store, ownerKeys);
        ownerKeys.forEach((k, i) => found.set(k, values[i] ?? null));
      } catch (e) {
        for (const k of ownerKeys) found.set(k, asError(e));   // one owner down ≠ whole query down
      }
    }));
    return keys.map((k) => found.get(k) ?? null);
  }, { maxBatchSize: router.limits.maxKeys });
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
