import { describe, expect, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Named } from '../../src/dsl/named.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';

// `Topology.describe()` of DSL programs, compared with the text Kafka Streams prints for the same
// program. Every expected text below is what Kafka Streams 4.1.2 printed for the same program
// (test/dsl/kafka-reference/DslDescribe.java runs them against kafka-streams-4.1.2.jar); where
// Kafka's own tests hold the program, that test is named too.
describe('describe() of DSL topologies', () => {
  it('filter → to (the seed\'s filter program)', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('stream_log').filter((_k, v) => v.length > 5).to('stream_log_filter');
    expect(builder.build().describe().toString()).toBe(
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

  // apache/kafka streams/src/test/java/org/apache/kafka/streams/kstream/internals/graph/StreamsGraphTest.java,
  // shouldOptimizeSeveralMergeNodesWithCommonKeyChangingParent / expectedMergeOptimizedTopology
  // (no repartition topic is involved, so the optimization changes nothing).
  it('selectKey, three mapValues, two merges (Kafka\'s StreamsGraphTest.expectedMergeOptimizedTopology)', () => {
    const builder = new StreamsBuilder();
    const parent = builder.stream('input_topic', Consumed.with(Serdes.Integer(), Serdes.Integer())).selectKey((k, v) => k + v);
    const child1 = parent.mapValues((v) => v + 1);
    const child2 = parent.mapValues((v) => v + 2);
    const child3 = parent.mapValues((v) => v + 3);
    child1.merge(child2).merge(child3).to('output_topic');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [input_topic])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003, KSTREAM-MAPVALUES-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000002 (stores: [])\n' +
      '      --> KSTREAM-MERGE-0000000005\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000003 (stores: [])\n' +
      '      --> KSTREAM-MERGE-0000000005\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000004 (stores: [])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-MERGE-0000000005 (stores: [])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-MAPVALUES-0000000002, KSTREAM-MAPVALUES-0000000003\n' +
      '    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000007\n' +
      '      <-- KSTREAM-MERGE-0000000005, KSTREAM-MAPVALUES-0000000004\n' +
      '    Sink: KSTREAM-SINK-0000000007 (topic: output_topic)\n' +
      '      <-- KSTREAM-MERGE-0000000006\n\n',
    );
  });

  // Kafka Streams prints this for `stream(t).repartition(Repartitioned.numberOfPartitions(10)).foreach(..)`
  // (KStreamImpl.doRepartition + createRepartitionedSource: KSTREAM-REPARTITION-1 names the topic,
  // then sink 2, filter 3, source 4; the filter is written before the sink).
  it('repartition() splits the program into two sub-topologies', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('customer-input').repartition(Repartitioned.numberOfPartitions(10)).foreach(() => undefined);
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [customer-input])\n' +
      '      --> KSTREAM-FILTER-0000000003\n' +
      '    Processor: KSTREAM-FILTER-0000000003 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Sink: KSTREAM-SINK-0000000002 (topic: KSTREAM-REPARTITION-0000000001-repartition)\n' +
      '      <-- KSTREAM-FILTER-0000000003\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000004 (topics: [KSTREAM-REPARTITION-0000000001-repartition])\n' +
      '      --> KSTREAM-FOREACH-0000000005\n' +
      '    Processor: KSTREAM-FOREACH-0000000005 (stores: [])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000004\n\n',
    );
  });

  it('a named repartition names its three nodes after the topic', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').selectKey((_k, v) => v).repartition(Repartitioned.as('by-value')).to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> by-value-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: by-value-repartition-filter (stores: [])\n' +
      '      --> by-value-repartition-sink\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Sink: by-value-repartition-sink (topic: by-value-repartition)\n' +
      '      <-- by-value-repartition-filter\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: by-value-repartition-source (topics: [by-value-repartition])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: out)\n' +
      '      <-- by-value-repartition-source\n\n',
    );
  });

  // The branch part of StreamsGraphTest.shouldNotThrowNPEWithMergeNodes (expectedComplexMergeOptimizeTopology,
  // sub-topology 3: KSTREAM-BRANCH-0000000027 → …270 (default), …271), here without the join in
  // front, so every index is 26 lower. Note `--> KSTREAM-MAP-0000000011, KSTREAM-FILTER-0000000007`:
  // Kafka fills its sorted successor sets while subtree sizes are still growing, so the larger
  // FILTER subtree is not listed first (with Kafka's own indices it happens to be).
  it('split() with consumers, as in StreamsGraphTest', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').split()
      .branch((_k, v) => v === 'some-value', Branched.withConsumer((ks) => ks.map((k, v) => ({ key: k, value: v }))
        .peek(() => undefined)
        .to('external-command')))
      .defaultBranch(Branched.withConsumer((ks) => {
        ks.filter((_k, v) => v !== null).peek(() => undefined).mapValues((v) => v).to('dlq-topic');
        ks.map((k, v) => ({ key: k, value: v })).to('retryTopic');
      }));
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> KSTREAM-BRANCH-0000000001\n' +
      '    Processor: KSTREAM-BRANCH-0000000001 (stores: [])\n' +
      '      --> KSTREAM-BRANCH-00000000010, KSTREAM-BRANCH-00000000011\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-BRANCH-00000000010 (stores: [])\n' +
      '      --> KSTREAM-MAP-0000000011, KSTREAM-FILTER-0000000007\n' +
      '      <-- KSTREAM-BRANCH-0000000001\n' +
      '    Processor: KSTREAM-BRANCH-00000000011 (stores: [])\n' +
      '      --> KSTREAM-MAP-0000000003\n' +
      '      <-- KSTREAM-BRANCH-0000000001\n' +
      '    Processor: KSTREAM-FILTER-0000000007 (stores: [])\n' +
      '      --> KSTREAM-PEEK-0000000008\n' +
      '      <-- KSTREAM-BRANCH-00000000010\n' +
      '    Processor: KSTREAM-MAP-0000000003 (stores: [])\n' +
      '      --> KSTREAM-PEEK-0000000004\n' +
      '      <-- KSTREAM-BRANCH-00000000011\n' +
      '    Processor: KSTREAM-PEEK-0000000008 (stores: [])\n' +
      '      --> KSTREAM-MAPVALUES-0000000009\n' +
      '      <-- KSTREAM-FILTER-0000000007\n' +
      '    Processor: KSTREAM-MAP-0000000011 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000012\n' +
      '      <-- KSTREAM-BRANCH-00000000010\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000009 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000010\n' +
      '      <-- KSTREAM-PEEK-0000000008\n' +
      '    Processor: KSTREAM-PEEK-0000000004 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-MAP-0000000003\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: external-command)\n' +
      '      <-- KSTREAM-PEEK-0000000004\n' +
      '    Sink: KSTREAM-SINK-0000000010 (topic: dlq-topic)\n' +
      '      <-- KSTREAM-MAPVALUES-0000000009\n' +
      '    Sink: KSTREAM-SINK-0000000012 (topic: retryTopic)\n' +
      '      <-- KSTREAM-MAP-0000000011\n\n',
    );
  });

  // As StreamsGraphTest.shouldBeAbleToBuildTopologyIncrementally: each build() writes only the
  // nodes added since the previous one, into the same Topology.
  it('builds incrementally: a second build() adds only what was defined since', () => {
    const builder = new StreamsBuilder();
    const filtered = builder.stream<string, string>('topic').merge(builder.stream<string, string>('other-topic')).filter((_k, v) => v === 'foo');
    const first = builder.build();
    expect(first.describe().toString()).toContain('Processor: KSTREAM-FILTER-0000000003 (stores: [])\n      --> none\n');
    filtered.mapValues((v) => `${v}some value`).to('output-topic');
    const second = builder.build();
    expect(second).toBe(first);
    expect(second.describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
      '      --> KSTREAM-MERGE-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [other-topic])\n' +
      '      --> KSTREAM-MERGE-0000000002\n' +
      '    Processor: KSTREAM-MERGE-0000000002 (stores: [])\n' +
      '      --> KSTREAM-FILTER-0000000003\n' +
      '      <-- KSTREAM-SOURCE-0000000000, KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KSTREAM-FILTER-0000000003 (stores: [])\n' +
      '      --> KSTREAM-MAPVALUES-0000000004\n' +
      '      <-- KSTREAM-MERGE-0000000002\n' +
      '    Processor: KSTREAM-MAPVALUES-0000000004 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-FILTER-0000000003\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: output-topic)\n' +
      '      <-- KSTREAM-MAPVALUES-0000000004\n\n',
    );
  });

  it('two independent streams are two sub-topologies, numbered in the order they were defined', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('b-topic', Consumed.as('zeta')).to('b-out');
    builder.stream<string, string>('a-topic', Consumed.as('alpha')).peek(() => undefined, Named.as('look')).to('a-out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: zeta (topics: [b-topic])\n' +
      '      --> KSTREAM-SINK-0000000001\n' +
      '    Sink: KSTREAM-SINK-0000000001 (topic: b-out)\n' +
      '      <-- zeta\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: alpha (topics: [a-topic])\n' +
      '      --> look\n' +
      '    Processor: look (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000004\n' +
      '      <-- alpha\n' +
      '    Sink: KSTREAM-SINK-0000000004 (topic: a-out)\n' +
      '      <-- look\n\n',
    );
  });
});
