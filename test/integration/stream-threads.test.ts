/**
 * Adding and removing stream threads on the real broker (KIP-663): a running instance with one
 * thread gets a second (`addStreamThread()`), the group rebalances and each thread runs two of
 * the four tasks; the first thread is then removed (`removeStreamThread()`), leaving the group,
 * and the other takes all four tasks over. Counts of records produced at each stage are exact.
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
import { Serdes } from '../../src/serde/serdes.js';
import { eventually, readKeyValueStore, sameEntries } from '../runtime/runtime-helpers.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

const PARTITIONS = 4;
const KEYS = 100;
const STORE = 'counts';

let producer: Producer;
let stateDir: string;
let input: string | undefined;
let appId: string;
let streams: KafkaStreams | undefined;

beforeAll(async () => {
  producer = testKafka('stream-threads').producer();
  await producer.connect();
  stateDir = await mkdtemp(join(tmpdir(), 'kstreams-threads-it-'));
});

afterAll(async () => {
  await streams?.close({ timeoutMs: 30_000 });
  await producer?.disconnect();
  if (input !== undefined) await deleteTestTopics([input, `${appId}-${STORE}-changelog`]);
  await rm(stateDir, { recursive: true, force: true });
}, 90_000);

async function send(from: number, count: number): Promise<void> {
  await producer.send({ topic: input!, messages: Array.from({ length: count }, (_, i) => ({ key: `k${(from + i) % KEYS}`, value: 'x' })) });
}
const truth = (records: number): Map<string, number> => new Map(Array.from({ length: KEYS }, (_, k) => [`k${k}`, Math.floor(records / KEYS) + (k < records % KEYS ? 1 : 0)]));

describeWithBroker('adding and removing stream threads on the real broker', () => {
  it('spreads the tasks over an added thread and hands them back when a thread is removed', async () => {
    input = await createTestTopic('threads-in', { partitions: PARTITIONS });
    appId = uniqueTopic('threads-app');
    const builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as<string, number>(STORE));
    const s = new KafkaStreams(builder.build(), {
      'application.id': appId,
      'bootstrap.servers': bootstrapServers(),
      'state.dir': stateDir,
      'commit.interval.ms': 500,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 500,
    });
    streams = s;
    const spread = (threads: number): boolean => {
      const meta = s.metadataForLocalThreads();
      return s.state() === 'RUNNING' && meta.length === threads && meta.every((t) => t.threadState === 'RUNNING' && t.activeTasks.length === PARTITIONS / threads);
    };
    await s.start();
    await send(0, 1_000);
    await eventually(async () => spread(1) && sameEntries(await readKeyValueStore<number>(s, STORE), truth(1_000)), 60_000, 'one thread counted');

    expect(s.addStreamThread()).toBe(`${appId}-StreamThread-2`);
    await eventually(() => spread(2), 60_000, 'two tasks on each thread');
    await send(1_000, 1_000);
    await eventually(async () => sameEntries(await readKeyValueStore<number>(s, STORE), truth(2_000)), 60_000, 'counted over two threads');

    expect(await s.removeStreamThread({ timeoutMs: 30_000 })).toBe(`${appId}-StreamThread-1`);
    await eventually(() => spread(1), 60_000, 'the remaining thread runs every task');
    expect(s.metadataForLocalThreads()[0]!.threadName).toBe(`${appId}-StreamThread-2`);
    await send(2_000, 1_000);
    await eventually(async () => sameEntries(await readKeyValueStore<number>(s, STORE), truth(3_000)), 60_000, 'counted after the removal');
  }, 240_000);
});
