/**
 * The seed's join topics on the real broker (unique names): `order` with 3 partitions against
 * `address` with 2. The stream-table join must refuse to start (a TopologyException naming both
 * topics and both counts).
 *
 * Not here yet: the stream-GlobalKTable join on the same topics. KafkaStreams does not drive the
 * GlobalStateTask (no global thread), so a task's join processor finds no global store at init.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaStreams, Materialized, Serdes, StreamsBuilder, TopologyException, type StreamsConfigInput } from '../../src/index.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, uniqueTopic } from './broker.js';

const topics: string[] = [];
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'state-copartition-'));
});

afterAll(async () => {
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
});
