import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareBytes } from '../../src/state/byte-order.js';
import { HttpForwarder } from '../../graphql/http-forwarder.js';
import type { KeyValueResult } from '../../src/query/query-results.js';
import { QueryRouter } from '../../src/query/query-router.js';
import { gql, ServedCluster } from './servers.js';

const KEYS = Array.from({ length: 300 }, (_, i) => `key-${i}`);
const byBytes = (a: string, b: string): number => compareBytes(Buffer.from(a), Buffer.from(b));

describe('query server over three instances', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6);
    for (const [i, k] of KEYS.entries()) await c.cluster.put('address', k, { n: i }, 1_000 + i);
  });
  afterAll(async () => c?.close());

  it('answers every key through every instance, served by the owner keyMetadata names', async () => {
    for (let i = 0; i < 3; i++) {
      for (const key of KEYS.slice(0, 40)) {
        const r = await gql(c.url(i), 'query($k: String!) { keyMetadata(store: "address", key: $k) { activeHost partition } keyValue(store: "address", key: $k) { key value partition servedBy } }', { k: key });
        expect(r.errors).toBeUndefined();
        const meta = r.data!['keyMetadata'] as { activeHost: string; partition: number };
        const kv = r.data!['keyValue'] as { key: string; value: unknown; partition: number; servedBy: string };
        expect(kv).toEqual({ key, value: { n: KEYS.indexOf(key) }, partition: meta.partition, servedBy: meta.activeHost });
        expect(meta.activeHost).toBe(c.cluster.owner('address', key).endpoint);
      }
    }
  });

  it('returns null for an absent key', async () => {
    const r = await gql(c.url(0), '{ keyValue(store: "address", key: "nobody") { key } }');
    expect(r.data).toEqual({ keyValue: null });
  });

  it('batches keyValues: one forwarded request per remote owner, answers in key order', async () => {
    const keys = [...KEYS].reverse().concat(['missing']);
    const [before, before0, before2] = [await c.forwarded(1), await c.forwarded(0), await c.forwarded(2)];
    const r = await gql(c.url(1), 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key value servedBy } }', { k: keys });
    expect(r.errors).toBeUndefined();
    const list = r.data!['keyValues'] as Array<{ key: string; value: { n: number }; servedBy: string } | null>;
    expect(list.map((kv) => kv?.key ?? null)).toEqual([...[...KEYS].reverse(), null]);
    for (const kv of list.slice(0, -1)) expect(kv!.servedBy).toBe(c.cluster.owner('address', kv!.key).endpoint);
    expect((await c.forwarded(1)) - before).toBe(2);
    // Forwarded requests never forward again.
    expect(await c.forwarded(0)).toBe(before0);
    expect(await c.forwarded(2)).toBe(before2);
  });

  it('key batches asked of an owner in the same turn travel as one forwarded request, each caller getting exactly its own answers', async () => {
    const sent: string[] = [];
    const forwarder = new HttpForwarder({ onForward: (endpoint) => sent.push(endpoint) });
    const router = new QueryRouter(c.cluster.hosts[0]!, forwarder);
    try {
      const owner = c.cluster.hosts[1]!.endpoint!;
      const remote = KEYS.filter((k) => c.cluster.owner('address', k).index === 1).slice(0, 30);
      const absent = Array.from({ length: 50 }, (_, j) => `absent-${j}`).find((k) => c.cluster.owner('address', k).index === 1)!;
      // What 30 concurrent queries' loaders ask in one turn: each its own key, one also a key the owner does not have.
      const answers = await Promise.all(remote.map((k, i) => router.getMany(owner, 'address', i === 0 ? [k, absent] : [k])));
      expect(sent).toEqual([owner]);
      answers.forEach((list, i) => {
        const kv = list[0] as KeyValueResult;
        expect({ key: kv.key, value: kv.value, servedBy: kv.servedBy }).toEqual({ key: remote[i], value: { n: KEYS.indexOf(remote[i]!) }, servedBy: owner });
        expect(list).toHaveLength(i === 0 ? 2 : 1);
      });
      expect(answers[0]![1]).toBeNull();
    } finally {
      forwarder.close();
    }
  });

  it('batches keyValue fields of one request through the same loader', async () => {
    const keys = KEYS.slice(0, 30);
    const before = await c.forwarded(2);
    const fields = keys.map((k, i) => `k${i}: keyValue(store: "address", key: "${k}") { key }`).join('\n');
    const r = await gql(c.url(2), `{ ${fields} }`);
    expect(Object.values(r.data!).map((v) => (v as { key: string }).key)).toEqual(keys);
    expect((await c.forwarded(2)) - before).toBe(2);
  });

  it('pages a range over all keys from one instance: every key once, in key byte order', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r = await gql(c.url(0), 'query($after: String) { range(store: "address", first: 70, after: $after) { edges { cursor node { key servedBy partition } } pageInfo { hasNextPage endCursor } } }', { after });
      expect(r.errors).toBeUndefined();
      const conn = r.data!['range'] as { edges: Array<{ node: { key: string; servedBy: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
      pages += 1;
      for (const e of conn.edges) {
        seen.push(e.node.key);
        expect(e.node.servedBy).toBe(c.cluster.owner('address', e.node.key).endpoint);
      }
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(pages).toBe(5);
    expect(seen).toEqual([...KEYS].sort(byBytes));
  });

  it('bounds a range by from/to', async () => {
    const r = await gql(c.url(1), '{ range(store: "address", from: "key-10", to: "key-12", first: 100) { edges { node { key } } pageInfo { hasNextPage } } }');
    const keys = (r.data!['range'] as { edges: Array<{ node: { key: string } }> }).edges.map((e) => e.node.key);
    expect(keys).toEqual(KEYS.filter((k) => byBytes(k, 'key-10') >= 0 && byBytes(k, 'key-12') <= 0).sort(byBytes));
  });

  it('lists stores and instances with their partitions and states', async () => {
    const r = await gql(c.url(0), '{ stores { name type partitions } instances { endpoint state active { topic partition } } }');
    expect(r.data!['stores']).toEqual([
      { name: 'address', type: 'KEY_VALUE', partitions: 6 }, { name: 'counts', type: 'KEY_VALUE', partitions: 6 },
      { name: 'clicks', type: 'WINDOW', partitions: 6 }, { name: 'visits', type: 'SESSION', partitions: 6 },
    ]);
    const instances = r.data!['instances'] as Array<{ endpoint: string; state: string; active: Array<{ topic: string; partition: number }> }>;
    expect(instances.map((h) => h.endpoint)).toEqual([0, 1, 2].map((i) => c.endpoint(i)));
    expect(instances.map((h) => h.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect(instances[1]!.active.filter((t) => t.topic === 'address').map((t) => t.partition)).toEqual([1, 4]);
  });

  it('reads Integer keys given as text', async () => {
    await c.cluster.put('counts', 42, 7);
    const r = await gql(c.url(0), '{ keyValue(store: "counts", key: "42") { key value servedBy } }');
    expect(r.data!['keyValue']).toEqual({ key: '42', value: 7, servedBy: c.cluster.owner('counts', 42).endpoint });
  });
});

describe('windows and sessions through the server', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6);
    for (let k = 0; k < 20; k++) for (const t of [1_000, 2_000, 3_000]) await c.cluster.put('clicks', `user-${k}`, k * 10 + t / 1000, t);
    await c.cluster.putSession('u1', 100, 200, 'a');
    await c.cluster.putSession('u1', 500, 900, 'b');
  });
  afterAll(async () => c?.close());

  it('windowed reads a key\'s windows at its owner', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await gql(c.url(i), '{ windowed(store: "clicks", key: "user-3", from: "1970-01-01T00:00:01.500Z", to: 3000) { key start end value servedBy } }');
      expect(r.errors).toBeUndefined();
      const owner = c.cluster.owner('clicks', 'user-3').endpoint;
      expect(r.data!['windowed']).toEqual([
        { key: 'user-3', start: '1970-01-01T00:00:02.000Z', end: '1970-01-01T00:00:03.000Z', value: 32, servedBy: owner },
        { key: 'user-3', start: '1970-01-01T00:00:03.000Z', end: '1970-01-01T00:00:04.000Z', value: 33, servedBy: owner },
      ]);
    }
  });

  it('windowedRange pages every key\'s windows by key then start across owners', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql(c.url(2), 'query($after: String) { windowedRange(store: "clicks", from: 0, to: 2000, first: 7, after: $after) { edges { node { key start value } } pageInfo { hasNextPage endCursor } } }', { after });
      expect(r.errors).toBeUndefined();
      const conn = r.data!['windowedRange'] as { edges: Array<{ node: { key: string; start: string; value: number } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
      for (const e of conn.edges) seen.push(`${e.node.key}@${Date.parse(e.node.start)}=${e.node.value}`);
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    const expected = Array.from({ length: 20 }, (_, k) => `user-${k}`).sort(byBytes).flatMap((key) => {
      const k = Number(key.slice(5));
      return [`${key}@1000=${k * 10 + 1}`, `${key}@2000=${k * 10 + 2}`];
    });
    expect(seen).toEqual(expected);
  });

  it('sessions reads a key\'s sessions at its owner', async () => {
    const r = await gql(c.url(0), '{ sessions(store: "visits", key: "u1") { start end value servedBy } }');
    const owner = c.cluster.owner('visits', 'u1').endpoint;
    expect(r.data!['sessions']).toEqual([
      { start: new Date(100).toISOString(), end: new Date(200).toISOString(), value: 'a', servedBy: owner },
      { start: new Date(500).toISOString(), end: new Date(900).toISOString(), value: 'b', servedBy: owner },
    ]);
  });
});
