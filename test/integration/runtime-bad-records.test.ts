/**
 * Each deserialization exception handler, end to end on the real broker: a record whose value
 * is not a 4-byte integer arrives between two good ones.
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { ExceptionHandlerName } from '../../src/config.js';
import { createKafkaClient } from '../../src/kafka/index.js';
import { bootstrapServers, describeWithBroker } from './broker.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { eventually, produce, readAll, sleep, streamsConfig, topicSize, unique } from '../runtime/runtime-helpers.js';

let bootstrap: string;

let client: KafkaClient;
let admin: KafkaAdmin;
const topics: string[] = [];
const open: KafkaStreams[] = [];

beforeAll(async () => {
  bootstrap = bootstrapServers();
  client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'runtime-bad-records-test' });
  admin = client.admin();
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close({ timeoutMs: 30_000 })));
});

afterAll(async () => {
  if (topics.length > 0) await admin?.deleteTopics(topics).catch(() => undefined);
  await admin?.disconnect();
});

const int = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};
const BAD_VALUE = Buffer.from('not-an-int');

/** Runs `numbers` (Integer values) → `out`, with the given handler, over good, bad, good records on partition 0. */
async function runWith(handler: ExceptionHandlerName): Promise<{ streams: KafkaStreams; input: string; output: string; dlq: string }> {
  const input = unique('rt-bad-in');
  const output = unique('rt-bad-out');
  const dlq = unique('rt-bad-dlq');
  topics.push(input, output, dlq);
  await admin.createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }, { name: dlq, partitions: 1 }]);
  const topology = new Topology()
    .addSource('Numbers', input, { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
    .addSink('Out', output, { keySerde: Serdes.String(), valueSerde: Serdes.Integer() }, 'Numbers');
  const records: ProducerRecord[] = [
    { topic: input, partition: 0, key: Buffer.from('one'), value: int(1) },
    { topic: input, partition: 0, key: Buffer.from('bad'), value: BAD_VALUE, headers: [{ key: 'origin', value: Buffer.from('test') }] },
    { topic: input, partition: 0, key: Buffer.from('three'), value: int(3) },
  ];
  await produce(client, records);
  const streams = new KafkaStreams(topology, streamsConfig(bootstrap, unique('rt-bad-app'), {
    'default.deserialization.exception.handler': handler,
    'errors.dead.letter.queue.topic.name': dlq,
  }));
  open.push(streams);
  await streams.start();
  return { streams, input, output, dlq };
}

describeWithBroker('deserialization exception handlers on the real broker', () => {
  it('logAndFail: the application stops in ERROR with an error naming topic, partition and offset', async () => {
    const { streams, input, output } = await runWith('logAndFail');
    await eventually(() => streams.state() === 'ERROR', 30_000, 'ERROR');
    expect(streams.lastError()?.message).toContain(`topic ${input} partition 0 offset 1`);
    expect(streams.lastError()?.name).toBe('DeserializationException');
    // The record after the bad one was never processed.
    const out = await readAll(client, admin, output);
    expect(out.map((r) => r.key?.toString())).not.toContain('three');
  });

  it('logAndContinue: the bad record is skipped and counted, the others pass', async () => {
    const { streams, output } = await runWith('logAndContinue');
    await eventually(async () => (await topicSize(admin, output)) >= 2, 30_000, 'two outputs');
    await sleep(500);
    const out = await readAll(client, admin, output);
    expect(out.map((r) => [r.key?.toString(), r.value?.readInt32BE(0)])).toEqual([['one', 1], ['three', 3]]);
    expect(sumMetric(streams.metrics(), 'stream-task-metrics', 'skipped-records-total')).toBe(1);
    expect(sumMetric(streams.metrics(), 'stream-task-metrics', 'deserialization-errors-total')).toBe(1);
    expect(streams.state()).toBe('RUNNING');
  });

  it('deadLetterQueue: the DLQ topic holds the original bytes with the error headers', async () => {
    const { streams, input, output, dlq } = await runWith('deadLetterQueue');
    await eventually(async () => (await topicSize(admin, dlq)) >= 1 && (await topicSize(admin, output)) >= 2, 30_000, 'DLQ and output');
    const [dead, ...more] = await readAll(client, admin, dlq);
    expect(more).toEqual([]);
    expect(dead?.key?.toString()).toBe('bad');
    expect(dead?.value?.equals(BAD_VALUE)).toBe(true);
    const header = (k: string): string | undefined => dead?.headers.find((h) => h.key === k)?.value?.toString();
    expect(header('origin')).toBe('test');
    expect(header('__streams.errors.topic')).toBe(input);
    expect(header('__streams.errors.partition')).toBe('0');
    expect(header('__streams.errors.offset')).toBe('1');
    expect(header('__streams.errors.exception')).toBeTruthy();
    expect(header('__streams.errors.message')).toBeTruthy();
    expect(sumMetric(streams.metrics(), 'stream-task-metrics', 'dead-letter-records-total')).toBe(1);
    expect((await readAll(client, admin, output)).map((r) => r.key?.toString())).toEqual(['one', 'three']);
  });
});
