import type { QueryRouter } from '../src/query/query-router.js';
import type { KeyValueResult } from '../src/query/query-results.js';
import { queryErrorCode, REBALANCING_RETRY_AFTER_MS } from './errors.js';
import { FORWARDED_HEADER, FORWARDED_KEY_VALUES } from './forwarding.js';
import type { FastPath } from './graphql-endpoint.js';
import type { QueryMetrics } from './metrics.js';

interface FormattedError { message: string; locations: Array<{ line: number; column: number }>; path: Array<string | number>; extensions: Record<string, unknown> }

/** Marks answers of the fast path (for tests and debugging). */
export const FAST_PATH_HEADER = 'x-kstreams-fast-path';

/** Where the `keyValues` field is in the query text (errors name it, as graphql-js does). */
const FIELD_LOCATION = { line: 1, column: FORWARDED_KEY_VALUES.indexOf('keyValues(') + 1 };

/**
 * The fast path of a forwarded key batch on `POST /graphql`: a request marked forwarded whose
 * query is exactly {@link FORWARDED_KEY_VALUES} is answered from the local stores straight away,
 * with the JSON the GraphQL pipeline would give (same fields, per-key errors with their path and
 * code), skipping parse, validation and execution. Anything else goes on to Apollo.
 */
export function forwardedKeyValues(router: QueryRouter, metrics: QueryMetrics): FastPath {
  return (req, raw) => {
    const body = raw as { query?: unknown; variables?: Record<string, unknown> } | null;
    if (req.headers[FORWARDED_HEADER] !== '1' || body?.query !== FORWARDED_KEY_VALUES) return undefined;
    const { store, keys, allowStale } = body.variables ?? {};
    const keyList = Array.isArray(keys) && keys.every((k) => typeof k === 'string') ? (keys as string[]) : undefined;
    // Ill-typed variables: Apollo answers them with its usual validation errors.
    if (typeof store !== 'string' || keyList === undefined || !(allowStale === undefined || allowStale === null || typeof allowStale === 'boolean')) return undefined;
    const done = metrics.track(true);
    const errors: FormattedError[] = [];
    const fail = (e: unknown, path: Array<string | number>): null => {
      errors.push(formatted(e, path));
      return null;
    };
    let answer: Promise<Record<string, unknown> | null>;
    try {
      router.checkKeyCount(keyList.length);
      answer = router.getLocal(store, keyList, allowStale === true).then(
        (list) => ({ keyValues: list.map((kv, i) => (kv instanceof Error ? fail(kv, ['keyValues', i]) : kv === null ? null : item(kv))) }),
        // As the request's DataLoader does: a failed batch is that error in every key's slot.
        (e: unknown) => ({ keyValues: keyList.map((_, i) => fail(e, ['keyValues', i])) }),
      );
    } catch (e) {
      answer = Promise.resolve(fail(e, ['keyValues']));   // non-null list field: the whole data is null, as in GraphQL
    }
    return answer.then((data) => {
      done(errors);
      return { json: JSON.stringify(errors.length === 0 ? { data } : { errors, data }), headers: { [FAST_PATH_HEADER]: '1' } };
    });
  };
}

function item(kv: KeyValueResult): Record<string, unknown> {
  return { key: kv.key, value: kv.value, partition: kv.partition, servedBy: kv.servedBy, stale: kv.stale ?? false, offsetLag: kv.offsetLag ?? null };
}

function formatted(e: unknown, path: Array<string | number>): FormattedError {
  const code = queryErrorCode(e);
  const extensions: Record<string, unknown> = { code: code ?? 'INTERNAL_SERVER_ERROR' };
  if (code === 'REBALANCING') extensions['retryAfterMs'] = REBALANCING_RETRY_AFTER_MS;
  return { message: e instanceof Error ? e.message : String(e), locations: [FIELD_LOCATION], path, extensions };
}
