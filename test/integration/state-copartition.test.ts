/**
 * The seed's join topics on the real broker (unique names): `order` with 3 partitions against
 * `address` with 2. The stream-table join must refuse to start (a TopologyException naming both
 * topics and both counts); the stream-GlobalKTable join needs no co-partitioning and joins them.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import { KafkaStreams, Materialized, Serdes, StreamsBuilder, TopologyException, type StreamsConfigInput } from '../../src/index.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

const topics: string[] = [];
let producer: Producer;
let stateDir: string;

beforeAll(async () => {
  producer = testKafka('state-copartition-producer').producer();
  await producer.connect();
  stateDir = await mkdtemp(join(tmpdir(), 'state-copartition-'));
});

afterAll(async () => {
  await producer?.disconnect();
  await deleteTestTopics(topics);
  await rm(stateDir, { recursive: true, force: true });
});

async function topic(label: string, partitions: number): Promise<string> {
  const name = await createTestTopic(label, { partitions });
  topics.push(name);
  return name;
}

function config(appId: string): StreamsConfigInput {
  return {
    'application.id': appId,
    'bootstrap.servers': bootstrapServers(),
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
    'state.dir': stateDir,
    'commit.interval.ms': 200,
  };
}

/** Reads `topic` from the beginning until `count` values arrived (or the timeout), then 1 s more. */
async function readValues(topicName: string, count: number, timeoutMs: number): Promise<string[]> {
  const consumer = testKafka('state-copartition-reader').consumer({ groupId: uniqueTopic('state-copartition-reader') });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: topicName, fromBeginning: true });
    const enough = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          values.push(message.value?.toString() ?? '<null>');
          if (values.length >= count) resolve();
        },
      });
    });
    await Promise.race([enough, new Promise((r) => setTimeout(r, timeoutMs))]);
    // Anything beyond the expected (a duplicate or a wrong join) would arrive now.
    await new Promise((r) => setTimeout(r, 1_000));
  } finally {
    await consumer.disconnect();
  }
  return values;
}

describeWithBroker('the seed\'s 3-vs-2 partition join topics on the real broker', () => {
  it('stream-table join: start() fails with a TopologyException naming both topics and both counts', async () => {
    const order = await topic('order', 3);
    const address = await topic('address', 2);
    const output = await topic('order_join', 3);
    const builder = new StreamsBuilder();
    const addresses = builder.table<string, string>(address, Materialized.as<string, string>('address'));
    builder.stream<string, string>(order).join(addresses, (o, a) => `${o} send to ${a}`).to(output);
    const streams = new KafkaStreams(builder.build(), config(uniqueTopic('state-copart-table')));
    const error = await streams.start().then(() => undefined, (e: unknown) => e);
    await streams.close({ timeoutMs: 10_000 });
    expect(error).toBeInstanceOf(TopologyException);
    const message = (error as Error).message;
    expect(message).toContain(`[${order}] (3 partitions)`);
    expect(message).toContain(`[${address}] (2 partitions)`);
  });

  it('stream-GlobalKTable join: runs on the same 3-vs-2 topics and writes every expected joined record', async () => {
    const order = await topic('order', 3);
    const address = await topic('address_v2', 2);
    const output = await topic('order_join_v2', 3);
    const customers = Array.from({ length: 30 }, (_, i) => `customer-${i}`);
    // The global table is read to its end before processing starts, so addresses go first.
    await producer.send({ topic: address, messages: customers.map((c, i) => ({ key: c, value: `street ${i}` })) });

    const builder = new StreamsBuilder();
    const addresses = builder.globalTable<string, string>(address, Materialized.as<string, string>('address_v2'));
    builder.stream<string, string>(order)
      .join(addresses, (customer) => customer, (o, a) => `${o} send to ${a}`)
      .to(output);
    const streams = new KafkaStreams(builder.build(), config(uniqueTopic('state-copart-global')));
    try {
      await streams.start();
      const orders = [...customers.map((c) => ({ key: c, value: `order of ${c}` })), { key: 'nobody', value: 'lost order' }];
      await producer.send({ topic: order, messages: orders });
      const expected = customers.map((c, i) => `order of ${c} send to street ${i}`).sort();
      const values = await readValues(output, expected.length, 60_000);
      expect(values.sort()).toEqual(expected);
    } finally {
      await streams.close({ timeoutMs: 10_000 });
    }
  });
});
