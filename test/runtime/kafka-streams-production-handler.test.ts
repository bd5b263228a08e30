import { describe, expect, it } from 'vitest';
import type { TopicNameExtractor } from '../../src/processor/topic-name-extractor.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readAll, streamsConfig } from './runtime-helpers.js';

const f = embeddedClusterPerTest('runtime-production-handler', { topics: [{ name: 'in', partitions: 1 }, { name: 'out', partitions: 1 }, { name: 'dlq', partitions: 1 }] });

/** Sends 'lost' values to a topic that does not exist: the broker rejects them (UNKNOWN_TOPIC_OR_PARTITION). */
const route: TopicNameExtractor<unknown, unknown> = (_key, value) => (value === 'lost' ? 'no-such-topic' : 'out');

function topology(): Topology {
  return new Topology()
    .addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addSink('sink', route, { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'src');
}

const input = (values: string[]) => values.map((v, i) => ({ topic: 'in', key: Buffer.from(`k${i}`), value: Buffer.from(v) }));

describe('production exception handler on a running application (embedded broker, at_least_once)', () => {
  it("'continue' drops the record the broker rejected, counts it for the task, and the rest is written", async () => {
    const streams = new KafkaStreams(topology(), streamsConfig(f.bootstrap, 'prod-continue', { 'production.exception.handler': 'continue' }));
    f.open.push(streams);
    await streams.start();
    await produce(f.client, input(['a', 'lost', 'b']));
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length === 2, 10_000, 'output');
    await eventually(() => sumMetric(streams.metrics(), 'stream-task-metrics', 'dropped-records-total') === 1, 10_000, 'dropped metric');
    expect(streams.state()).toBe('RUNNING');
    await produce(f.client, input(['c']));
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length === 3, 10_000, 'later output');
  });

  it("'deadLetterQueue' writes the rejected record's bytes with the error headers to the dead letter topic", async () => {
    const streams = new KafkaStreams(topology(), streamsConfig(f.bootstrap, 'prod-dlq', { 'production.exception.handler': 'deadLetterQueue', 'errors.dead.letter.queue.topic.name': 'dlq' }));
    f.open.push(streams);
    await streams.start();
    await produce(f.client, input(['a', 'lost']));
    await eventually(async () => (await readAll(f.client, f.admin, 'dlq')).length === 1, 10_000, 'dead letter');
    const [dead] = await readAll(f.client, f.admin, 'dlq');
    expect(dead?.value?.toString()).toBe('lost');
    expect(dead?.headers.find((h) => h.key === '__streams.errors.exception')).toBeDefined();
  });

  it('the default (fail) stops the application', async () => {
    const streams = new KafkaStreams(topology(), streamsConfig(f.bootstrap, 'prod-fail'));
    f.open.push(streams);
    await streams.start();
    await produce(f.client, input(['a', 'lost']));
    await eventually(() => streams.state() === 'ERROR', 10_000, 'ERROR');
  });
});
