import { describe, expect, it } from 'vitest';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { STREAM_HANDLE } from '../../src/dsl/internal/stream-handle.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

describe('KStream.merge', () => {
  it('forwards the records of both streams, each with its own timestamp, in processing order', async () => {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a');
    const b = builder.stream<string, string>('b');
    a.merge(b).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const inA = driver.createInputTopic('a', Serdes.String(), Serdes.String());
    const inB = driver.createInputTopic('b', Serdes.String(), Serdes.String());
    await inA.pipeInput('k1', 'a1', 10);
    await inB.pipeInput('k2', 'b1', 5);
    await inA.pipeInput('k3', 'a2', 11);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['k1', 'a1', 10], ['k2', 'b1', 5], ['k3', 'a2', 11]]);
  });

  it('merges two branches of one stream (a node with two parents)', async () => {
    const builder = new StreamsBuilder();
    const source = builder.stream<string, string>('in');
    const upper = source.mapValues((v) => v.toUpperCase());
    const lower = source.mapValues((v) => v.toLowerCase());
    upper.merge(lower, Named.as('both')).to('out');
    const topology = builder.build();
    expect(topology.nodes().find((n) => n.name === 'both')).toMatchObject({ kind: 'processor', parents: ['KSTREAM-MAPVALUES-0000000001', 'KSTREAM-MAPVALUES-0000000002'] });
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'MiXed', 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['MIXED', 'mixed']);
  });

  it('needs repartitioning when either input does, and knows both inputs\' sources', () => {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a');
    const b = builder.stream<string, string>('b').selectKey((_k, v) => v);
    const merged = a.merge(b)[STREAM_HANDLE];
    expect(merged.repartitionRequired).toBe(true);
    expect([...merged.sourceNodes].sort()).toEqual(['KSTREAM-SOURCE-0000000000', 'KSTREAM-SOURCE-0000000001']);
    expect(a.merge(builder.stream<string, string>('c'))[STREAM_HANDLE].repartitionRequired).toBe(false);
  });

  it('rejects a stream of another builder', () => {
    const a = new StreamsBuilder().stream<string, string>('a');
    const b = new StreamsBuilder().stream<string, string>('b');
    expect(() => a.merge(b)).toThrow('merge(): both streams must come from the same StreamsBuilder');
    expect(() => a.merge({} as never)).toThrow(/merge\(\): stream must be a KStream, but got: an object \(Object\)/);
  });
});
