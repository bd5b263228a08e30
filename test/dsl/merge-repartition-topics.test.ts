/**
 * `topology.optimization=merge.repartition.topics` (Kafka's `InternalStreamsBuilder`
 * `mergeRepartitionTopics`). The apps and expected `describe()` strings are those of Kafka's
 * `RepartitionOptimizingTest`, `RepartitionWithMergeOptimizingTest`, `StreamsGraphTest` and
 * `RepartitionMergeAcrossValueChangingOperationTest`.
 */
import { describe, expect, it } from 'vitest';
import type { TopologyBuildConfig } from '../../src/config.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Grouped } from '../../src/dsl/grouped.js';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import type { KStream } from '../../src/dsl/kstream.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamJoined } from '../../src/dsl/stream-joined.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { Record } from '../../src/processor/record.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import type { Topology } from '../../src/topology/topology.js';

type BuildConfig = TopologyBuildConfig;
const MERGE: BuildConfig = { 'topology.optimization': 'merge.repartition.topics' };
const DAY = 24 * 60 * 60 * 1000;

const repartitionSinks = (text: string): number => (text.match(/Sink: .*-repartition/g) ?? []).length;

/** Kafka's `RepartitionOptimizingTest.runTest` app: one `map`, then a process branch, count, aggregate, reduce and a join. */
function repartitionOptimizingApp(collected: string[]): StreamsBuilder {
  const builder = new StreamsBuilder();
  const source = builder.stream('input', Consumed.with(Serdes.String(), Serdes.String()).withName('sourceStream'));
  const mapped = source.map((k, v) => ({ key: k.toUpperCase(), value: v }), Named.as('source-map'));
  mapped
    .filter((k) => k === 'B', Named.as('process-filter'))
    .mapValues((v) => v.toUpperCase(), Named.as('process-mapValues'))
    .process(() => ({ process: (record: Record<string, string>) => void collected.push(record.value) }), Named.as('process'));
  const countStream = mapped
    .groupByKey(Grouped.as('count-groupByKey'))
    .count(Named.as('count'), Materialized.as<string, number>(Stores.inMemoryKeyValueStore('count-store')).withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
    .toStream(Named.as('count-toStream'));
  countStream.to('outputTopic_0', Produced.with(Serdes.String(), Serdes.Long()).withName('count-to'));
  mapped
    .groupByKey(Grouped.as('aggregate-groupByKey'))
    .aggregate(() => 0, (_k, v, agg) => agg + v.length, Named.as('aggregate'), Materialized.as<string, number>(Stores.inMemoryKeyValueStore('aggregate-store')).withKeySerde(Serdes.String()).withValueSerde(Serdes.Integer()))
    .toStream(Named.as('aggregate-toStream'))
    .to('outputTopic_1', Produced.with(Serdes.String(), Serdes.Integer()).withName('reduce-to'));
  mapped
    .filter(() => true, Named.as('reduce-filter'))
    .peek(() => {}, Named.as('reduce-peek'))
    .groupByKey(Grouped.as('reduce-groupByKey'))
    .reduce((v1, v2) => `${v1}:${v2}`, Named.as('reducer'), Materialized.as<string, string>(Stores.inMemoryKeyValueStore('reduce-store')))
    .toStream(Named.as('reduce-toStream'))
    .to('outputTopic_2', Produced.with(Serdes.String(), Serdes.String()));
  mapped
    .filter((k) => k === 'A', Named.as('join-filter'))
    .join(
      countStream,
      (v1, v2) => `${v1}:${v2}`,
      JoinWindows.of(5000),
      StreamJoined.withStoreSuppliers<string, string, number>(Stores.inMemoryWindowStore('join-store', DAY, 10000, true), Stores.inMemoryWindowStore('other-join-store', DAY, 10000, true))
        .withName('join')
        .withKeySerde(Serdes.String())
        .withValueSerde(Serdes.String())
        .withOtherValueSerde(Serdes.Long()),
    )
    .to('joinedOutputTopic', Produced.as('join-to'));
  return builder;
}

const lines = (...l: string[]): string => `${l.join('\n')}\n\n`;

/** Kafka's `RepartitionOptimizingTest.EXPECTED_OPTIMIZED_TOPOLOGY`, verbatim. */
const EXPECTED_OPTIMIZED = lines(
  'Topologies:',
  '   Sub-topology: 0',
  '    Source: sourceStream (topics: [input])',
  '      --> source-map',
  '    Processor: source-map (stores: [])',
  '      --> process-filter, count-groupByKey-repartition-filter',
  '      <-- sourceStream',
  '    Processor: process-filter (stores: [])',
  '      --> process-mapValues',
  '      <-- source-map',
  '    Processor: count-groupByKey-repartition-filter (stores: [])',
  '      --> count-groupByKey-repartition-sink',
  '      <-- source-map',
  '    Processor: process-mapValues (stores: [])',
  '      --> process',
  '      <-- process-filter',
  '    Sink: count-groupByKey-repartition-sink (topic: count-groupByKey-repartition)',
  '      <-- count-groupByKey-repartition-filter',
  '    Processor: process (stores: [])',
  '      --> none',
  '      <-- process-mapValues',
  '',
  '  Sub-topology: 1',
  '    Source: count-groupByKey-repartition-source (topics: [count-groupByKey-repartition])',
  '      --> aggregate, count, join-filter, reduce-filter',
  '    Processor: count (stores: [count-store])',
  '      --> count-toStream',
  '      <-- count-groupByKey-repartition-source',
  '    Processor: count-toStream (stores: [])',
  '      --> join-other-windowed, count-to',
  '      <-- count',
  '    Processor: join-filter (stores: [])',
  '      --> join-this-windowed',
  '      <-- count-groupByKey-repartition-source',
  '    Processor: reduce-filter (stores: [])',
  '      --> reduce-peek',
  '      <-- count-groupByKey-repartition-source',
  '    Processor: join-other-windowed (stores: [other-join-store])',
  '      --> join-other-join',
  '      <-- count-toStream',
  '    Processor: join-this-windowed (stores: [join-store])',
  '      --> join-this-join',
  '      <-- join-filter',
  '    Processor: reduce-peek (stores: [])',
  '      --> reducer',
  '      <-- reduce-filter',
  '    Processor: aggregate (stores: [aggregate-store])',
  '      --> aggregate-toStream',
  '      <-- count-groupByKey-repartition-source',
  '    Processor: join-other-join (stores: [join-store])',
  '      --> join-merge',
  '      <-- join-other-windowed',
  '    Processor: join-this-join (stores: [other-join-store])',
  '      --> join-merge',
  '      <-- join-this-windowed',
  '    Processor: reducer (stores: [reduce-store])',
  '      --> reduce-toStream',
  '      <-- reduce-peek',
  '    Processor: aggregate-toStream (stores: [])',
  '      --> reduce-to',
  '      <-- aggregate',
  '    Processor: join-merge (stores: [])',
  '      --> join-to',
  '      <-- join-this-join, join-other-join',
  '    Processor: reduce-toStream (stores: [])',
  '      --> KSTREAM-SINK-0000000023',
  '      <-- reducer',
  '    Sink: KSTREAM-SINK-0000000023 (topic: outputTopic_2)',
  '      <-- reduce-toStream',
  '    Sink: count-to (topic: outputTopic_0)',
  '      <-- count-toStream',
  '    Sink: join-to (topic: joinedOutputTopic)',
  '      <-- join-merge',
  '    Sink: reduce-to (topic: outputTopic_1)',
  '      <-- aggregate-toStream',
);

/** Kafka's `RepartitionOptimizingTest.EXPECTED_UNOPTIMIZED_TOPOLOGY`, verbatim. */
const EXPECTED_UNOPTIMIZED = lines(
  'Topologies:',
  '   Sub-topology: 0',
  '    Source: sourceStream (topics: [input])',
  '      --> source-map',
  '    Processor: source-map (stores: [])',
  '      --> reduce-filter, process-filter, aggregate-groupByKey-repartition-filter, count-groupByKey-repartition-filter, join-filter',
  '      <-- sourceStream',
  '    Processor: reduce-filter (stores: [])',
  '      --> reduce-peek',
  '      <-- source-map',
  '    Processor: join-filter (stores: [])',
  '      --> join-left-repartition-filter',
  '      <-- source-map',
  '    Processor: process-filter (stores: [])',
  '      --> process-mapValues',
  '      <-- source-map',
  '    Processor: reduce-peek (stores: [])',
  '      --> reduce-groupByKey-repartition-filter',
  '      <-- reduce-filter',
  '    Processor: aggregate-groupByKey-repartition-filter (stores: [])',
  '      --> aggregate-groupByKey-repartition-sink',
  '      <-- source-map',
  '    Processor: count-groupByKey-repartition-filter (stores: [])',
  '      --> count-groupByKey-repartition-sink',
  '      <-- source-map',
  '    Processor: join-left-repartition-filter (stores: [])',
  '      --> join-left-repartition-sink',
  '      <-- join-filter',
  '    Processor: process-mapValues (stores: [])',
  '      --> process',
  '      <-- process-filter',
  '    Processor: reduce-groupByKey-repartition-filter (stores: [])',
  '      --> reduce-groupByKey-repartition-sink',
  '      <-- reduce-peek',
  '    Sink: aggregate-groupByKey-repartition-sink (topic: aggregate-groupByKey-repartition)',
  '      <-- aggregate-groupByKey-repartition-filter',
  '    Sink: count-groupByKey-repartition-sink (topic: count-groupByKey-repartition)',
  '      <-- count-groupByKey-repartition-filter',
  '    Sink: join-left-repartition-sink (topic: join-left-repartition)',
  '      <-- join-left-repartition-filter',
  '    Processor: process (stores: [])',
  '      --> none',
  '      <-- process-mapValues',
  '    Sink: reduce-groupByKey-repartition-sink (topic: reduce-groupByKey-repartition)',
  '      <-- reduce-groupByKey-repartition-filter',
  '',
  '  Sub-topology: 1',
  '    Source: count-groupByKey-repartition-source (topics: [count-groupByKey-repartition])',
  '      --> count',
  '    Processor: count (stores: [count-store])',
  '      --> count-toStream',
  '      <-- count-groupByKey-repartition-source',
  '    Processor: count-toStream (stores: [])',
  '      --> join-other-windowed, count-to',
  '      <-- count',
  '    Source: join-left-repartition-source (topics: [join-left-repartition])',
  '      --> join-this-windowed',
  '    Processor: join-other-windowed (stores: [other-join-store])',
  '      --> join-other-join',
  '      <-- count-toStream',
  '    Processor: join-this-windowed (stores: [join-store])',
  '      --> join-this-join',
  '      <-- join-left-repartition-source',
  '    Processor: join-other-join (stores: [join-store])',
  '      --> join-merge',
  '      <-- join-other-windowed',
  '    Processor: join-this-join (stores: [other-join-store])',
  '      --> join-merge',
  '      <-- join-this-windowed',
  '    Processor: join-merge (stores: [])',
  '      --> join-to',
  '      <-- join-this-join, join-other-join',
  '    Sink: count-to (topic: outputTopic_0)',
  '      <-- count-toStream',
  '    Sink: join-to (topic: joinedOutputTopic)',
  '      <-- join-merge',
  '',
  '  Sub-topology: 2',
  '    Source: aggregate-groupByKey-repartition-source (topics: [aggregate-groupByKey-repartition])',
  '      --> aggregate',
  '    Processor: aggregate (stores: [aggregate-store])',
  '      --> aggregate-toStream',
  '      <-- aggregate-groupByKey-repartition-source',
  '    Processor: aggregate-toStream (stores: [])',
  '      --> reduce-to',
  '      <-- aggregate',
  '    Sink: reduce-to (topic: outputTopic_1)',
  '      <-- aggregate-toStream',
  '',
  '  Sub-topology: 3',
  '    Source: reduce-groupByKey-repartition-source (topics: [reduce-groupByKey-repartition])',
  '      --> reducer',
  '    Processor: reducer (stores: [reduce-store])',
  '      --> reduce-toStream',
  '      <-- reduce-groupByKey-repartition-source',
  '    Processor: reduce-toStream (stores: [])',
  '      --> KSTREAM-SINK-0000000023',
  '      <-- reducer',
  '    Sink: KSTREAM-SINK-0000000023 (topic: outputTopic_2)',
  '      <-- reduce-toStream',
);

const repartitionTopics = (topology: Topology): string[] =>
  topology
    .metadata('app')
    .internalTopics.filter((t) => t.kind === 'repartition')
    .map((t) => t.name)
    .sort();

interface Outputs {
  readonly collected: string[];
  readonly count: [string | null, number][];
  readonly aggregate: [string | null, number][];
  readonly reduce: [string | null, string][];
  readonly joined: [string | null, string][];
}

/** Kafka's `runTest`: a, b, c × foo, bar, baz through the app; the last value per key of each output. */
async function runRepartitionOptimizingApp(config: BuildConfig): Promise<{ topology: Topology; outputs: Outputs }> {
  const collected: string[] = [];
  const topology = repartitionOptimizingApp(collected).build(config);
  const driver = new TopologyTestDriver(topology, { 'application.id': 'app', 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() }, 0);
  try {
    const input = driver.createInputTopic('input', Serdes.String(), Serdes.String());
    await input.pipeKeyValueList(['a', 'b', 'c'].flatMap((key) => ['foo', 'bar', 'baz'].map((value) => ({ key, value }))));
    const read = <V>(topic: string, serde: Parameters<typeof driver.createOutputTopic<string, V>>[2]): [string | null, V][] =>
      [...driver.createOutputTopic(topic, Serdes.String(), serde).readKeyValuesToMap()].sort(([a], [b]) => String(a).localeCompare(String(b)));
    const outputs = {
      collected,
      count: read('outputTopic_0', Serdes.Long()),
      aggregate: read('outputTopic_1', Serdes.Integer()),
      reduce: read('outputTopic_2', Serdes.String()),
      joined: read('joinedOutputTopic', Serdes.String()),
    };
    return { topology, outputs };
  } finally {
    await driver.close();
  }
}

describe("merge.repartition.topics: Kafka's RepartitionOptimizingTest", () => {
  it("prints Kafka's optimized topology: one repartition topic, count-groupByKey-repartition, right after the map", () => {
    const text = repartitionOptimizingApp([]).build(MERGE).describe().toString();
    expect(text).toBe(EXPECTED_OPTIMIZED);
    expect(repartitionSinks(text)).toBe(1);
  });

  it("without it prints Kafka's unoptimized topology with four repartition topics", () => {
    for (const config of [undefined, { 'topology.optimization': 'none' }, { 'topology.optimization': 'reuse.ktable.source.topics' }]) {
      const text = repartitionOptimizingApp([]).build(config).describe().toString();
      expect(text).toBe(EXPECTED_UNOPTIMIZED);
      expect(repartitionSinks(text)).toBe(4);
    }
  });

  it('is also applied with reuse.ktable.source.topics in the list', () => {
    const config = { 'topology.optimization': 'reuse.ktable.source.topics, merge.repartition.topics' };
    expect(repartitionOptimizingApp([]).build(config).describe().toString()).toBe(EXPECTED_OPTIMIZED);
  });

  it('TopologyTestDriver: the same output records with and without it, through one repartition topic instead of four', async () => {
    const plain = await runRepartitionOptimizingApp({});
    const merged = await runRepartitionOptimizingApp(MERGE);
    // Kafka's expected values.
    const expected: Outputs = {
      collected: ['FOO', 'BAR', 'BAZ'],
      count: [['A', 3], ['B', 3], ['C', 3]],
      aggregate: [['A', 9], ['B', 9], ['C', 9]],
      reduce: [['A', 'foo:bar:baz'], ['B', 'foo:bar:baz'], ['C', 'foo:bar:baz']],
      joined: [['A', 'baz:3']],
    };
    expect(plain.outputs).toEqual(expected);
    expect(merged.outputs).toEqual(expected);
    expect(repartitionTopics(plain.topology)).toEqual([
      'app-aggregate-groupByKey-repartition',
      'app-count-groupByKey-repartition',
      'app-join-left-repartition',
      'app-reduce-groupByKey-repartition',
    ]);
    expect(repartitionTopics(merged.topology)).toEqual(['app-count-groupByKey-repartition']);
  });
});

/** Kafka's `RepartitionWithMergeOptimizingTest` app: two maps merged, then two counts. */
function mergeApp(): StreamsBuilder {
  const builder = new StreamsBuilder();
  const a = builder.stream('inputA', Consumed.with(Serdes.String(), Serdes.String()).withName('sourceAStream'));
  const b = builder.stream('inputB', Consumed.with(Serdes.String(), Serdes.String()).withName('sourceBStream'));
  const mappedA = a.map((_k, v) => ({ key: v.split(':')[0]!, value: v }), Named.as('mappedAStream'));
  const mappedB = b.map((_k, v) => ({ key: v.split(':')[0]!, value: v }), Named.as('mappedBStream'));
  const merged = mappedA.merge(mappedB, Named.as('mergedStream'));
  merged
    .groupByKey(Grouped.as('long-groupByKey'))
    .count(Named.as('long-count'), Materialized.as<string, number>(Stores.inMemoryKeyValueStore('long-store')))
    .toStream(Named.as('long-toStream'))
    .to('outputTopic_0', Produced.with(Serdes.String(), Serdes.Long()).withName('long-to'));
  merged
    .groupByKey(Grouped.as('string-groupByKey'))
    .count(Named.as('string-count'), Materialized.as<string, number>(Stores.inMemoryKeyValueStore('string-store')))
    .toStream(Named.as('string-toStream'))
    .mapValues((v) => String(v), Named.as('string-mapValues'))
    .to('outputTopic_1', Produced.with(Serdes.String(), Serdes.String()).withName('string-to'));
  return builder;
}

/** Kafka's `RepartitionWithMergeOptimizingTest.EXPECTED_OPTIMIZED_TOPOLOGY`, verbatim. */
const EXPECTED_MERGE_OPTIMIZED = lines(
  'Topologies:',
  '   Sub-topology: 0',
  '    Source: sourceAStream (topics: [inputA])',
  '      --> mappedAStream',
  '    Source: sourceBStream (topics: [inputB])',
  '      --> mappedBStream',
  '    Processor: mappedAStream (stores: [])',
  '      --> mergedStream',
  '      <-- sourceAStream',
  '    Processor: mappedBStream (stores: [])',
  '      --> mergedStream',
  '      <-- sourceBStream',
  '    Processor: mergedStream (stores: [])',
  '      --> long-groupByKey-repartition-filter',
  '      <-- mappedAStream, mappedBStream',
  '    Processor: long-groupByKey-repartition-filter (stores: [])',
  '      --> long-groupByKey-repartition-sink',
  '      <-- mergedStream',
  '    Sink: long-groupByKey-repartition-sink (topic: long-groupByKey-repartition)',
  '      <-- long-groupByKey-repartition-filter',
  '',
  '  Sub-topology: 1',
  '    Source: long-groupByKey-repartition-source (topics: [long-groupByKey-repartition])',
  '      --> long-count, string-count',
  '    Processor: string-count (stores: [string-store])',
  '      --> string-toStream',
  '      <-- long-groupByKey-repartition-source',
  '    Processor: long-count (stores: [long-store])',
  '      --> long-toStream',
  '      <-- long-groupByKey-repartition-source',
  '    Processor: string-toStream (stores: [])',
  '      --> string-mapValues',
  '      <-- string-count',
  '    Processor: long-toStream (stores: [])',
  '      --> long-to',
  '      <-- long-count',
  '    Processor: string-mapValues (stores: [])',
  '      --> string-to',
  '      <-- string-toStream',
  '    Sink: long-to (topic: outputTopic_0)',
  '      <-- long-toStream',
  '    Sink: string-to (topic: outputTopic_1)',
  '      <-- string-mapValues',
);

describe("merge.repartition.topics: Kafka's RepartitionWithMergeOptimizingTest (key changers joined by merge)", () => {
  it("puts the one repartition topic right after the merge, as Kafka's expected topology", () => {
    const text = mergeApp().build(MERGE).describe().toString();
    expect(text).toBe(EXPECTED_MERGE_OPTIMIZED);
    expect(repartitionSinks(text)).toBe(1);
    expect(repartitionSinks(mergeApp().build().describe().toString())).toBe(2);
  });

  it('TopologyTestDriver: the same counts with and without it', async () => {
    const run = async (config: BuildConfig): Promise<unknown[]> => {
      const topology = mergeApp().build(config);
      expect(repartitionTopics(topology)).toEqual(config === MERGE ? ['app-long-groupByKey-repartition'] : ['app-long-groupByKey-repartition', 'app-string-groupByKey-repartition']);
      const driver = new TopologyTestDriver(topology, { 'application.id': 'app', 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() }, 0);
      try {
        const pairs = ['X', 'Y', 'Z'].flatMap((key) => ['A:foo', 'B:foo', 'C:foo'].map((value) => ({ key, value })));
        await driver.createInputTopic('inputA', Serdes.String(), Serdes.String()).pipeKeyValueList(pairs);
        await driver.createInputTopic('inputB', Serdes.String(), Serdes.String()).pipeKeyValueList(pairs);
        return [
          [...driver.createOutputTopic('outputTopic_0', Serdes.String(), Serdes.Long()).readKeyValuesToMap()].sort(),
          [...driver.createOutputTopic('outputTopic_1', Serdes.String(), Serdes.String()).readKeyValuesToMap()].sort(),
        ];
      } finally {
        await driver.close();
      }
    };
    const expected = [
      [['A', 6], ['B', 6], ['C', 6]],
      [['A', '6'], ['B', '6'], ['C', '6']],
    ];
    expect(await run({})).toEqual(expected);
    expect(await run(MERGE)).toEqual(expected);
  });
});

describe("merge.repartition.topics: what Kafka's StreamsGraphTest leaves alone", () => {
  const both = (app: () => StreamsBuilder): [string, string] => [app().build(MERGE).describe().toString(), app().build().describe().toString()];

  it.each([
    ['keeps repartitions below a value-changing operation (mapValues, flatMapValues) after the key change', (mapped: KStream<string, string>) => {
      mapped.mapValues((v) => v.toUpperCase()).groupByKey().count().toStream().to('output');
      mapped.flatMapValues((v) => v.split(/\s/)).groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5000)).count().toStream().to('windowed-output');
    }],
    ['keeps the topics of repartition() (not optimizable)', (mapped: KStream<string, string>) => {
      mapped.repartition().groupByKey().count().toStream().to('output');
      mapped.repartition().groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5000)).count().toStream().to('windowed-output');
    }],
  ])('%s', (_name, below) => {
    const app = (): StreamsBuilder => {
      const builder = new StreamsBuilder();
      below(builder.stream<string, string>('input').selectKey((k, v) => k + v));
      return builder;
    };
    const [optimized, plain] = both(app);
    expect(optimized).toBe(plain);
    expect(repartitionSinks(optimized)).toBe(2);
  });

  it('changes nothing for several merges below one key changer and no repartition (Kafka: shouldOptimizeSeveralMergeNodesWithCommonKeyChangingParent)', () => {
    const app = (): StreamsBuilder => {
      const builder = new StreamsBuilder();
      const parent = builder.stream('input_topic', Consumed.with(Serdes.Integer(), Serdes.Integer())).selectKey((k, v) => k + v);
      const child1 = parent.mapValues((v) => v + 1);
      const child2 = parent.mapValues((v) => v + 2);
      const child3 = parent.mapValues((v) => v + 3);
      child1.merge(child2).merge(child3).to('output_topic');
      return builder;
    };
    const [optimized, plain] = both(app);
    expect(optimized).toBe(plain);
    expect(optimized).toContain('Processor: KSTREAM-MERGE-0000000006 (stores: [])\n      --> KSTREAM-SINK-0000000007\n      <-- KSTREAM-MERGE-0000000005, KSTREAM-MAPVALUES-0000000004\n');
  });

  it('builds nested key changers (Kafka: shouldBeAbleToProcessNestedMultipleKeyChangingNodes)', () => {
    const builder = new StreamsBuilder();
    const changed = builder.stream<string, string>('inputTopic').selectKey((_k, v) => v.substring(0, 5));
    changed.groupByKey(Grouped.as('count-repartition')).count(Materialized.as('count-store')).toStream().to('count-topic', Produced.with(Serdes.String(), Serdes.Long()));
    changed
      .groupByKey(Grouped.as('windowed-repartition'))
      .windowedBy(TimeWindows.ofSizeWithNoGrace(5000))
      .count(Materialized.as('windowed-count-store'))
      .toStream()
      .map((k, v) => ({ key: k.key(), value: v }))
      .to('windowed-count', Produced.with(Serdes.String(), Serdes.Long()));
    const text = builder.build(MERGE).describe().toString();
    expect(repartitionSinks(text)).toBe(1);
    // A Grouped name ending in -repartition is the topic as is.
    expect(text).toContain('Source: count-repartition-source (topics: [count-repartition])\n      --> KSTREAM-AGGREGATE-0000000002, KSTREAM-AGGREGATE-0000000008\n');
  });
});

describe('merge.repartition.topics: naming from Kafka createRepartitionNode', () => {
  it('replaces even a single repartition: the first topic is kept, its nodes become <topic>-sink/-filter/-source', () => {
    const app = (): StreamsBuilder => {
      const builder = new StreamsBuilder();
      builder.stream<string, string>('input').selectKey((_k, v) => v).groupByKey().count().toStream().to('output');
      return builder;
    };
    const plain = app().build().describe().toString();
    const optimized = app().build(MERGE).describe().toString();
    expect(plain).toContain('Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition)');
    // Three more indices are drawn (10, 11, 12), after every other name: nothing else is renumbered.
    expect(optimized).toBe(
      plain
        .replaceAll('KSTREAM-SINK-0000000004', 'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition-sink')
        .replaceAll('KSTREAM-FILTER-0000000005', 'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition-filter')
        .replaceAll('KSTREAM-SOURCE-0000000006', 'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition-source'),
    );
  });

  it('a left join below the merged topic still relaxes its null-key filter (merge runs before the KIP-962 rewrite)', async () => {
    const app = (): StreamsBuilder => {
      const builder = new StreamsBuilder();
      const table = builder.table<string, string>('table', Consumed.with(Serdes.String(), Serdes.String()));
      const mapped = builder.stream<string, string>('input', Consumed.with(Serdes.String(), Serdes.String())).selectKey((_k, v) => (v === 'null' ? null : v) as string);
      mapped.leftJoin(table, (v, t) => `${v}/${t}`).to('joined');
      mapped.groupByKey().count().toStream().to('counts', Produced.with(Serdes.String(), Serdes.Long()));
      return builder;
    };
    const run = async (config: BuildConfig): Promise<unknown> => {
      const topology = app().build(config);
      expect(repartitionSinks(topology.describe().toString())).toBe(config === MERGE ? 1 : 2);
      const driver = new TopologyTestDriver(topology, { 'application.id': 'app', 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() }, 0);
      try {
        await driver.createInputTopic('input', Serdes.String(), Serdes.String()).pipeKeyValueList([{ key: 'k', value: 'a' }, { key: 'k', value: 'null' }]);
        return [driver.createOutputTopic('joined', Serdes.String(), Serdes.String()).readKeyValuesToList(), driver.createOutputTopic('counts', Serdes.String(), Serdes.Long()).readKeyValuesToList()];
      } finally {
        await driver.close();
      }
    };
    expect(await run(MERGE)).toEqual(await run({}));
  });
});
