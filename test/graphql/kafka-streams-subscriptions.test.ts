import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryServer } from '../../graphql/server.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { startServedInstances, stopServedInstances } from './served-instances.js';

const KEYS = Array.from({ length: 24 }, (_, i) => `user-${i}`);

interface Change { store: string; key: string; value: unknown; partition: number; timestamp: string }

async function waitFor(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Subscription.changes from real KafkaStreams instances (embedded backend)', () => {
  const cluster = new EmbeddedCluster();
  const instances: KafkaStreams[] = [];
  const servers: QueryServer[] = [];
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-subscriptions-'));
    await cluster.start([{ name: 'address', partitions: 6 }]);
    await startServedInstances({ instances, servers }, cluster, stateDir, 2, 'subscriptions-app', () => {
      const builder = new StreamsBuilder();
      builder.table<string, string>('address', Materialized.as<string, string>('address'));
      return builder.build();
    });
    await waitFor(() => instances.every((s) => s.state() === 'RUNNING' && s.metadataForAllStreamsClients().length === 2));
  }, 60_000);

  afterAll(async () => {
    await stopServedInstances({ instances, servers });
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('a subscriber on instance A receives the changes of keys instance B owns, as B wrote them', async () => {
    const endpointA = `127.0.0.1:${servers[0]!.port}`;
    const owner = new Map(KEYS.map((k) => [k, instances[0]!.queryMetadataForKey('address', k)]));
    const ownedByB = KEYS.filter((k) => owner.get(k)!.activeHost !== endpointA);
    expect(ownedByB.length).toBeGreaterThan(0);
    expect(ownedByB.length).toBeLessThan(KEYS.length);

    const received: Change[] = [];
    const client: Client = createClient({ url: servers[0]!.url.replace('http', 'ws'), webSocketImpl: WebSocket });
    const stop = client.subscribe<{ changes: Change }>(
      { query: 'subscription { changes(store: "address") { store key value partition timestamp } }' },
      { next: ({ data }) => { if (data?.changes !== undefined) received.push(data.changes); }, error: () => {}, complete: () => {} },
    );
    try {
      // The subscription reaches B asynchronously: write rounds of new values until every key's change arrived.
      const written = new Set<string>();
      const seen = (): Set<string> => new Set(received.map((c) => c.key));
      for (let round = 0; seen().size < KEYS.length; round++) {
        expect(round).toBeLessThan(100);
        const records = KEYS.map((k) => ({ key: k, value: `street-${round}-${k}` }));
        records.forEach((r) => written.add(r.value));
        await cluster.produce('address', records);
        await new Promise((r) => setTimeout(r, 200));
      }
      for (const change of received) {
        expect(change.store).toBe('address');
        expect(written.has(change.value as string)).toBe(true);
        expect(change.value as string).toMatch(new RegExp(`-${change.key}$`));
        expect(change.partition).toBe(owner.get(change.key)!.partition);
        expect(Number.isNaN(Date.parse(change.timestamp))).toBe(false);
      }
      expect(ownedByB.every((k) => seen().has(k))).toBe(true);
      // A delete (tombstone) of a key B owns arrives as a null value.
      const victim = ownedByB[0]!;
      await cluster.produce('address', [{ key: victim, value: null }]);
      await waitFor(() => received.some((c) => c.key === victim && c.value === null));
    } finally {
      stop();
      await client.dispose();
    }
  }, 60_000);
});
