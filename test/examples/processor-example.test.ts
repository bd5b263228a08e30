import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTopology, ERROR_TOPIC, exampleConfig, INPUT_TOPIC, levelOf, OTHER_TOPIC, startExample, SUMMARY_TOPIC,
} from '../../examples/processor.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { EmbeddedCluster } from './embedded-cluster.js';

const T0 = 1_700_000_000_000;

describe('examples/processor.ts', () => {
  it('classifies lines containing the word "error", in any case', () => {
    expect(['ERROR disk full', 'an error occurred', 'Error: x', 'errors everywhere', 'terror', 'all good', null].map(levelOf))
      .toEqual(['error', 'error', 'error', 'other', 'other', 'other', 'other']);
  });

  it('routes each record to log_error or log_other by its value, keeping key and timestamp', async () => {
    await using driver = new TopologyTestDriver(buildTopology(), exampleConfig(), T0);
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'ERROR disk full', 10);
    await input.pipeInput('b', 'INFO started', 11);
    await input.pipeInput('c', 'an error again', 12);
    await input.pipeInput('d', null, 13);
    const errors = driver.createOutputTopic(ERROR_TOPIC, Serdes.String(), Serdes.String()).readRecordsToList();
    const others = driver.createOutputTopic(OTHER_TOPIC, Serdes.String(), Serdes.String()).readRecordsToList();
    expect(errors.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', 'ERROR disk full', 10], ['c', 'an error again', 12]]);
    expect(others.map((r) => [r.key, r.value, r.timestamp])).toEqual([['b', 'INFO started', 11], ['d', null, 13]]);
  });

  it('writes a summary of the counts since the last one on every wall-clock interval', async () => {
    await using driver = new TopologyTestDriver(buildTopology({ summaryIntervalMs: 1_000 }), exampleConfig(), T0);
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.String(), Serdes.String());
    const summaries = driver.createOutputTopic(SUMMARY_TOPIC, Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'ERROR one', 1);
    await input.pipeInput('b', 'fine', 2);
    await input.pipeInput('c', 'fine too', 3);
    // Wall-clock punctuation fires only as the wall clock moves, never because records arrive.
    expect(summaries.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(999);
    expect(summaries.isEmpty()).toBe(true);
    await driver.advanceWallClockTime(1);
    expect(summaries.readRecordsToList().map((r) => [r.key, JSON.parse(r.value ?? 'null'), r.timestamp]))
      .toEqual([['0_0', { error: 1, other: 2 }, T0 + 1_000]]);

    await input.pipeInput('d', 'error two', 4);
    await driver.advanceWallClockTime(1_000);
    await driver.advanceWallClockTime(1_000);
    expect(summaries.readRecordsToList().map((r) => [JSON.parse(r.value ?? 'null'), r.timestamp])).toEqual([
      [{ error: 1, other: 0 }, T0 + 2_000],
      [{ error: 0, other: 0 }, T0 + 3_000],
    ]);
  });

  // Expected text: Kafka Streams 4.1.2's describe() of the same hand-built topology, whose
  // TopicNameExtractor's toString() is "routeByLevel" (test/dsl/kafka-reference/DslDescribe.java).
  it('describes itself as Kafka Streams describes the same topology', () => {
    expect(buildTopology().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: log-source (topics: [stream_log])\n' +
      '      --> log-router\n' +
      '    Processor: log-router (stores: [])\n' +
      '      --> routed-sink, summary-sink\n' +
      '      <-- log-source\n' +
      '    Sink: routed-sink (extractor class: routeByLevel)\n' +
      '      <-- log-router\n' +
      '    Sink: summary-sink (topic: log_summary)\n' +
      '      <-- log-router\n\n',
    );
  });
});

describe('examples/processor.ts run with KafkaStreams (embedded backend)', () => {
  let cluster: EmbeddedCluster;
  beforeEach(async () => {
    cluster = new EmbeddedCluster();
    await cluster.start([INPUT_TOPIC, ERROR_TOPIC, OTHER_TOPIC, SUMMARY_TOPIC].map((name) => ({ name, partitions: 2 })));
  });
  afterEach(() => cluster.stop());

  it('routes records and writes per-task summaries that add up to what was routed', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? `ERROR number ${i}` : `line ${i}`));
    await cluster.produce(INPUT_TOPIC, lines.map((value, i) => ({ key: `k${i}`, value })));
    const streams = await startExample(
      exampleConfig({ 'bootstrap.servers': cluster.bootstrapServers, 'commit.interval.ms': 100 , 'state.dir': cluster.stateDir }),
      buildTopology({ summaryIntervalMs: 100 }),
    );
    try {
      const errors = await cluster.readUntil(ERROR_TOPIC, (r) => r.length >= 10);
      const others = await cluster.readUntil(OTHER_TOPIC, (r) => r.length >= 30);
      expect(errors.map((r) => r.value?.toString()).sort()).toEqual(lines.filter((l) => l.startsWith('ERROR')).sort());
      expect(others).toHaveLength(30);
      const total = (records: Awaited<ReturnType<typeof cluster.read>>) => records
        .map((r) => JSON.parse(r.value?.toString() ?? '{}') as { error: number; other: number })
        .reduce((sum, c) => ({ error: sum.error + c.error, other: sum.other + c.other }), { error: 0, other: 0 });
      const summaries = await cluster.readUntil(SUMMARY_TOPIC, (r) => total(r).error + total(r).other >= 40);
      expect(total(summaries)).toEqual({ error: 10, other: 30 });
      expect(new Set(summaries.map((r) => r.key?.toString()))).toEqual(new Set(['0_0', '0_1']));
    } finally {
      await streams.close();
    }
  });
});
