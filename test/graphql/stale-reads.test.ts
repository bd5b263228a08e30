import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, ServedCluster } from './servers.js';

const KEYS = Array.from({ length: 60 }, (_, i) => `k${i}`);
const Q = 'query($k: [String!]!, $s: Boolean) { keyValues(store: "address", keys: $k, allowStale: $s) { key value servedBy stale } }';

describe('stale reads (allowStale) from standby copies', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6, { standbys: true, forwardTimeoutMs: 2_000 });
    for (const k of KEYS) await c.cluster.put('address', k, k.toUpperCase());
  });
  afterAll(async () => c?.close());

  /** The instance holding the standby of `key`'s partition (see FakeCluster). */
  const standbyOf = (key: string): number => (c.cluster.partitionOf('address', key) + 1) % 3;

  it('fresh answers are not stale', async () => {
    const r = await gql(c.url(0), Q, { k: KEYS, s: true });
    expect(r.errors).toBeUndefined();
    for (const kv of r.data!['keyValues'] as Array<{ stale: boolean; servedBy: string; key: string }>) {
      expect(kv).toMatchObject({ stale: false, servedBy: c.cluster.owner('address', kv.key).endpoint });
    }
  });

  it('a restoring owner: REBALANCING, or with allowStale the standby\'s answer flagged stale', async () => {
    const key = KEYS.find((k) => c.cluster.owner('address', k).index === 1 && standbyOf(k) !== 0)!;
    const p = c.cluster.partitionOf('address', key);
    c.cluster.hosts[1]!.partition('address', p).state = 'RESTORING';
    try {
      const strict = await gql(c.url(0), Q, { k: [key], s: false });
      expect(strict.errors?.[0]?.extensions?.['code']).toBe('REBALANCING');
      const stale = await gql(c.url(0), Q, { k: [key], s: true });
      expect(stale.errors).toBeUndefined();
      expect(stale.data!['keyValues']).toEqual([{ key, value: key.toUpperCase(), servedBy: c.endpoint(standbyOf(key)), stale: true }]);
    } finally {
      c.cluster.hosts[1]!.partition('address', p).state = 'RUNNING';
    }
  });

  it('an unreachable owner: OWNER_UNREACHABLE, or with allowStale the standbys answer its keys', async () => {
    await c.servers[2]!.close();
    const r = await gql(c.url(0), Q, { k: KEYS, s: false });
    const codes = new Set((r.errors ?? []).map((e) => e.extensions?.['code']));
    expect(codes).toEqual(new Set(['OWNER_UNREACHABLE']));
    const s = await gql(c.url(0), Q, { k: KEYS, s: true });
    const list = s.data!['keyValues'] as Array<{ key: string; value: string; servedBy: string; stale: boolean } | null>;
    KEYS.forEach((key, i) => {
      const owner = c.cluster.owner('address', key).index;
      if (owner !== 2) {
        expect(list[i]).toMatchObject({ value: key.toUpperCase(), stale: false });
      } else {
        // The standby of a partition of instance 2 is instance 0 (p % 3 === 2 → (p + 1) % 3 === 0): read locally.
        expect(list[i]).toEqual({ key, value: key.toUpperCase(), servedBy: c.endpoint(standbyOf(key)), stale: true });
      }
    });
    expect(s.errors).toBeUndefined();
  });
});
