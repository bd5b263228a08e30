import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTopology, exampleConfig, INPUT_TOPIC, OUTPUT_TOPIC, startExample } from '../../examples/filter.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { EmbeddedCluster } from './embedded-cluster.js';

describe('examples/filter.ts', () => {
  it('keeps the values longer than 5 characters, with their keys and timestamps', async () => {
    await using driver = new TopologyTestDriver(buildTopology(), exampleConfig());
    const input = driver.createInputTopic(INPUT_TOPIC, Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'short', 1);          // 5 characters: not longer than 5
    await input.pipeInput('b', 'longer', 2);         // 6 characters
    await input.pipeInput('c', '', 3);
    await input.pipeInput(null, 'no key but long', 4);
    await input.pipeInput('d', null, 5);             // tombstone: no text, dropped
    await input.pipeInput('e', 'kafka streams', 6);
    const out = driver.createOutputTopic(OUTPUT_TOPIC, Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['b', 'longer', 2], [null, 'no key but long', 4], ['e', 'kafka streams', 6]]);
  });

  // Expected text: Kafka Streams 4.1.2's describe() of the same DSL program
  // (test/dsl/kafka-reference/DslDescribe.java, "filter").
  it('describes itself as Kafka Streams describes the same program', () => {
    expect(buildTopology().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [stream_log])\n' +
      '      --> KSTREAM-FILTER-0000000001\n' +
      '    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Sink: KSTREAM-SINK-0000000002 (topic: stream_log_filter)\n' +
      '      <-- KSTREAM-FILTER-0000000001\n\n',
    );
  });

  it('exampleConfig: string serdes, overridable', () => {
    const config = exampleConfig({ 'application.id': 'other', 'num.stream.threads': 2 });
    expect(config['application.id']).toBe('other');
    expect(config['num.stream.threads']).toBe(2);
    expect(config['default.value.serde']?.deserialize('t', Buffer.from('x'))).toBe('x');
  });
});

describe('examples/filter.ts run with KafkaStreams (embedded backend)', () => {
  let cluster: EmbeddedCluster;
  beforeEach(async () => {
    cluster = new EmbeddedCluster();
    await cluster.start([{ name: INPUT_TOPIC, partitions: 3 }, { name: OUTPUT_TOPIC, partitions: 3 }]);
  });
  afterEach(() => cluster.stop());

  it('filters a 3-partition topic end to end', async () => {
    const values = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `value-${i}` : `v${i}`));
    await cluster.produce(INPUT_TOPIC, values.map((value, i) => ({ key: `k${i}`, value })));
    const streams = await startExample(exampleConfig({ 'bootstrap.servers': cluster.bootstrapServers, 'commit.interval.ms': 100 , 'state.dir': cluster.stateDir }));
    try {
      const expected = values.filter((v) => v.length > 5).sort();
      const output = await cluster.readUntil(OUTPUT_TOPIC, (records) => records.length >= expected.length);
      expect(output.map((r) => r.value?.toString()).sort()).toEqual(expected);
    } finally {
      await streams.close();
    }
  });
});
