import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, ServedCluster } from './servers.js';

const KEYS = Array.from({ length: 60 }, (_, i) => `k${i}`);
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }): unknown => r.errors?.[0]?.extensions?.['code'];

describe('error codes', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6, { limits: { maxKeys: 50, maxPageSize: 200, maxDepth: 5, maxFields: 40 }, maxBodyBytes: 4096 });
    for (const k of KEYS) await c.cluster.put('address', k, k.toUpperCase());
  });
  afterAll(async () => c?.close());

  it('UNKNOWN_STORE and WRONG_STORE_TYPE', async () => {
    expect(codeOf(await gql(c.url(0), '{ keyValue(store: "nope", key: "a") { key } }'))).toBe('UNKNOWN_STORE');
    expect(codeOf(await gql(c.url(0), '{ range(store: "nope") { pageInfo { hasNextPage } } }'))).toBe('UNKNOWN_STORE');
    expect(codeOf(await gql(c.url(0), '{ keyValue(store: "clicks", key: "a") { key } }'))).toBe('WRONG_STORE_TYPE');
    expect(codeOf(await gql(c.url(0), '{ windowed(store: "address", key: "a", from: 0, to: 1) { key } }'))).toBe('WRONG_STORE_TYPE');
    expect(codeOf(await gql(c.url(0), '{ sessions(store: "clicks", key: "a") { key } }'))).toBe('WRONG_STORE_TYPE');
  });

  it('BAD_KEY for a key the key serde cannot take, and for a forged cursor', async () => {
    expect(codeOf(await gql(c.url(0), '{ keyValue(store: "counts", key: "not a number") { key } }'))).toBe('BAD_KEY');
    expect(codeOf(await gql(c.url(0), '{ keyMetadata(store: "counts", key: "1.5e999") { partition } }'))).toBe('BAD_KEY');
    expect(codeOf(await gql(c.url(0), '{ range(store: "address", after: "!!not-ours") { pageInfo { hasNextPage } } }'))).toBe('BAD_KEY');
  });

  it('LIMIT_EXCEEDED for too many keys, too large pages and too deep queries', async () => {
    const keys = Array.from({ length: 51 }, (_, i) => `x${i}`);
    expect(codeOf(await gql(c.url(0), 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key } }', { k: keys }))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(await gql(c.url(0), '{ range(store: "address", first: 201) { pageInfo { hasNextPage } } }'))).toBe('LIMIT_EXCEEDED');
    expect(codeOf(await gql(c.url(0), '{ windowedRange(store: "clicks", from: 0, to: 1, first: -1) { pageInfo { hasNextPage } } }'))).toBe('LIMIT_EXCEEDED');
    const deep = await gql(c.url(0), '{ range(store: "address") { edges { node { key } } } a: range(store: "address") { ...E } } fragment E on KeyValueConnection { edges { node { key } } }');
    expect(deep.errors).toBeUndefined();
    const tooDeep = await gql(c.url(0), '{ __schema { types { fields { type { ofType { name } } } } } }');
    expect(tooDeep.status).toBe(400);
    expect(codeOf(tooDeep)).toBe('LIMIT_EXCEEDED');
  });

  it('LIMIT_EXCEEDED for too many fields (aliased fan-out, fragments expanded), checked before anything runs', async () => {
    const aliased = (n: number): string => Array.from({ length: n }, (_, i) => `a${i}: keyValue(store: "address", key: "k${i}") { key }`).join(' ');
    // 20 aliases x 2 fields = 40 fields: at the limit, answered.
    const atLimit = await gql(c.url(0), `{ ${aliased(20)} }`);
    expect(atLimit.errors).toBeUndefined();
    // 21 x 2 = 42: rejected as a whole.
    const over = await gql(c.url(0), `{ ${aliased(21)} }`);
    expect(over.status).toBe(400);
    expect(codeOf(over)).toBe('LIMIT_EXCEEDED');
    expect(over.data).toBeUndefined();
    // The same width through a fragment spread twice counts every expansion.
    const viaFragments = await gql(c.url(0), `{ ...F x: keyValue(store: "address", key: "k1") { ...G } } fragment F on Query { ${aliased(10)} } fragment G on KeyValue { key value servedBy stale offsetLag }`);
    expect(viaFragments.errors).toBeUndefined();
    const twice = await gql(c.url(0), `{ ...F b: keyValue(store: "address", key: "k1") { ...H } } fragment F on Query { ${aliased(18)} } fragment H on KeyValue { key value servedBy key2: key key3: key }`);
    expect(codeOf(twice)).toBe('LIMIT_EXCEEDED');
  });

  it('REBALANCING (with a retry hint) while no instance holds the key\'s partition, or its owner is restoring it', async () => {
    const key = 'k7';
    const p = c.cluster.partitionOf('address', key);
    const asker = (c.cluster.activeIndex(p) + 1) % 3;
    c.cluster.unassigned.add(p);
    try {
      const r = await gql(c.url(asker), `{ keyValue(store: "address", key: "${key}") { key } }`);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'REBALANCING', retryAfterMs: expect.any(Number) });
      const range = await gql(c.url(asker), '{ range(store: "address") { pageInfo { hasNextPage } } }');
      expect(codeOf(range)).toBe('REBALANCING');
    } finally {
      c.cluster.unassigned.delete(p);
    }
    const owner = c.cluster.owner('address', key);
    owner.partition('address', p).state = 'RESTORING';
    try {
      // Forwarded to the owner, which refuses to answer from a restoring store: never a stale value.
      const r = await gql(c.url(asker), `{ keyValue(store: "address", key: "${key}") { key } }`);
      expect(codeOf(r)).toBe('REBALANCING');
      const local = await gql(c.url(owner.index), `{ keyValue(store: "address", key: "${key}") { key } }`);
      expect(codeOf(local)).toBe('REBALANCING');
    } finally {
      owner.partition('address', p).state = 'RUNNING';
    }
    expect((await gql(c.url(asker), `{ keyValue(store: "address", key: "${key}") { value } }`)).data).toEqual({ keyValue: { value: 'K7' } });
  });

  it('a forwarded request is answered locally only: a key that is not here is REBALANCING, not forwarded again', async () => {
    const key = KEYS.find((k) => c.cluster.owner('address', k).index !== 0)!;
    const before = await c.forwarded(0);
    const r = await gql(c.url(0), `{ keyValue(store: "address", key: "${key}") { key } }`, {}, { 'x-kstreams-forwarded': '1' });
    expect(codeOf(r)).toBe('REBALANCING');
    expect(await c.forwarded(0)).toBe(before);
  });

  it('400 for malformed JSON and oversized bodies', async () => {
    const bad = await fetch(c.url(0), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const big = await fetch(c.url(0), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ stores { name } } #${'x'.repeat(5000)}` }) });
    expect(big.status).toBe(400);
    expect(((await big.json()) as { errors: unknown[] }).errors).toHaveLength(1);
  });

  it('the direct route (JSON POST accepting JSON) and Apollo\'s HTTP route give the same answers; Apollo\'s HTTP rules still hold', async () => {
    const post = (body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
      fetch(c.url(0), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const query = { query: 'query($k: String!) { keyValue(store: "address", key: $k) { key value } }', variables: { k: 'k3' } };
    const direct = await post(query, { accept: 'application/json' });
    const viaHttpLayer = await post(query, { accept: 'application/graphql-response+json' });
    expect(direct.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(viaHttpLayer.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    const [a, b] = [await direct.text(), await viaHttpLayer.text()];
    expect(a).toBe(b);
    expect(JSON.parse(a)).toEqual({ data: { keyValue: { key: 'k3', value: 'K3' } } });
    // Status codes of the pipeline: a parse error and a validation error are 400 on the direct route too.
    const unparsable = await post({ query: '{ keyValue(' });
    expect(unparsable.status).toBe(400);
    expect(codeOf((await unparsable.json()) as never)).toBe('GRAPHQL_PARSE_FAILED');
    const invalid = await post({ query: '{ noSuchField }' });
    expect(invalid.status).toBe(400);
    expect(codeOf((await invalid.json()) as never)).toBe('GRAPHQL_VALIDATION_FAILED');
    // Bodies of the wrong shape are left to Apollo's HTTP layer, which rejects them.
    const stringVariables = await post({ query: query.query, variables: JSON.stringify(query.variables) });
    expect(stringVariables.status).toBe(400);
    expect(await stringVariables.text()).toContain('should be provided as an object');
    const notAccepted = await post(query, { accept: 'text/html' });
    expect(notAccepted.status).toBe(406);
    // Errors are counted by code on both routes.
    const unknownStores = async (): Promise<number> => Number((await (await fetch(c.url(0).replace('/graphql', '/metrics'))).text()).match(/kstreams_query_errors_total\{code="UNKNOWN_STORE"\} (\d+)/)?.[1] ?? 0);
    const before = await unknownStores();
    const unknown = { query: '{ keyValue(store: "nope", key: "a") { key } }' };
    await post(unknown);
    await post(unknown, { accept: 'application/graphql-response+json' });
    expect((await unknownStores()) - before).toBe(2);
  });

  it('health, readiness and metrics', async () => {
    const health = await fetch(c.url(0).replace('/graphql', '/healthz'));
    expect(await health.json()).toEqual({ status: 'ok', state: 'RUNNING' });
    expect((await fetch(c.url(1).replace('/graphql', '/readyz'))).status).toBe(200);
    c.cluster.hosts[1]!.partition('address', 1).state = 'RESTORING';
    try {
      const notReady = await fetch(c.url(1).replace('/graphql', '/readyz'));
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ready: false, restoring: ['address-1'] });
    } finally {
      c.cluster.hosts[1]!.partition('address', 1).state = 'RUNNING';
    }
    const metrics = await (await fetch(c.url(0).replace('/graphql', '/metrics'))).text();
    expect(metrics).toMatch(/kstreams_query_requests_total\{forwarded="false"\} \d+/);
    expect(metrics).toMatch(/kstreams_query_errors_total\{code="UNKNOWN_STORE"\} [1-9]/);
    expect(metrics).toContain('kstreams_query_request_duration_seconds_bucket');
  });
});

describe('an unreachable owner', () => {
  it('OWNER_UNREACHABLE for its keys only; the other owners\' keys still answer', async () => {
    const c = await ServedCluster.start(3, 6, { forwardTimeoutMs: 2_000 });
    try {
      for (const k of KEYS) await c.cluster.put('address', k, k);
      await c.servers[2]!.close();
      const r = await gql(c.url(0), 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key servedBy } }', { k: KEYS });
      const list = r.data!['keyValues'] as Array<{ key: string } | null>;
      const errorsByIndex = new Map((r.errors ?? []).map((e) => [e.path![1] as number, e.extensions?.['code']]));
      KEYS.forEach((k, i) => {
        if (c.cluster.owner('address', k).index === 2) {
          expect(list[i]).toBeNull();
          expect(errorsByIndex.get(i)).toBe('OWNER_UNREACHABLE');
        } else {
          expect(list[i]).toMatchObject({ key: k });
        }
      });
      expect(errorsByIndex.size).toBeGreaterThan(0);
      const single = KEYS.find((k) => c.cluster.owner('address', k).index === 2)!;
      expect(codeOf(await gql(c.url(1), `{ keyValue(store: "address", key: "${single}") { key } }`))).toBe('OWNER_UNREACHABLE');
    } finally {
      await c.close();
    }
  });
});

describe('shared secret', () => {
  it('is required on every request and sent on forwarded ones', async () => {
    const c = await ServedCluster.start(2, 4, { authToken: 's3cret' });
    try {
      for (const k of KEYS) await c.cluster.put('address', k, k);
      const denied = await fetch(c.url(0), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ stores { name } }' }) });
      expect(denied.status).toBe(401);
      const wrong = await gql(c.url(0), '{ stores { name } }', {}, { authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      const r = await gql(c.url(0), 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key servedBy } }', { k: KEYS }, { authorization: 'Bearer s3cret' });
      expect(r.errors).toBeUndefined();
      expect((r.data!['keyValues'] as Array<{ servedBy: string }>).some((kv) => kv.servedBy === c.endpoint(1))).toBe(true);
    } finally {
      await c.close();
    }
  });
});
