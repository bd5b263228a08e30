/**
 * Standby replicas on the real broker: two instances of a count aggregation with
 * `num.standby.replicas: 1`, each with its own state dir and GraphQL query server. Each keeps a
 * warm copy of the other's partitions. While one instance's query server is down, a GraphQL
 * query with `allowStale` is answered by the other's standby (flagged stale, with its lag). Then
 * that instance closes: the survivor promotes its standbys and restores (almost) nothing from
 * the changelog (the thread metric `restore-records-total` against the changelog's size), and
 * every count is right.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Admin, Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startQueryServer, type QueryServer } from '../../graphql/server.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { gql } from '../graphql/servers.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';
import { freePort } from '../free-port.js';

const PARTITIONS = 4;
const KEYS = 500;
const RECORDS = 20_000;
const STORE = 'counts';

let admin: Admin;
let producer: Producer;
let stateRoot: string;
const topics: string[] = [];
const instances: KafkaStreams[] = [];
const servers: QueryServer[] = [];

beforeAll(async () => {
  const kafka = testKafka('standby-failover');
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer();
  await producer.connect();
  stateRoot = await mkdtemp(join(tmpdir(), 'kstreams-standby-failover-'));
});

afterAll(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close().catch(() => undefined)));
  await Promise.all(instances.splice(0).map((s) => s.close({ timeoutMs: 30_000 })));
  await producer?.disconnect();
  if (admin !== undefined) {
    const all = await admin.listTopics().catch(() => [] as string[]);
    await deleteTestTopics(all.filter((t) => topics.some((p) => t.startsWith(p))));
    await admin.disconnect();
  }
  await rm(stateRoot, { recursive: true, force: true });
}, 90_000);

async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await Promise.resolve(check()).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const keyOf = (i: number): string => `user-${(i * 7919) % KEYS}`;

function truth(records: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < records; i++) m.set(keyOf(i), (m.get(keyOf(i)) ?? 0) + 1);
  return m;
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  for (let start = from; start < from + count; start += 2_000) {
    const messages = Array.from({ length: Math.min(2_000, from + count - start) }, (_, j) => ({ key: keyOf(start + j), value: 'x' }));
    await producer.send({ topic, messages });
  }
}

async function counts(streams: KafkaStreams, stale: boolean): Promise<Map<string, number>> {
  let params = StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore<string, number>());
  if (stale) params = params.enableStaleStores();
  const out = new Map<string, number>();
  for await (const { key, value } of streams.store(params).all()) out.set(key, value);
  return out;
}

function differences(actual: Map<string, number>, expected: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [k, v] of expected) if (actual.get(k) !== v) out.push(`${k}: ${String(actual.get(k))} != ${v}`);
  for (const k of actual.keys()) if (!expected.has(k)) out.push(`${k}: unexpected`);
  return out;
}

describeWithBroker('standby replicas on the real broker', () => {
  it('a standby answers stale reads while the owner is unreachable, and takes over restoring almost nothing', async () => {
    const input = await createTestTopic('standby-in', { partitions: PARTITIONS });
    const appId = uniqueTopic('standby-app');
    topics.push(input, appId);
    const endpoints: string[] = [];
    for (const name of ['a', 'b']) {
      const port = await freePort();
      const endpoint = `127.0.0.1:${port}`;
      const builder = new StreamsBuilder();
      builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as<string, number>(STORE));
      const streams = new KafkaStreams(builder.build(), {
        'application.id': appId,
        'bootstrap.servers': bootstrapServers(),
        'application.server': endpoint,
        'state.dir': join(stateRoot, name),
        'num.standby.replicas': 1,
        'commit.interval.ms': 500,
        'session.timeout.ms': 10_000,
        'heartbeat.interval.ms': 1_000,
        // Every update reaches the changelog: a large changelog the promoted standby need not restore.
        'statestore.cache.max.bytes': 0,
        'default.key.serde': Serdes.String(),
        'default.value.serde': Serdes.String(),
      });
      instances.push(streams);
      endpoints.push(endpoint);
      servers.push(await startQueryServer(streams, { port, host: '127.0.0.1' }));
    }
    const [a, b] = instances as [KafkaStreams, KafkaStreams];
    // A second measure of B's restoration, besides the thread metric: the restore listener's batches.
    let restoredByListener = 0;
    b.setGlobalStateRestoreListener({
      onRestoreStart: () => undefined,
      onBatchRestored: (_tp, _store, _end, n) => { restoredByListener += n; },
      onRestoreEnd: () => undefined,
    });
    await Promise.all([a.start(), b.start()]);
    await eventually(() => {
      const meta = b.metadataForAllStreamsClients();
      return a.state() === 'RUNNING' && b.state() === 'RUNNING' && meta.length === 2 && meta.every((m) => m.topicPartitions.length === 2 && m.standbyTopicPartitions.length === 2);
    }, 60_000, 'two RUNNING instances, each with 2 active and 2 standby partitions');

    await produce(input, 0, RECORDS);
    const expected = truth(RECORDS);
    await eventually(async () => differences(new Map([...(await counts(a, false)), ...(await counts(b, false))]), expected).length === 0, 120_000, 'the active stores to count every record');
    // Both stale views (active + standby partitions) hold every key: the standbys followed the changelog.
    await eventually(async () => differences(await counts(b, true), expected).length === 0 && differences(await counts(a, true), expected).length === 0, 60_000, 'the standbys to catch up');
    const lags = (await b.allLocalStorePartitionLags()).get(STORE);
    expect([...(lags?.keys() ?? [])].sort()).toEqual([0, 1, 2, 3]);
    for (const lag of lags?.values() ?? []) expect(lag.offsetLag).toBe(0);

    // A's query server goes away: a key A owns is OWNER_UNREACHABLE through B, unless stale reads are allowed.
    const aPartitions = (b.metadataForAllStreamsClients().find((m) => m.endpoint === endpoints[0])?.topicPartitions ?? []).map((tp) => tp.partition);
    const key = [...expected.keys()].find((k) => b.queryMetadataForKey(STORE, k).activeHost === endpoints[0])!;
    expect(b.queryMetadataForKey(STORE, key).standbyHosts).toEqual([endpoints[1]]);
    await servers[0]!.close();
    const url = servers[1]!.url;
    const Q = 'query($k: String!, $s: Boolean) { keyValue(store: "counts", key: $k, allowStale: $s) { key value servedBy stale offsetLag } }';
    const strict = await gql(url, Q, { k: key, s: false });
    expect(strict.errors?.[0]?.extensions?.['code']).toBe('OWNER_UNREACHABLE');
    const stale = await gql(url, Q, { k: key, s: true });
    expect(stale.errors).toBeUndefined();
    expect(stale.data?.['keyValue']).toEqual({ key, value: expected.get(key), servedBy: endpoints[1], stale: true, offsetLag: 0 });

    // A closes: B promotes its standbys of A's partitions.
    const ends = await admin.fetchTopicOffsets(`${appId}-${STORE}-changelog`);
    const changelogOfA = ends.filter((o) => aPartitions.includes(o.partition)).reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
    const restoredBefore = sumMetric(b.metrics(), 'stream-thread-metrics', 'restore-records-total');
    const listenedBefore = restoredByListener;
    await a.close({ timeoutMs: 30_000 });
    await eventually(() => b.state() === 'RUNNING' && (b.metadataForAllStreamsClients()[0]?.topicPartitions.length ?? 0) === PARTITIONS, 60_000, 'B to own every partition');
    await produce(input, RECORDS, 2_000);
    const expectedAfter = truth(RECORDS + 2_000);
    await eventually(async () => differences(await counts(b, false), expectedAfter).length === 0, 120_000, 'B to count every record');
    const restored = sumMetric(b.metrics(), 'stream-thread-metrics', 'restore-records-total') - restoredBefore;
    console.log(`[standby failover] promoted standbys restored ${restored} changelog records (restore listener: ${restoredByListener - listenedBefore}); A's changelog partitions held ${changelogOfA} (without standbys all of them would be restored)`);
    expect(restoredByListener - listenedBefore).toBe(restored);
    expect(changelogOfA).toBeGreaterThanOrEqual(RECORDS / 4);
    // At most what A wrote after the standby's last read (A's final commit while closing).
    expect(restored).toBeLessThan(changelogOfA / 20);
  }, 400_000);
});
