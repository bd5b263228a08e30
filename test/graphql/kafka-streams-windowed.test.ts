import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startQueryServer } from '../../graphql/server.js';
import { Materialized, QueryableStoreTypes, StoreQueryParameters, TimeWindows } from '../../src/index.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { gql } from './servers.js';
import { freePort } from '../free-port.js';

describe('a windowed count of a running KafkaStreams, read through windowed and windowedRange', () => {
  it('equals the counts of the records written', { timeout: 60_000 }, async () => {
    const cluster = new EmbeddedCluster();
    const stateDir = await mkdtemp(join(tmpdir(), 'kstreams-windowed-'));
    await cluster.start([{ name: 'clicks', partitions: 4 }]);
    // Truth: user-u clicks (u + 1) times in the window [0, 1000) and once in [1000, 2000) (grace
    // keeps both windows in the store: its retention is size + grace).
    const records = [];
    for (let u = 0; u < 8; u++) {
      for (let n = 0; n <= u; n++) records.push({ topic: 'clicks', key: Buffer.from(`user-${u}`), value: Buffer.from('x'), timestamp: 100 + n });
    }
    for (let u = 0; u < 8; u++) records.push({ topic: 'clicks', key: Buffer.from(`user-${u}`), value: Buffer.from('x'), timestamp: 1_500 });
    const producer = cluster.client.producer();
    await producer.connect();
    await producer.send(records);
    await producer.disconnect();
    const port = await freePort();
    const builder = new StreamsBuilder();
    builder.stream<string, string>('clicks').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(1_000, 10_000)).count(Materialized.as('clicks-1s'));
    const streams = new KafkaStreams(builder.build(), {
      'application.id': 'windowed-query', 'bootstrap.servers': cluster.bootstrapServers,
      'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
      'application.server': `127.0.0.1:${port}`, 'state.dir': stateDir, 'commit.interval.ms': 100,
    });
    const server = await startQueryServer(streams, { port, host: '127.0.0.1' });
    try {
      await streams.start();
      const expected = (u: number): Array<{ start: string; value: number }> => [
        { start: new Date(0).toISOString(), value: u + 1 },
        { start: new Date(1_000).toISOString(), value: 1 },
      ];
      const deadline = Date.now() + 20_000;
      let got: unknown;
      do {
        await new Promise((r) => setTimeout(r, 100));
        got = (await gql(server.url, '{ windowed(store: "clicks-1s", key: "user-7", from: 0, to: 5000) { start value } }')).data?.['windowed'];
      } while (JSON.stringify(got) !== JSON.stringify(expected(7)) && Date.now() < deadline);
      expect(got).toEqual(expected(7));
      for (let u = 0; u < 8; u++) {
        const r = await gql(server.url, `{ windowed(store: "clicks-1s", key: "user-${u}", from: 0, to: 5000) { key start end value servedBy } }`);
        expect(r.data!['windowed']).toEqual(expected(u).map((w) => ({ ...w, key: `user-${u}`, end: new Date(Date.parse(w.start) + 1_000).toISOString(), servedBy: `127.0.0.1:${port}` })));
      }
      const range = await gql(server.url, '{ windowedRange(store: "clicks-1s", from: 0, to: 0, first: 100) { edges { node { key value } } } }');
      const edges = (range.data!['windowedRange'] as { edges: Array<{ node: { key: string; value: number } }> }).edges;
      expect(edges.map((e) => e.node)).toEqual(Array.from({ length: 8 }, (_, u) => ({ key: `user-${u}`, value: u + 1 })));
      const view = streams.store(StoreQueryParameters.fromNameAndType('clicks-1s', QueryableStoreTypes.windowStore<string, number>()));
      expect(await view.fetch('user-3', 0)).toBe(4);
    } finally {
      await server.close();
      await streams.close();
      await cluster.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
