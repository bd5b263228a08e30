import { describe, expect, it } from 'vitest';
import { Grouped } from '../../src/dsl/grouped.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';

const concat = (_k: string, v: string, agg: string): string => agg + v;

// describe() of cogrouped topologies whose inputs are repartitioned. The programs and expected
// texts are those of Kafka's CogroupedKStreamImplTest (apache/kafka,
// streams/src/test/java/org/apache/kafka/streams/kstream/internals/CogroupedKStreamImplTest.java),
// tests named in each case.
describe('describe() of cogrouped aggregations with repartitioned inputs', () => {
  function groupedReusedInDifferentCogroups(): StreamsBuilder {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream<string, string>('one');
    const stream2 = builder.stream<string, string>('two');
    const stream3 = builder.stream<string, string>('three');
    const groupedOne = stream1.map((k, v) => ({ key: v, value: k })).groupByKey();
    const groupedTwo = stream2.groupByKey();
    const groupedThree = stream3.groupByKey();
    groupedOne.cogroup(concat).cogroup(groupedThree, concat).aggregate(() => '');
    groupedOne.cogroup(concat).cogroup(groupedTwo, concat).aggregate(() => '');
    return builder;
  }

  // shouldInsertRepartitionsTopicForUpstreamKeyModificationWithGroupedReusedInDifferentCogroups
  it('a key-changed grouped stream in two cogroups: one repartition topic per cogroup, named after its store', () => {
    expect(groupedReusedInDifferentCogroups().build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
      '      --> KSTREAM-MAP-0000000003\n' +
      '    Processor: KSTREAM-MAP-0000000003 (stores: [])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter, COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter (stores: [])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink\n' +
      '      <-- KSTREAM-MAP-0000000003\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter (stores: [])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-sink\n' +
      '      <-- KSTREAM-MAP-0000000003\n' +
      '    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter\n' +
      '    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition)\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-filter\n\n' +
      '  Sub-topology: 1\n' +
      '    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000015\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000016\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000015 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000017\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000016 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000017\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000017 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000015, COGROUPKSTREAM-AGGREGATE-0000000016\n\n' +
      '  Sub-topology: 2\n' +
      '    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000008\n' +
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [three])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000009\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000010\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000009 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000010\n' +
      '      <-- KSTREAM-SOURCE-0000000002\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000010 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000008, COGROUPKSTREAM-AGGREGATE-0000000009\n\n',
    );
  });

  // shouldInsertRepartitionsTopicForUpstreamKeyModificationWithGroupedReusedInDifferentCogroupsWithOptimization
  it('the same with topology.optimization=all: the two repartition topics merge into the first', () => {
    expect(groupedReusedInDifferentCogroups().build({ 'topology.optimization': 'all' }).describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
      '      --> KSTREAM-MAP-0000000003\n' +
      '    Processor: KSTREAM-MAP-0000000003 (stores: [])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter (stores: [])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink\n' +
      '      <-- KSTREAM-MAP-0000000003\n' +
      '    Sink: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-sink (topic: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-filter\n\n' +
      '  Sub-topology: 1\n' +
      '    Source: COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source (topics: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000008, COGROUPKSTREAM-AGGREGATE-0000000015\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000016\n' +
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [three])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000009\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000010\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000009 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000010\n' +
      '      <-- KSTREAM-SOURCE-0000000002\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000015 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000017\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000016 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000011])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000017\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000010 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000008, COGROUPKSTREAM-AGGREGATE-0000000009\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000017 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000015, COGROUPKSTREAM-AGGREGATE-0000000016\n\n',
    );
  });

  // shouldInsertRepartitionsTopicForCogroupsUsedTwice
  it('one cogrouped stream aggregated twice: its repartition topic is written once and read by both', () => {
    const builder = new StreamsBuilder();
    const groupedOne = builder.stream<string, string>('one').map((k, v) => ({ key: v, value: k })).groupByKey(Grouped.as('foo'));
    const one = groupedOne.cogroup(concat);
    one.aggregate(() => '');
    one.aggregate(() => '');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
      '      --> KSTREAM-MAP-0000000001\n' +
      '    Processor: KSTREAM-MAP-0000000001 (stores: [])\n' +
      '      --> foo-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: foo-repartition-filter (stores: [])\n' +
      '      --> foo-repartition-sink\n' +
      '      <-- KSTREAM-MAP-0000000001\n' +
      '    Sink: foo-repartition-sink (topic: foo-repartition)\n' +
      '      <-- foo-repartition-filter\n\n' +
      '  Sub-topology: 1\n' +
      '    Source: foo-repartition-source (topics: [foo-repartition])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000006, COGROUPKSTREAM-AGGREGATE-0000000012\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000006 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000007\n' +
      '      <-- foo-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000012 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000008])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000013\n' +
      '      <-- foo-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000007 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000006\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000013 (stores: [])\n' +
      '      --> none\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000012\n\n',
    );
  });
});
