import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startQueryServer, type QueryServer } from '../../graphql/server.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { gql } from './servers.js';
import { freePort } from '../free-port.js';

function streamsOn(cluster: EmbeddedCluster, stateDir: string, extra: Record<string, unknown>): KafkaStreams {
  const builder = new StreamsBuilder();
  builder.table<string, string>('address', Materialized.as<string, string>('address'));
  return new KafkaStreams(builder.build(), {
    'application.id': 'autostart-app', 'bootstrap.servers': cluster.bootstrapServers,
    'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(), 'state.dir': stateDir, 'commit.interval.ms': 100,
    ...extra,
  });
}

describe('startQueryServer(streams) with no options: where application.server and query.auth.token say', () => {
  const cluster = new EmbeddedCluster();
  let stateDir: string;
  let streams: KafkaStreams;
  let server: QueryServer;
  let port: number;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-autostart-'));
    await cluster.start([{ name: 'address', partitions: 2 }]);
    await cluster.produce('address', [{ key: 'andy', value: '1 Main St' }]);
    port = await freePort();
    streams = streamsOn(cluster, stateDir, { 'application.server': `127.0.0.1:${port}`, 'query.auth.token': 's3cret' });
    server = await startQueryServer(streams);
    await streams.start();
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await streams?.close();
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('listens on the port of application.server, on its loopback host', () => {
    expect(server.port).toBe(port);
    expect(server.url).toBe(`http://127.0.0.1:${port}/graphql`);
  });

  it('requires query.auth.token and answers with it', async () => {
    const query = '{ keyValue(store: "address", key: "andy") { value servedBy } }';
    expect((await gql(server.url, query)).status).toBe(401);
    const deadline = Date.now() + 20_000;
    let answer = await gql(server.url, query, {}, { authorization: 'Bearer s3cret' });
    while ((answer.data?.['keyValue'] ?? null) === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await gql(server.url, query, {}, { authorization: 'Bearer s3cret' });
    }
    expect(answer.data).toEqual({ keyValue: { value: '1 Main St', servedBy: `127.0.0.1:${port}` } });
  });

  it('explicit options win over the config', async () => {
    const other = await startQueryServer(streams, { port: 0, authToken: undefined });
    try {
      expect(other.port).not.toBe(port);
      expect((await gql(other.url, '{ stores { name } }')).data).toEqual({ stores: [{ name: 'address' }] });
    } finally {
      await other.close();
    }
  });

  it('without application.server and without a port it says what is missing', async () => {
    const bare = streamsOn(cluster, join(stateDir, 'bare'), {});
    await expect(startQueryServer(bare)).rejects.toThrow(/needs a port: give options.port, or set application.server/);
  });
});
