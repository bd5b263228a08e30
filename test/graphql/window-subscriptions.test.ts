import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { startQueryServer } from '../../graphql/server.js';
import { Materialized, TimeWindows } from '../../src/index.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { freePort } from '../free-port.js';

interface WindowChange { store: string; key: string; value: number; windowStart: string; windowEnd: string }

describe('Subscription.changes of a window store of a running KafkaStreams (embedded backend)', () => {
  it('pushes every window count as it changes: the last change per window equals the truth', { timeout: 60_000 }, async () => {
    const cluster = new EmbeddedCluster();
    const stateDir = await mkdtemp(join(tmpdir(), 'kstreams-window-subs-'));
    await cluster.start([{ name: 'clicks', partitions: 4 }]);
    const port = await freePort();
    const builder = new StreamsBuilder();
    builder.stream<string, string>('clicks').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(1_000, 10_000)).count(Materialized.as('clicks-1s'));
    const streams = new KafkaStreams(builder.build(), {
      'application.id': 'window-subscriptions', 'bootstrap.servers': cluster.bootstrapServers,
      'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
      'application.server': `127.0.0.1:${port}`, 'state.dir': stateDir, 'commit.interval.ms': 100,
    });
    const server = await startQueryServer(streams);
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: WebSocket, lazy: false });
    try {
      await streams.start();
      const last = new Map<string, WindowChange>();
      const onlyUser3: WindowChange[] = [];
      // Truth: user-u clicks (u + 1) times in [0, 1000) and once in [1000, 2000).
      const truth = new Map<string, number>();
      for (let u = 0; u < 8; u++) {
        truth.set(`user-${u}@0`, u + 1);
        truth.set(`user-${u}@1000`, 1);
      }
      const settled = (): boolean => [...truth].every(([id, count]) => last.get(id)?.value === count);
      let done: () => void = () => {};
      const allSeen = new Promise<void>((resolve) => (done = resolve));
      const fields = '{ store key value windowStart windowEnd }';
      const subscribed = (query: string, sink: (c: WindowChange) => void): Promise<void> => new Promise((resolve, reject) => {
        client.subscribe<{ changes: WindowChange }>({ query }, { next: ({ data }) => sink(data!.changes), error: reject, complete: () => {} });
        setTimeout(resolve, 300);   // graphql-ws confirms no subscription: give it a moment to start following
      });
      await subscribed(`subscription { changes(store: "clicks-1s") ${fields} }`, (c) => {
        last.set(`${c.key}@${Date.parse(c.windowStart)}`, c);
        if (settled()) done();
      });
      await subscribed(`subscription { changes(store: "clicks-1s", key: "user-3") ${fields} }`, (c) => onlyUser3.push(c));
      const records = [];
      for (let u = 0; u < 8; u++) {
        for (let n = 0; n <= u; n++) records.push({ topic: 'clicks', key: Buffer.from(`user-${u}`), value: Buffer.from('x'), timestamp: 100 + n });
      }
      for (let u = 0; u < 8; u++) records.push({ topic: 'clicks', key: Buffer.from(`user-${u}`), value: Buffer.from('x'), timestamp: 1_500 });
      const producer = cluster.client.producer();
      await producer.connect();
      await producer.send(records);
      await producer.disconnect();
      await Promise.race([allSeen, new Promise((_, reject) => setTimeout(() => reject(new Error(`not all windows pushed: ${JSON.stringify([...last.values()])}`)), 30_000))]);
      const change = last.get('user-5@1000')!;
      expect(change).toEqual({ store: 'clicks-1s', key: 'user-5', value: 1, windowStart: new Date(1_000).toISOString(), windowEnd: new Date(2_000).toISOString() });
      // The key-filtered subscription's messages follow on the same socket.
      const deadline = Date.now() + 5_000;
      while (onlyUser3.filter((c) => c.windowStart === new Date(0).toISOString()).at(-1)?.value !== 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(onlyUser3.length).toBeGreaterThan(0);
      expect(new Set(onlyUser3.map((c) => c.key))).toEqual(new Set(['user-3']));
      expect(onlyUser3.filter((c) => c.windowStart === new Date(0).toISOString()).at(-1)?.value).toBe(4);
    } finally {
      await client.dispose();
      await server.close();
      await streams.close();
      await cluster.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
