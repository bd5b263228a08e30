import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typedStoresSdl } from '../../graphql/typed-stores.js';
import { gql, ServedCluster } from './servers.js';

const typedStores = {
  typeDefs: 'type Address { street: String! city: String }',
  fields: { address: { store: 'address', type: 'Address' }, missingStore: { store: 'nope', type: 'Address' } },
};

describe('typed per-store fields: address(key) { street city }', () => {
  let c: ServedCluster;
  const keys = Array.from({ length: 30 }, (_, i) => `user-${i}`);
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6, { typedStores });
    for (const [i, k] of keys.entries()) await c.cluster.put('address', k, { street: `${i} Main St`, city: i % 2 === 0 ? 'Springfield' : null, zip: '00000' });
  });
  afterAll(async () => c?.close());

  it('reads any key through any instance as the registered type, one forwarded request per remote owner', async () => {
    expect(new Set(keys.map((k) => c.cluster.owner('address', k).index))).toEqual(new Set([0, 1, 2]));
    const fields = keys.map((k, i) => `a${i}: address(key: "${k}") { street city }`).join('\n');
    const before = await c.forwarded(1);
    const r = await gql(c.url(1), `{ ${fields} }`);
    expect(r.errors).toBeUndefined();
    expect(Object.values(r.data!)).toEqual(keys.map((_, i) => ({ street: `${i} Main St`, city: i % 2 === 0 ? 'Springfield' : null })));
    expect((await c.forwarded(1)) - before).toBe(2);
  });

  it('null for an absent key; fields the type does not declare are a validation error', async () => {
    expect((await gql(c.url(0), '{ address(key: "nobody") { street } }')).data).toEqual({ address: null });
    const bad = await gql(c.url(0), '{ address(key: "user-1") { zip } }');
    expect(bad.status).toBe(400);
    expect(bad.errors?.[0]?.extensions?.['code']).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('errors keep their codes: UNKNOWN_STORE for a field over a store that does not exist', async () => {
    const r = await gql(c.url(0), '{ missingStore(key: "a") { street } }');
    expect(r.errors?.[0]?.extensions?.['code']).toBe('UNKNOWN_STORE');
  });

  it('the generic fields still answer the same values', async () => {
    const r = await gql(c.url(2), '{ keyValue(store: "address", key: "user-3") { value } address(key: "user-3") { street } }');
    expect(r.data).toEqual({ keyValue: { value: { street: '3 Main St', city: null, zip: '00000' } }, address: { street: '3 Main St' } });
  });

  it('refuses names that are not GraphQL names, and a field that clashes with a built-in one', async () => {
    expect(() => typedStoresSdl({ typeDefs: '', fields: { 'bad-name': { store: 'address', type: 'Address' } } })).toThrow(/not a GraphQL field name/);
    await expect(ServedCluster.start(1, 1, { typedStores: { typeDefs: 'type A { x: Int }', fields: { stores: { store: 'address', type: 'A' } } } })).rejects.toThrow(/stores/);
  });
});
