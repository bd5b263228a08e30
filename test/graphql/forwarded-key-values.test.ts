import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_PATH_HEADER } from '../../graphql/forwarded-key-values.js';
import { FORWARDED_HEADER, FORWARDED_KEY_VALUES } from '../../graphql/forwarding.js';
import { gql, ServedCluster } from './servers.js';

describe('forwarded keyValues fast path', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(2, 6);
    for (let i = 0; i < 40; i++) await c.cluster.put('address', `k${i}`, { street: `${i} Main St` });
  });
  afterAll(async () => c?.close());

  const forwarded = { [FORWARDED_HEADER]: '1' };
  // The same query with one more space is not recognised: Apollo's full pipeline answers it.
  const throughApollo = `${FORWARDED_KEY_VALUES} `;

  it('answers exactly as the GraphQL pipeline: values, missing keys, per-key REBALANCING for partitions held elsewhere', async () => {
    const keys = [...Array.from({ length: 40 }, (_, i) => `k${i}`), 'missing'];
    const owners = new Set(keys.slice(0, 40).map((k) => c.cluster.owner('address', k).index));
    expect(owners).toEqual(new Set([0, 1]));
    const variables = { store: 'address', keys, allowStale: false };
    const fast = await gql(c.url(0), FORWARDED_KEY_VALUES, variables, forwarded);
    const slow = await gql(c.url(0), throughApollo, variables, forwarded);
    expect(fast.errors?.length).toBe(keys.filter((k) => k !== 'missing' && c.cluster.owner('address', k).index === 1).length);
    expect(fast.errors!.every((e) => e.extensions?.['code'] === 'REBALANCING')).toBe(true);
    expect(fast).toEqual(slow);
    const served = (fast.data!['keyValues'] as Array<{ key: string; value: unknown } | null>).filter((kv) => kv !== null);
    expect(served.map((kv) => kv.key)).toEqual(keys.filter((k) => k !== 'missing' && c.cluster.owner('address', k).index === 0));
    for (const kv of served) expect(kv.value).toEqual({ street: `${kv.key.slice(1)} Main St` });
  });

  it('an unknown store fails every key, as the GraphQL pipeline does', async () => {
    const variables = { store: 'nope', keys: ['a', 'b'] };
    const fast = await gql(c.url(0), FORWARDED_KEY_VALUES, variables, forwarded);
    expect(fast.errors?.map((e) => e.extensions?.['code'])).toEqual(['UNKNOWN_STORE', 'UNKNOWN_STORE']);
    expect(fast).toEqual(await gql(c.url(0), throughApollo, variables, forwarded));
  });

  it('too many keys fail the whole field with LIMIT_EXCEEDED, as the GraphQL pipeline does', async () => {
    const variables = { store: 'address', keys: Array.from({ length: 10_001 }, (_, i) => `k${i}`) };
    const fast = await gql(c.url(0), FORWARDED_KEY_VALUES, variables, forwarded);
    expect(fast.errors?.[0]?.extensions?.['code']).toBe('LIMIT_EXCEEDED');
    expect(fast).toEqual(await gql(c.url(0), throughApollo, variables, forwarded));
  });

  it('only the exact forwarded query is answered by the fast path', async () => {
    const answeredBy = async (query: string, headers: Record<string, string>): Promise<string | null> => {
      const res = await fetch(c.url(0), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables: { store: 'address', keys: ['k1'] } }) });
      await res.json();
      return res.headers.get(FAST_PATH_HEADER);
    };
    expect(await answeredBy(FORWARDED_KEY_VALUES, forwarded)).toBe('1');
    expect(await answeredBy(throughApollo, forwarded)).toBeNull();
    expect(await answeredBy(FORWARDED_KEY_VALUES, {})).toBeNull();
  });

  it('ill-typed variables and unforwarded requests go through Apollo', async () => {
    const bad = await gql(c.url(0), FORWARDED_KEY_VALUES, { store: 'address', keys: 5 }, forwarded);
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
    const plain = await gql(c.url(0), FORWARDED_KEY_VALUES, { store: 'address', keys: ['k1', 'k2'] });
    expect(plain.errors).toBeUndefined();   // not forwarded: the owner of each key answers
    expect((plain.data!['keyValues'] as unknown[]).length).toBe(2);
  });
});
