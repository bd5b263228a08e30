/**
 * Warm-up replicas (KIP-441) on the real broker: instance a counts 8,000 records into a store
 * whose changelog then holds 2,000 records per partition; instance b joins with an empty state
 * dir, `acceptable.recovery.lag: 100` and `max.warmup.replicas: 1`. The leader's first
 * assignment keeps every stateful task on a (b only warms one up, as a standby), probing
 * rebalances move one task at a time once b's warm-up caught up, until two tasks run on each.
 * b's active tasks restore at most the acceptable lag per task (not the 4,000 records of its
 * partitions' changelog), and the counts are right all along.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { StreamsMetadata } from '../../src/runtime/streams-metadata.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { activeEntries, eventually, noWrongValue, sameEntries } from '../runtime/runtime-helpers.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

const PARTITIONS = 4;
const KEYS = 400;
const RECORDS = 8_000;
const STORE = 'counts';
const ACCEPTABLE_LAG = 100;

let producer: Producer;
let stateRoot: string;
let input: string;
let appId: string;
const instances: KafkaStreams[] = [];

beforeAll(async () => {
  producer = testKafka('warmup').producer();
  await producer.connect();
  stateRoot = await mkdtemp(join(tmpdir(), 'kstreams-warmup-it-'));
});

afterAll(async () => {
  await Promise.all(instances.splice(0).map((s) => s.close({ timeoutMs: 30_000 })));
  await producer?.disconnect();
  if (input !== undefined) await deleteTestTopics([input, `${appId}-${STORE}-changelog`]);
  await rm(stateRoot, { recursive: true, force: true });
}, 90_000);

function instance(name: string): KafkaStreams {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as<string, number>(STORE));
  const streams = new KafkaStreams(builder.build(), {
    'application.id': appId,
    'bootstrap.servers': bootstrapServers(),
    'application.server': `${name}:1`,
    'state.dir': join(stateRoot, name),
    'commit.interval.ms': 500,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
    // Every update reaches the changelog.
    'statestore.cache.max.bytes': 0,
    'acceptable.recovery.lag': ACCEPTABLE_LAG,
    'max.warmup.replicas': 1,
    'probing.rebalance.interval.ms': 3_000,
  });
  instances.push(streams);
  return streams;
}

const truth = new Map(Array.from({ length: KEYS }, (_, i) => [`k${i}`, RECORDS / KEYS]));
const of = (streams: KafkaStreams, endpoint: string): StreamsMetadata | undefined => streams.metadataForAllStreamsClients().find((m) => m.endpoint === endpoint);
const countsRight = async (a: KafkaStreams, b: KafkaStreams): Promise<boolean> =>
  sameEntries(new Map([...(await activeEntries<number>(a, STORE)), ...(await activeEntries<number>(b, STORE))]), truth);
const running = (...all: KafkaStreams[]): boolean => all.every((s) => s.state() === 'RUNNING');

describeWithBroker('warm-up replicas on the real broker', () => {
  it('keep the stateful tasks on the caught-up instance and move them one warm-up at a time', async () => {
    input = await createTestTopic('warmup-in', { partitions: PARTITIONS });
    appId = uniqueTopic('warmup-app');
    for (let start = 0; start < RECORDS; start += 2_000) {
      await producer.send({ topic: input, messages: Array.from({ length: 2_000 }, (_, j) => ({ key: `k${(start + j) % KEYS}`, value: 'x' })) });
    }
    const a = instance('host-a');
    await a.start();
    await eventually(async () => running(a) && sameEntries(await activeEntries<number>(a, STORE), truth), 60_000, 'a counted everything');

    const b = instance('host-b');
    await b.start();
    await eventually(() => running(a, b) && of(a, 'host-b:1') !== undefined, 60_000, 'b joined');
    const first = of(a, 'host-b:1')!;
    expect(first.topicPartitions).toEqual([]);
    expect(first.standbyTopicPartitions).toHaveLength(1);
    expect(await countsRight(a, b)).toBe(true);

    const held = new Set<number>();
    await eventually(async () => {
      const bActive = of(a, 'host-b:1')?.topicPartitions ?? [];
      held.add(bActive.length);
      expect(await noWrongValue([a, b], STORE, truth)).toBe(true);
      return bActive.length === PARTITIONS / 2 && running(a, b);
    }, 60_000, 'two tasks on each after probing rebalances');
    expect(held.has(1)).toBe(true);   // one warm-up at a time: b ran one task before it ran two

    const changelog = `${appId}-${STORE}-changelog`;
    const bPartitions = of(a, 'host-b:1')!.topicPartitions.map((tp) => tp.partition);
    const admin = testKafka('warmup-admin').admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(changelog);
    await admin.disconnect();
    const ofB = ends.filter((o) => bPartitions.includes(o.partition)).reduce((n, o) => n + Number(o.high), 0);
    const restored = sumMetric(b.metrics(), 'stream-thread-metrics', 'restore-records-total');
    console.log(`[warm-up] b's active tasks restored ${restored} records; the changelog of its partitions holds ${ofB}`);
    expect(ofB).toBeGreaterThan(2 * ACCEPTABLE_LAG * 10);
    expect(restored).toBeLessThanOrEqual(2 * ACCEPTABLE_LAG);
    expect(await countsRight(a, b)).toBe(true);
  }, 240_000);
});
