import { describe, expect, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TopologyException } from '../../src/errors.js';
import type { SourceNodeDef } from '../../src/topology/topology-nodes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

// Kafka's Named.validate: non-empty, not "." or "..", <= 249 chars of [A-Za-z0-9._-].
describe('Named', () => {
  it('accepts legal names', () => {
    expect(Named.as('a.B_c-9').name).toBe('a.B_c-9');
    expect(Named.as('x'.repeat(249)).name).toHaveLength(249);
    expect(Named.as('first').withName('second').name).toBe('second');
  });

  it.each([
    ['', 'Invalid topology: Name is illegal, it can\'t be empty'],
    ['.', 'Invalid topology: Name cannot be "." or ".."'],
    ['..', 'Invalid topology: Name cannot be "." or ".."'],
    ['x'.repeat(250), `Invalid topology: Name is illegal, it can't be longer than 249 characters, name: ${'x'.repeat(250)}`],
    ['has space', 'Invalid topology: Name "has space" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\''],
    ['ünïcode', 'Invalid topology: Name "ünïcode" is illegal, it contains a character other than ASCII alphanumerics, \'.\', \'_\' and \'-\''],
  ])('rejects %j with a TopologyException', (name, message) => {
    let thrown: unknown;
    try {
      Named.as(name);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(TopologyException);
    expect((thrown as Error).message).toBe(message);
  });

  it('rejects a non-string', () => {
    expect(() => Named.as(undefined as never)).toThrow(new TypeError('Named.as(): name must be a string, but got: undefined'));
  });

  it('validates the names of the other parameter classes the same way', () => {
    expect(() => Consumed.as('bad name')).toThrow(TopologyException);
    expect(() => Produced.as('')).toThrow(TopologyException);
    expect(() => Repartitioned.as('a/b')).toThrow(TopologyException);
    expect(() => Branched.as('..')).toThrow(TopologyException);
    expect(() => Consumed.with().withName('ok').withName('not ok')).toThrow(TopologyException);
  });
});

describe('Consumed', () => {
  it('is immutable: with* returns a copy', () => {
    const base = Consumed.with(Serdes.String(), Serdes.String());
    const latest = base.withOffsetResetPolicy('latest');
    expect(base.offsetResetPolicy).toBeUndefined();
    expect(latest.offsetResetPolicy).toBe('latest');
    expect(latest.keySerde).toBe(base.keySerde);
  });

  it('hands serdes, extractor, reset policy and name to the source node', () => {
    const extractor = { extract: () => 0 };
    const builder = new StreamsBuilder();
    builder.stream('in', Consumed.with(Serdes.String(), Serdes.Integer()).withTimestampExtractor(extractor).withOffsetResetPolicy('latest').withName('src'));
    const [source] = builder.build().nodes() as SourceNodeDef[];
    expect(source?.name).toBe('src');
    expect(source?.options).toEqual({ keySerde: expect.anything(), valueSerde: expect.anything(), timestampExtractor: extractor, offsetReset: 'latest' });
  });

  it('the timestamp extractor gives records their event time', async () => {
    const builder = new StreamsBuilder();
    builder.stream('in', Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor({ extract: (r) => Number(r.value) })).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', '12345', 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecord().timestamp).toBe(12345);
  });

  it('rejects a bad extractor or policy', () => {
    expect(() => Consumed.with(undefined, undefined, (() => 1) as never)).toThrow(/timestamp extractor must be an object with extract/);
    expect(() => Consumed.with().withOffsetResetPolicy('none' as never)).toThrow('Consumed: the offset reset policy must be \'earliest\' or \'latest\', but got: none');
  });
});

describe('Produced, Repartitioned, Branched', () => {
  it('are immutable', () => {
    const p = Produced.with(Serdes.String(), Serdes.String());
    expect(p.withName('n').processorName).toBe('n');
    expect(p.processorName).toBeUndefined();
    const r = Repartitioned.as<string, string>('r');
    const r4 = r.withNumberOfPartitions(4);
    expect([r.numberOfPartitions, r4.numberOfPartitions, r4.name]).toEqual([undefined, 4, 'r']);
    const b = Branched.as<string, string>('a');
    expect(b.withName('b').name).toBe('b');
    expect(b.name).toBe('a');
  });

  it('reject bad partition counts and partitioners', () => {
    expect(() => Repartitioned.numberOfPartitions(0)).toThrow('Repartitioned: the number of partitions must be an integer >= 1, but got: 0');
    expect(() => Repartitioned.as('r').withNumberOfPartitions(1.5)).toThrow(RangeError);
    expect(() => Repartitioned.streamPartitioner(3 as never)).toThrow(/stream partitioner must be a function/);
    expect(() => Produced.with(undefined, undefined, 'p' as never)).toThrow(/stream partitioner must be a function/);
    expect(() => Branched.withConsumer(undefined as never)).toThrow(/Branched.withConsumer\(\): chain must be a function/);
  });
});

describe('StreamsBuilder.stream', () => {
  it('reads several topics with one source node', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>(['t1', 't2']).to('out');
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('Source: KSTREAM-SOURCE-0000000000 (topics: [t1, t2])');
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    await driver.createInputTopic('t2', Serdes.String(), Serdes.String()).pipeInput('k', 'from t2', 1);
    await driver.createInputTopic('t1', Serdes.String(), Serdes.String()).pipeInput('k', 'from t1', 2);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['from t2', 'from t1']);
  });

  it('rejects no topic', () => {
    const builder = new StreamsBuilder();
    expect(() => builder.stream([])).toThrow('stream(): topics must be a topic name or a non-empty list of topic names, but got: an object (Array)');
    expect(() => builder.stream('')).toThrow(TypeError);
    expect(() => builder.stream('t', {} as never)).toThrow(/stream\(\): consumed must be a Consumed or undefined/);
  });

  // Kafka's InternalStreamsBuilder.mergeDuplicateSourceNodes; the expected text is Kafka 4.1.2's
  // describe() of the same program.
  it('two streams of the same topic share one source node, as Kafka', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('same').filter(() => true).to('a');
    builder.stream<string, string>('same').mapValues((v) => v.toUpperCase()).to('b');
    const topology = builder.build();
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [same])\n' +
      '      --> KSTREAM-FILTER-0000000001, KSTREAM-MAPVALUES-0000000004\n' +
      '    Processor: KSTREAM-FILTER-0000000001 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000004 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Sink: KSTREAM-SINK-0000000002 (topic: a)\n' +
      '      <-- KSTREAM-FILTER-0000000001\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: b)\n' +
      '      <-- KSTREAM-MAPVALUES-0000000004\n\n',
    );
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    await driver.createInputTopic('same', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(driver.createOutputTopic('a', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['v']);
    expect(driver.createOutputTopic('b', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['V']);
  });

  it('rejects sources whose topic lists overlap without being equal', () => {
    const builder = new StreamsBuilder();
    builder.stream(['a', 'b']);
    builder.stream('a');
    expect(() => builder.build()).toThrow(/Two source nodes are subscribed to overlapping but not equal input topics/);
  });
});
