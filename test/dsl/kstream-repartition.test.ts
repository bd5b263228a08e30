import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { STREAM_HANDLE } from '../../src/dsl/internal/stream-handle.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

const config = { ...stringDefaults, 'application.id': 'app' };

describe('KStream.repartition', () => {
  it('sends records through <app>-KSTREAM-REPARTITION-<n>-repartition and on, with their timestamps', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').selectKey((_k, v) => v).repartition().mapValues((v) => `${v}!`).to('out');
    const topology = builder.build();
    await using driver = new TopologyTestDriver(topology, config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'x', 10);
    await input.pipeInput('b', 'y', 5);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['x', 'x!', 10], ['y', 'y!', 5]]);
    const internal = driver.createOutputTopic('app-KSTREAM-REPARTITION-0000000002-repartition', Serdes.String(), Serdes.String()).readKeyValuesToList();
    expect(internal).toEqual([{ key: 'x', value: 'x' }, { key: 'y', value: 'y' }]);
  });

  it('splits the topology in two sub-topologies around an internal topic', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition().to('out');
    const metadata = builder.build().metadata('app');
    expect(metadata.subtopologies.map((s) => s.sourceTopics)).toEqual([['in'], ['app-KSTREAM-REPARTITION-0000000001-repartition']]);
    expect(metadata.internalTopics).toEqual([
      expect.objectContaining({ name: 'app-KSTREAM-REPARTITION-0000000001-repartition', kind: 'repartition', writerSubtopology: 0 }),
    ]);
    expect(metadata.internalTopics[0]?.partitions).toBeUndefined();
  });

  it('drops records with a null key before the topic (Kafka\'s repartition filter)', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string | null, string>('in').repartition().to('out');
    await using driver = new TopologyTestDriver(builder.build(), config);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput(null, 'no key', 1);
    await input.pipeInput('k', 'keyed', 2);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'k', value: 'keyed' }]);
  });

  it('Repartitioned names the topic and its nodes, and fixes the partition count', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition(Repartitioned.as<string, string>('by-user').withNumberOfPartitions(4)).to('out');
    const topology = builder.build();
    expect(topology.nodes().map((n) => n.name)).toEqual([
      'KSTREAM-SOURCE-0000000000', 'by-user-repartition-filter', 'by-user-repartition-sink', 'by-user-repartition-source', 'KSTREAM-SINK-0000000004',
    ]);
    expect(topology.metadata('app').internalTopics).toEqual([expect.objectContaining({ name: 'app-by-user-repartition', partitions: 4 })]);
  });

  it('writes the topic with the Repartitioned serdes and reads it back with them', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', Consumed.with(Serdes.String(), Serdes.String()))
      .map((k, v) => ({ key: Number(k), value: Number(v) }))
      .repartition(Repartitioned.with(Serdes.Integer(), Serdes.Long()).withName('nums'))
      .mapValues((v, k) => `${k}+${v}=${k + v}`)
      .to('out');
    await using driver = new TopologyTestDriver(builder.build(), { ...config, 'default.key.serde': Serdes.Integer() });
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('2', '3', 1);
    const internal = driver.createOutputTopic('app-nums-repartition', Serdes.ByteArray(), Serdes.ByteArray()).readKeyValuesToList();
    expect(internal).toEqual([{ key: Buffer.from([0, 0, 0, 2]), value: Buffer.from([0, 0, 0, 0, 0, 0, 0, 3]) }]);
    expect(driver.createOutputTopic('out', Serdes.Integer(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 2, value: '2+3=5' }]);
  });

  it('uses the Repartitioned partitioner for the internal topic', async () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition(Repartitioned.streamPartitioner((topic, key) => {
      seen.push(`${topic}:${key}`);
      return 0;
    })).to('out');
    await using driver = new TopologyTestDriver(builder.build(), config);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(seen).toEqual(['app-KSTREAM-REPARTITION-0000000001-repartition:k']);
  });

  it('clears repartitionRequired and starts a new sub-topology source set', () => {
    const builder = new StreamsBuilder();
    const keyed = builder.stream<string, string>('in').selectKey((_k, v) => v);
    expect(keyed[STREAM_HANDLE].repartitionRequired).toBe(true);
    const repartitioned = keyed.repartition(Repartitioned.as('r'))[STREAM_HANDLE];
    expect(repartitioned.repartitionRequired).toBe(false);
    expect([...repartitioned.sourceNodes]).toEqual(['r-repartition-source']);
    expect(repartitioned.builder.sourceTopicsOf(repartitioned.sourceNodes)).toEqual(['r-repartition']);
  });

  it('rejects a wrong argument', () => {
    const s = new StreamsBuilder().stream<string, string>('in');
    expect(() => s.repartition({ name: 'x' } as never)).toThrow(/repartition\(\): repartitioned must be a Repartitioned or undefined/);
  });
});
