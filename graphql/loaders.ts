import DataLoader from 'dataloader';
import type { QueryRouter } from '../src/query/query-router.js';
import type { KeyValueResult } from '../src/query/query-results.js';
import { queryErrorCode } from './errors.js';

type Answer = KeyValueResult | null | Error;

/**
 * One loader per store per request (dataloader's "new DataLoader per request"): keys asked by
 * `keyValue` and `keyValues` anywhere in the request are grouped by owning instance, one local
 * batch plus one forwarded request per remote owner, answered in key order. A key that fails
 * (bad key, moving partition, unreachable owner) is an Error in its own slot only. A forwarded
 * request (`localOnly`) reads everything locally and never forwards again. With `allowStale`,
 * keys whose owner is rebalancing or unreachable are asked again of an instance holding a
 * standby of their partition (one request per standby), and come back flagged `stale`.
 */
export function keyValueLoader(router: QueryRouter, store: string, localOnly: boolean, allowStale: boolean): DataLoader<string, KeyValueResult | null> {
  return new DataLoader<string, KeyValueResult | null>(async (keys) => {
    if (localOnly) return router.getLocal(store, keys, allowStale);
    const owners = router.ownersOf(store, keys);
    const ownerOf = (_key: string, index: number): string => {
      const owner = owners[index]!;
      if (owner instanceof Error) throw owner;
      return owner.endpoint;
    };
    const found = await readGrouped(keys, ownerOf, (owner, ks) => router.getMany(owner, store, ks));
    if (allowStale) {
      const retry = keys.filter((k) => isMoving(found.get(k)));
      const standby = (k: string): string => {
        const host = router.standbysOf(store, k)[0];
        if (host === undefined) throw found.get(k) as Error;
        return host;
      };
      const stale = await readGrouped(retry, standby, (host, ks) => router.getMany(host, store, ks, true));
      // Where no standby answers either, the owner's error stays: it says why the fresh read failed.
      for (const [k, v] of stale) if (!(v instanceof Error)) found.set(k, v);
    }
    return keys.map((k) => found.get(k) ?? null);
  }, { maxBatchSize: router.limits.maxKeys });
}

/** Reads `keys` grouped by `groupOf` (one `read` per group); a failing group or key is an Error per key. */
async function readGrouped(keys: readonly string[], groupOf: (key: string, index: number) => string, read: (group: string, keys: string[]) => Promise<Answer[]>): Promise<Map<string, Answer>> {
  const found = new Map<string, Answer>();
  const groups = new Map<string, string[]>();
  for (const [index, key] of keys.entries()) {
    try {
      const group = groupOf(key, index);
      let list = groups.get(group);
      if (list === undefined) groups.set(group, (list = []));
      list.push(key);
    } catch (e) {
      found.set(key, asError(e));
    }
  }
  await Promise.all([...groups].map(async ([group, groupKeys]) => {
    try {
      const values = await read(group, groupKeys);
      groupKeys.forEach((k, i) => found.set(k, values[i] ?? null));
    } catch (e) {
      for (const k of groupKeys) found.set(k, asError(e));   // one owner down ≠ whole query down
    }
  }));
  return found;
}

function isMoving(answer: Answer | undefined): boolean {
  if (!(answer instanceof Error)) return false;
  const code = queryErrorCode(answer);
  return code === 'REBALANCING' || code === 'OWNER_UNREACHABLE';
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
