import { describe, expect, it } from 'vitest';
import { Grouped } from '../../src/dsl/grouped.js';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamJoined } from '../../src/dsl/stream-joined.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TableJoined } from '../../src/dsl/table-joined.js';
import { Serdes } from '../../src/serde/serdes.js';

// describe() of stateful DSL programs, compared with the text Kafka Streams prints. Every expected
// text below is what Kafka Streams 4.1.2 printed (Topology.describe().toString()) for the same
// program written with its Java DSL, run outside this repository against kafka-streams-4.1.2.jar;
// the names follow SEMANTICS §12-§13 (KStreamImpl, KTableImpl, KGroupedStreamImpl, KGroupedTableImpl).
describe('describe() of stateful DSL topologies (texts printed by Kafka Streams 4.1.2)', () => {
  it('stream-table join', () => {
    const builder = new StreamsBuilder();
    const address = builder.table<string, string>('address');
    builder.stream<string, string>('order').join(address, (o, a) => `${o} send to ${a}`).to('order_join');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000003 (topics: [order])\n' +
      '      --> KSTREAM-JOIN-0000000004\n' +
      '    Processor: KSTREAM-JOIN-0000000004 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000003\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [address])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: order_join)\n' +
      '      <-- KSTREAM-JOIN-0000000004\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '\n',
    );
  });

  it('stream-globaltable join', () => {
    const builder = new StreamsBuilder();
    const address = builder.globalTable<string, string>('address_v2');
    builder.stream<string, string>('order').join(address, (k) => k, (o, a) => `${o} send to ${a}`).to('order_join_v2');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0 for global store (will not generate tasks)\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [address_v2])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [address_v2-STATE-STORE-0000000000])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000003 (topics: [order])\n' +
      '      --> KSTREAM-LEFTJOIN-0000000004\n' +
      '    Processor: KSTREAM-LEFTJOIN-0000000004 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000003\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: order_join_v2)\n' +
      '      <-- KSTREAM-LEFTJOIN-0000000004\n' +
      '\n',
    );
  });

  it('table-table leftJoin', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('left').leftJoin(builder.table<string, string>('right'), (l, r) => `${l}+${r}`).toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [left])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000004 (topics: [right])\n' +
      '      --> KTABLE-SOURCE-0000000005\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [left-STATE-STORE-0000000000])\n' +
      '      --> KTABLE-JOINTHIS-0000000007\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KTABLE-SOURCE-0000000005 (stores: [right-STATE-STORE-0000000003])\n' +
      '      --> KTABLE-JOINOTHER-0000000008\n' +
      '      <-- KSTREAM-SOURCE-0000000004\n' +
      '    Processor: KTABLE-JOINOTHER-0000000008 (stores: [left-STATE-STORE-0000000000])\n' +
      '      --> KTABLE-MERGE-0000000006\n' +
      '      <-- KTABLE-SOURCE-0000000005\n' +
      '    Processor: KTABLE-JOINTHIS-0000000007 (stores: [right-STATE-STORE-0000000003])\n' +
      '      --> KTABLE-MERGE-0000000006\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-MERGE-0000000006 (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000009\n' +
      '      <-- KTABLE-JOINTHIS-0000000007, KTABLE-JOINOTHER-0000000008\n' +
      '    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000010\n' +
      '      <-- KTABLE-MERGE-0000000006\n' +
      '    Sink: KSTREAM-SINK-0000000010 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000009\n' +
      '\n',
    );
  });

  it('table-table join named and materialized', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('left')
      .join(builder.table<string, string>('right'), (l, r) => `${l}+${r}`, Named.as('lr'), Materialized.as('joined'))
      .toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [left])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000004 (topics: [right])\n' +
      '      --> KTABLE-SOURCE-0000000005\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [left-STATE-STORE-0000000000])\n' +
      '      --> lr-join-this\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KTABLE-SOURCE-0000000005 (stores: [right-STATE-STORE-0000000003])\n' +
      '      --> lr-join-other\n' +
      '      <-- KSTREAM-SOURCE-0000000004\n' +
      '    Processor: lr-join-other (stores: [left-STATE-STORE-0000000000])\n' +
      '      --> lr\n' +
      '      <-- KTABLE-SOURCE-0000000005\n' +
      '    Processor: lr-join-this (stores: [right-STATE-STORE-0000000003])\n' +
      '      --> lr\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Processor: lr (stores: [joined])\n' +
      '      --> KTABLE-TOSTREAM-0000000009\n' +
      '      <-- lr-join-this, lr-join-other\n' +
      '    Processor: KTABLE-TOSTREAM-0000000009 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000010\n' +
      '      <-- lr\n' +
      '    Sink: KSTREAM-SINK-0000000010 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000009\n' +
      '\n',
    );
  });

  it('stream groupBy count', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('input').groupBy((_k, v) => v).count().toStream().to('output', Produced.with(Serdes.String(), Serdes.Long()));
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> KSTREAM-FILTER-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000004\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition)\n' +
      '      <-- KSTREAM-FILTER-0000000005\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition])\n' +
      '      --> KSTREAM-AGGREGATE-0000000003\n' +
      '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n' +
      '      --> KTABLE-TOSTREAM-0000000007\n' +
      '      <-- KSTREAM-SOURCE-0000000006\n' +
      '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000008\n' +
      '      <-- KSTREAM-AGGREGATE-0000000003\n' +
      '    Sink: KSTREAM-SINK-0000000008 (topic: output)\n' +
      '      <-- KTABLE-TOSTREAM-0000000007\n' +
      '\n',
    );
  });

  it('table groupBy count', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t').groupBy((_k, v) => ({ key: v, value: v })).count().toStream().to('o', Produced.with(Serdes.String(), Serdes.Long()));
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [t])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [t-STATE-STORE-0000000000])\n' +
      '      --> KTABLE-SELECT-0000000003\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KTABLE-SELECT-0000000003 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition)\n' +
      '      <-- KTABLE-SELECT-0000000003\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000006 (topics: [KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition])\n' +
      '      --> KTABLE-AGGREGATE-0000000007\n' +
      '    Processor: KTABLE-AGGREGATE-0000000007 (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> KTABLE-TOSTREAM-0000000008\n' +
      '      <-- KSTREAM-SOURCE-0000000006\n' +
      '    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000009\n' +
      '      <-- KTABLE-AGGREGATE-0000000007\n' +
      '    Sink: KSTREAM-SINK-0000000009 (topic: o)\n' +
      '      <-- KTABLE-TOSTREAM-0000000008\n' +
      '\n',
    );
  });

  it('selectKey then stream-table join', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('address');
    builder.stream<string, string>('order').selectKey((_k, v) => v).join(table, (o, a) => o + a).to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-KEY-SELECT-0000000004-repartition])\n' +
      '      --> KSTREAM-JOIN-0000000008\n' +
      '    Processor: KSTREAM-JOIN-0000000008 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> KSTREAM-SINK-0000000009\n' +
      '      <-- KSTREAM-SOURCE-0000000007\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [address])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000009 (topic: out)\n' +
      '      <-- KSTREAM-JOIN-0000000008\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000003 (topics: [order])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000004\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000004 (stores: [])\n' +
      '      --> KSTREAM-FILTER-0000000006\n' +
      '      <-- KSTREAM-SOURCE-0000000003\n' +
      '    Processor: KSTREAM-FILTER-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000004\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-KEY-SELECT-0000000004-repartition)\n' +
      '      <-- KSTREAM-FILTER-0000000006\n' +
      '\n',
    );
  });

  it('one rekeyed stream joined twice', () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('address');
    const rekeyed = builder.stream<string, string>('order').selectKey((_k, v) => v);
    rekeyed.leftJoin(table, (o, a) => o + a).to('out1');
    rekeyed.join(table, (o, a) => o + a).to('out2');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000007 (topics: [KSTREAM-KEY-SELECT-0000000004-repartition])\n' +
      '      --> KSTREAM-JOIN-0000000013, KSTREAM-LEFTJOIN-0000000008\n' +
      '    Processor: KSTREAM-JOIN-0000000013 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> KSTREAM-SINK-0000000014\n' +
      '      <-- KSTREAM-SOURCE-0000000007\n' +
      '    Processor: KSTREAM-LEFTJOIN-0000000008 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> KSTREAM-SINK-0000000009\n' +
      '      <-- KSTREAM-SOURCE-0000000007\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [address])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000009 (topic: out1)\n' +
      '      <-- KSTREAM-LEFTJOIN-0000000008\n' +
      '    Sink: KSTREAM-SINK-0000000014 (topic: out2)\n' +
      '      <-- KSTREAM-JOIN-0000000013\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [address-STATE-STORE-0000000000])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000003 (topics: [order])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000004\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000004 (stores: [])\n' +
      '      --> KSTREAM-FILTER-0000000006\n' +
      '      <-- KSTREAM-SOURCE-0000000003\n' +
      '    Processor: KSTREAM-FILTER-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000005\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000004\n' +
      '    Sink: KSTREAM-SINK-0000000005 (topic: KSTREAM-KEY-SELECT-0000000004-repartition)\n' +
      '      <-- KSTREAM-FILTER-0000000006\n' +
      '\n',
    );
  });

  it('selectKey toTable', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').selectKey((_k, v) => v).toTable().toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> KSTREAM-FILTER-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-FILTER-0000000005 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000004\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Sink: KSTREAM-SINK-0000000004 (topic: KSTREAM-TOTABLE-0000000002-repartition)\n' +
      '      <-- KSTREAM-FILTER-0000000005\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000006 (topics: [KSTREAM-TOTABLE-0000000002-repartition])\n' +
      '      --> KSTREAM-TOTABLE-0000000002\n' +
      '    Processor: KSTREAM-TOTABLE-0000000002 (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000007\n' +
      '      <-- KSTREAM-SOURCE-0000000006\n' +
      '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000008\n' +
      '      <-- KSTREAM-TOTABLE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000008 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000007\n' +
      '\n',
    );
  });

  it('table filter materialized, mapValues', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .filter((_k, v) => v.length > 1, Materialized.as('filtered'))
      .mapValues((v) => v.toUpperCase(), Materialized.with(Serdes.String(), Serdes.String()))
      .toStream().to('o');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [t])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [])\n' +
      '      --> KTABLE-FILTER-0000000003\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KTABLE-FILTER-0000000003 (stores: [filtered])\n' +
      '      --> KTABLE-MAPVALUES-0000000005\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-MAPVALUES-0000000005 (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000006\n' +
      '      <-- KTABLE-FILTER-0000000003\n' +
      '    Processor: KTABLE-TOSTREAM-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000007\n' +
      '      <-- KTABLE-MAPVALUES-0000000005\n' +
      '    Sink: KSTREAM-SINK-0000000007 (topic: o)\n' +
      '      <-- KTABLE-TOSTREAM-0000000006\n' +
      '\n',
    );
  });

  it('groupByKey reduce, count(Materialized), aggregate', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupByKey();
    grouped.reduce((a, b) => a + b, Materialized.as('sum')).toStream().to('o1');
    grouped.count(Materialized.with(Serdes.String(), Serdes.Long())).toStream().to('o2', Produced.with(Serdes.String(), Serdes.Long()));
    grouped.aggregate(() => '', (_k, v, agg) => agg + v).toStream().to('o3');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> KSTREAM-AGGREGATE-0000000006, KSTREAM-AGGREGATE-0000000010, KSTREAM-REDUCE-0000000001\n' +
      '    Processor: KSTREAM-AGGREGATE-0000000006 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000005])\n' +
      '      --> KTABLE-TOSTREAM-0000000007\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-AGGREGATE-0000000010 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000009])\n' +
      '      --> KTABLE-TOSTREAM-0000000011\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-REDUCE-0000000001 (stores: [sum])\n' +
      '      --> KTABLE-TOSTREAM-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000003\n' +
      '      <-- KSTREAM-REDUCE-0000000001\n' +
      '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000008\n' +
      '      <-- KSTREAM-AGGREGATE-0000000006\n' +
      '    Processor: KTABLE-TOSTREAM-0000000011 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000012\n' +
      '      <-- KSTREAM-AGGREGATE-0000000010\n' +
      '    Sink: KSTREAM-SINK-0000000003 (topic: o1)\n' +
      '      <-- KTABLE-TOSTREAM-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000008 (topic: o2)\n' +
      '      <-- KTABLE-TOSTREAM-0000000007\n' +
      '    Sink: KSTREAM-SINK-0000000012 (topic: o3)\n' +
      '      <-- KTABLE-TOSTREAM-0000000011\n' +
      '\n',
    );
  });

  it('Grouped.as shared repartition', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').selectKey((_k, v) => v).groupByKey(Grouped.as('g'));
    grouped.count().toStream().to('o1', Produced.with(Serdes.String(), Serdes.Long()));
    grouped.reduce((a, b) => a + b).toStream().to('o2');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> g-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: g-repartition-filter (stores: [])\n' +
      '      --> g-repartition-sink\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Sink: g-repartition-sink (topic: g-repartition)\n' +
      '      <-- g-repartition-filter\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: g-repartition-source (topics: [g-repartition])\n' +
      '      --> KSTREAM-AGGREGATE-0000000003, KSTREAM-REDUCE-0000000010\n' +
      '    Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])\n' +
      '      --> KTABLE-TOSTREAM-0000000007\n' +
      '      <-- g-repartition-source\n' +
      '    Processor: KSTREAM-REDUCE-0000000010 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000009])\n' +
      '      --> KTABLE-TOSTREAM-0000000014\n' +
      '      <-- g-repartition-source\n' +
      '    Processor: KTABLE-TOSTREAM-0000000007 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000008\n' +
      '      <-- KSTREAM-AGGREGATE-0000000003\n' +
      '    Processor: KTABLE-TOSTREAM-0000000014 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000015\n' +
      '      <-- KSTREAM-REDUCE-0000000010\n' +
      '    Sink: KSTREAM-SINK-0000000008 (topic: o1)\n' +
      '      <-- KTABLE-TOSTREAM-0000000007\n' +
      '    Sink: KSTREAM-SINK-0000000015 (topic: o2)\n' +
      '      <-- KTABLE-TOSTREAM-0000000014\n' +
      '\n',
    );
  });

  it('KTable groupBy reduce and aggregate, named', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.table<string, string>('t').groupBy((k, v) => ({ key: v, value: k }), Grouped.as('by-value'));
    grouped.reduce((a, b) => a + b, (a) => a, Named.as('red'), Materialized.with(Serdes.String(), Serdes.String())).toStream().to('o1');
    grouped.aggregate(() => '', (_k, v, agg) => agg + v, (_k, _v, agg) => agg, Materialized.as('agg')).toStream().to('o2');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [t])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [t-STATE-STORE-0000000000])\n' +
      '      --> by-value\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: by-value (stores: [])\n' +
      '      --> red-sink\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Sink: red-sink (topic: by-value-repartition)\n' +
      '      <-- by-value\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: red-source (topics: [by-value-repartition])\n' +
      '      --> KTABLE-AGGREGATE-0000000012, red\n' +
      '    Processor: KTABLE-AGGREGATE-0000000012 (stores: [agg])\n' +
      '      --> KTABLE-TOSTREAM-0000000013\n' +
      '      <-- red-source\n' +
      '    Processor: red (stores: [KTABLE-AGGREGATE-STATE-STORE-0000000004])\n' +
      '      --> KTABLE-TOSTREAM-0000000008\n' +
      '      <-- red-source\n' +
      '    Processor: KTABLE-TOSTREAM-0000000008 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000009\n' +
      '      <-- red\n' +
      '    Processor: KTABLE-TOSTREAM-0000000013 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000014\n' +
      '      <-- KTABLE-AGGREGATE-0000000012\n' +
      '    Sink: KSTREAM-SINK-0000000009 (topic: o1)\n' +
      '      <-- KTABLE-TOSTREAM-0000000008\n' +
      '    Sink: KSTREAM-SINK-0000000014 (topic: o2)\n' +
      '      <-- KTABLE-TOSTREAM-0000000013\n' +
      '\n',
    );
  });

  it('toTable named', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').toTable(Named.as('tt'), Materialized.as('tt-store')).toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [in])\n' +
      '      --> tt\n' +
      '    Processor: tt (stores: [tt-store])\n' +
      '      --> KTABLE-TOSTREAM-0000000002\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KTABLE-TOSTREAM-0000000002 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000003\n' +
      '      <-- tt\n' +
      '    Sink: KSTREAM-SINK-0000000003 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000002\n' +
      '\n',
    );
  });

  it('foreign-key join', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('orders')
      .join(builder.table<string, string>('customers'), (v) => v.split('|')[0] || null, (o, c) => `${o}/${c}`)
      .toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KTABLE-SOURCE-0000000016 (topics: [KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic])\n' +
      '      --> KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [orders])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017 (stores: [orders-STATE-STORE-0000000000])\n' +
      '      --> KTABLE-FK-JOIN-OUTPUT-0000000018\n' +
      '      <-- KTABLE-SOURCE-0000000016\n' +
      '    Processor: KTABLE-FK-JOIN-OUTPUT-0000000018 (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000020\n' +
      '      <-- KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-RESOLVER-PROCESSOR-0000000017\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [orders-STATE-STORE-0000000000])\n' +
      '      --> KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007 (stores: [])\n' +
      '      --> KTABLE-SINK-0000000008\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Processor: KTABLE-TOSTREAM-0000000020 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000021\n' +
      '      <-- KTABLE-FK-JOIN-OUTPUT-0000000018\n' +
      '    Sink: KSTREAM-SINK-0000000021 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000020\n' +
      '    Sink: KTABLE-SINK-0000000008 (topic: KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic)\n' +
      '      <-- KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000007\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000004 (topics: [customers])\n' +
      '      --> KTABLE-SOURCE-0000000005\n' +
      '    Source: KTABLE-SOURCE-0000000009 (topics: [KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic])\n' +
      '      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011\n' +
      '    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011 (stores: [KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010])\n' +
      '      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012\n' +
      '      <-- KTABLE-SOURCE-0000000009\n' +
      '    Processor: KTABLE-SOURCE-0000000005 (stores: [customers-STATE-STORE-0000000003])\n' +
      '      --> KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013\n' +
      '      <-- KSTREAM-SOURCE-0000000004\n' +
      '    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012 (stores: [customers-STATE-STORE-0000000003])\n' +
      '      --> KTABLE-SINK-0000000015\n' +
      '      <-- KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000011\n' +
      '    Processor: KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013 (stores: [KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010])\n' +
      '      --> KTABLE-SINK-0000000015\n' +
      '      <-- KTABLE-SOURCE-0000000005\n' +
      '    Sink: KTABLE-SINK-0000000015 (topic: KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic)\n' +
      '      <-- KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000012, KTABLE-FK-JOIN-SUBSCRIPTION-PROCESSOR-0000000013\n' +
      '\n',
    );
  });

  it('foreign-key leftJoin named', () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('orders')
      .leftJoin(builder.table<string, string>('customers'), (v) => v.split('|')[0] || null, (o, c) => `${o}/${c}`, TableJoined.as('oc'), Materialized.as('joined'))
      .toStream().to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: oc-subscription-response-source (topics: [oc-subscription-response-topic])\n' +
      '      --> oc-subscription-response-resolver\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [orders])\n' +
      '      --> KTABLE-SOURCE-0000000002\n' +
      '    Processor: oc-subscription-response-resolver (stores: [orders-STATE-STORE-0000000000])\n' +
      '      --> oc-result\n' +
      '      <-- oc-subscription-response-source\n' +
      '    Processor: KTABLE-SOURCE-0000000002 (stores: [orders-STATE-STORE-0000000000])\n' +
      '      --> oc-subscription-registration-processor\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: oc-result (stores: [joined])\n' +
      '      --> KTABLE-TOSTREAM-0000000019\n' +
      '      <-- oc-subscription-response-resolver\n' +
      '    Processor: KTABLE-TOSTREAM-0000000019 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000020\n' +
      '      <-- oc-result\n' +
      '    Processor: oc-subscription-registration-processor (stores: [])\n' +
      '      --> oc-subscription-registration-sink\n' +
      '      <-- KTABLE-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000020 (topic: out)\n' +
      '      <-- KTABLE-TOSTREAM-0000000019\n' +
      '    Sink: oc-subscription-registration-sink (topic: oc-subscription-registration-topic)\n' +
      '      <-- oc-subscription-registration-processor\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000004 (topics: [customers])\n' +
      '      --> KTABLE-SOURCE-0000000005\n' +
      '    Source: oc-subscription-registration-source (topics: [oc-subscription-registration-topic])\n' +
      '      --> oc-subscription-receive\n' +
      '    Processor: KTABLE-SOURCE-0000000005 (stores: [customers-STATE-STORE-0000000003])\n' +
      '      --> oc-foreign-join-subscription\n' +
      '      <-- KSTREAM-SOURCE-0000000004\n' +
      '    Processor: oc-subscription-receive (stores: [oc-subscription-store])\n' +
      '      --> oc-subscription-join-foreign\n' +
      '      <-- oc-subscription-registration-source\n' +
      '    Processor: oc-foreign-join-subscription (stores: [oc-subscription-store])\n' +
      '      --> oc-subscription-response-sink\n' +
      '      <-- KTABLE-SOURCE-0000000005\n' +
      '    Processor: oc-subscription-join-foreign (stores: [customers-STATE-STORE-0000000003])\n' +
      '      --> oc-subscription-response-sink\n' +
      '      <-- oc-subscription-receive\n' +
      '    Sink: oc-subscription-response-sink (topic: oc-subscription-response-topic)\n' +
      '      <-- oc-subscription-join-foreign, oc-foreign-join-subscription\n' +
      '\n',
    );
  });

  it('stream-stream join', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L')
      .join(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(100))
      .to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [L])\n' +
      '      --> KSTREAM-WINDOWED-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [R])\n' +
      '      --> KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n' +
      '      --> KSTREAM-JOINTHIS-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n' +
      '      --> KSTREAM-JOINOTHER-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KSTREAM-JOINOTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-JOINOTHER-0000000005-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000002\n' +
      '    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000007\n' +
      '      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-JOINOTHER-0000000005\n' +
      '    Sink: KSTREAM-SINK-0000000007 (topic: out)\n' +
      '      <-- KSTREAM-MERGE-0000000006\n' +
      '\n',
    );
  });

  it('stream-stream leftJoin', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L')
      .leftJoin(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(100))
      .to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [L])\n' +
      '      --> KSTREAM-WINDOWED-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [R])\n' +
      '      --> KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINTHIS-0000000004-store])\n' +
      '      --> KSTREAM-JOINTHIS-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-OUTEROTHER-0000000005-store])\n' +
      '      --> KSTREAM-OUTEROTHER-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KSTREAM-JOINTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000002\n' +
      '    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [KSTREAM-JOINTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000007\n' +
      '      <-- KSTREAM-JOINTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n' +
      '    Sink: KSTREAM-SINK-0000000007 (topic: out)\n' +
      '      <-- KSTREAM-MERGE-0000000006\n' +
      '\n',
    );
  });

  it('stream-stream outerJoin', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L')
      .outerJoin(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(100))
      .to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [L])\n' +
      '      --> KSTREAM-WINDOWED-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [R])\n' +
      '      --> KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-OUTERTHIS-0000000004-store])\n' +
      '      --> KSTREAM-OUTERTHIS-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: KSTREAM-WINDOWED-0000000003 (stores: [KSTREAM-OUTEROTHER-0000000005-store])\n' +
      '      --> KSTREAM-OUTEROTHER-0000000005\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: KSTREAM-OUTEROTHER-0000000005 (stores: [KSTREAM-OUTERTHIS-0000000004-store, KSTREAM-OUTERSHARED-0000000004-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000003\n' +
      '    Processor: KSTREAM-OUTERTHIS-0000000004 (stores: [KSTREAM-OUTEROTHER-0000000005-store, KSTREAM-OUTERSHARED-0000000004-store])\n' +
      '      --> KSTREAM-MERGE-0000000006\n' +
      '      <-- KSTREAM-WINDOWED-0000000002\n' +
      '    Processor: KSTREAM-MERGE-0000000006 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000007\n' +
      '      <-- KSTREAM-OUTERTHIS-0000000004, KSTREAM-OUTEROTHER-0000000005\n' +
      '    Sink: KSTREAM-SINK-0000000007 (topic: out)\n' +
      '      <-- KSTREAM-MERGE-0000000006\n' +
      '\n',
    );
  });

  it('stream-stream leftJoin named, rekeyed', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L').selectKey((_k, v) => v)
      .leftJoin(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceAndGrace(100, 50), StreamJoined.as<string, string, string>('st').withName('lr'))
      .to('out');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [L])\n' +
      '      --> KSTREAM-KEY-SELECT-0000000001\n' +
      '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
      '      --> lr-left-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: lr-left-repartition-filter (stores: [])\n' +
      '      --> lr-left-repartition-sink\n' +
      '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
      '    Sink: lr-left-repartition-sink (topic: lr-left-repartition)\n' +
      '      <-- lr-left-repartition-filter\n' +
      '\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [R])\n' +
      '      --> lr-other-windowed\n' +
      '    Source: lr-left-repartition-source (topics: [lr-left-repartition])\n' +
      '      --> lr-this-windowed\n' +
      '    Processor: lr-other-windowed (stores: [st-outer-other-join-store])\n' +
      '      --> lr-outer-other-join\n' +
      '      <-- KSTREAM-SOURCE-0000000002\n' +
      '    Processor: lr-this-windowed (stores: [st-this-join-store])\n' +
      '      --> lr-this-join\n' +
      '      <-- lr-left-repartition-source\n' +
      '    Processor: lr-outer-other-join (stores: [st-left-shared-join-store, st-this-join-store])\n' +
      '      --> lr-merge\n' +
      '      <-- lr-other-windowed\n' +
      '    Processor: lr-this-join (stores: [st-outer-other-join-store, st-left-shared-join-store])\n' +
      '      --> lr-merge\n' +
      '      <-- lr-this-windowed\n' +
      '    Processor: lr-merge (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000011\n' +
      '      <-- lr-this-join, lr-outer-other-join\n' +
      '    Sink: KSTREAM-SINK-0000000011 (topic: out)\n' +
      '      <-- lr-merge\n' +
      '\n',
    );
  });
});
