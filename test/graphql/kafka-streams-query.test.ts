import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryServer } from '../../graphql/server.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { gql } from './servers.js';
import { startServedInstances, stopServedInstances } from './served-instances.js';

const KEYS = Array.from({ length: 200 }, (_, i) => `user-${i}`);

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('KafkaStreams instances on the embedded backend, queried over GraphQL', () => {
  const cluster = new EmbeddedCluster();
  const instances: KafkaStreams[] = [];
  const servers: QueryServer[] = [];
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-query-'));
    await cluster.start([{ name: 'address', partitions: 6 }]);
    // Last value per key: each key written twice, the second value wins.
    await cluster.produce('address', KEYS.map((k) => ({ key: k, value: `old-${k}` })));
    await cluster.produce('address', KEYS.map((k) => ({ key: k, value: `street-${k}` })));
    await startServedInstances({ instances, servers }, cluster, stateDir, 2, 'query-app', () => {
      const builder = new StreamsBuilder();
      builder.table<string, string>('address', Materialized.as<string, string>('address'));
      return builder.build();
    });
  }, 60_000);

  afterAll(async () => {
    await stopServedInstances({ instances, servers });
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('every key through every instance: the last value, served by the owner keyMetadata names', async () => {
    // Wait for a stable group: both instances RUNNING with the whole map of 6 partitions.
    await waitFor(async () => (instances.every((s) => s.state() === 'RUNNING' && s.metadataForAllStreamsClients().length === 2) ? true : undefined));
    for (const [i, server] of servers.entries()) {
      const r = await waitFor(async () => {
        const res = await gql(server.url, 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key value servedBy partition } }', { k: KEYS });
        const list = res.data?.['keyValues'] as Array<{ value: string } | null> | undefined;
        return list !== undefined && res.errors === undefined && list.every((kv, j) => kv?.value === `street-${KEYS[j]}`) ? list : undefined;
      });
      expect(r).toHaveLength(KEYS.length);
      for (const key of KEYS.slice(0, 20)) {
        const res = await gql(server.url, 'query($k: String!) { keyMetadata(store: "address", key: $k) { activeHost partition } keyValue(store: "address", key: $k) { value servedBy partition } }', { k: key });
        const meta = res.data!['keyMetadata'] as { activeHost: string; partition: number };
        expect(res.data!['keyValue']).toEqual({ value: `street-${key}`, servedBy: meta.activeHost, partition: meta.partition });
        expect(instances[i]!.queryMetadataForKey('address', key)).toMatchObject({ activeHost: meta.activeHost, partition: meta.partition });
      }
    }
    const answers = (await gql(servers[0]!.url, 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { servedBy } }', { k: KEYS })).data!['keyValues'] as Array<{ servedBy: string }>;
    expect(new Set(answers.map((a) => a.servedBy))).toEqual(new Set(instances.map((_, i) => `127.0.0.1:${servers[i]!.port}`)));
  });

  it('store() reads the local partitions in key order; together the instances hold every key once', async () => {
    const seen: string[] = [];
    for (const streams of instances) {
      const store = streams.store(StoreQueryParameters.fromNameAndType('address', QueryableStoreTypes.keyValueStore<string, string>()));
      const local: string[] = [];
      for await (const { key, value } of store.all()) {
        expect(value).toBe(`street-${key}`);
        local.push(key);
      }
      expect(local).toEqual([...local].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
      seen.push(...local);
    }
    expect(seen.sort()).toEqual([...KEYS].sort());
  });

  it('range over all keys through one instance returns each key once, in order, across pages', async () => {
    const keys: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql(servers[1]!.url, 'query($after: String) { range(store: "address", first: 45, after: $after) { edges { node { key } } pageInfo { hasNextPage endCursor } } }', { after });
      expect(r.errors).toBeUndefined();
      const conn = r.data!['range'] as { edges: Array<{ node: { key: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
      keys.push(...conn.edges.map((e) => e.node.key));
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(keys).toEqual([...KEYS].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  });
});
