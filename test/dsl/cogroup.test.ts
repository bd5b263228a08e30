import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Grouped } from '../../src/dsl/grouped.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { validateCopartitioning } from '../../src/topology/copartitioning.js';
import { cacheModes, kvt, pipeAndRead, readAll, stringDriver } from './stateful-helpers.js';

const concat = (_k: string, v: string, agg: string): string => agg + v;

// KIP-150: several grouped streams aggregated into one table through one store. Expected outputs
// and describe() texts are those of Kafka's CogroupedKStreamImplTest (apache/kafka,
// streams/src/test/java/org/apache/kafka/streams/kstream/internals/CogroupedKStreamImplTest.java)
// where the program is theirs; the rest follow from KStreamAggregate's rules (SEMANTICS §1.5, §11).
describe('KGroupedStream.cogroup()', () => {
  it.each(cacheModes)('two inputs with shared keys, one table (Kafka\'s shouldCogroupAndAggregateTwoKStreamsWithSharedKeys, %s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const one = builder.stream<string, string>('one').groupByKey();
    const two = builder.stream<string, string>('two').groupByKey();
    one.cogroup(concat).cogroup(two, concat).aggregate(() => '').toStream().to('output');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
    expect((await pipeAndRead(driver, out, [
      ['one', 'k1', 'A', 0], ['one', 'k2', 'A', 1], ['one', 'k1', 'A', 10], ['one', 'k2', 'A', 100],
      ['two', 'k2', 'B', 100], ['two', 'k2', 'B', 200], ['two', 'k1', 'B', 1], ['two', 'k2', 'B', 500],
      ['two', 'k1', 'B', 500], ['two', 'k2', 'B', 500], ['two', 'k3', 'B', 500], ['two', 'k2', 'B', 100],
    ])).flat()).toEqual([
      kvt('k1', 'A', 0), kvt('k2', 'A', 1), kvt('k1', 'AA', 10), kvt('k2', 'AA', 100),
      kvt('k2', 'AAB', 100), kvt('k2', 'AABB', 200), kvt('k1', 'AAB', 10), kvt('k2', 'AABBB', 500),
      kvt('k1', 'AABB', 500), kvt('k2', 'AABBBB', 500), kvt('k3', 'B', 500), kvt('k2', 'AABBBBB', 500),
    ]);
  });

  it('a null value is skipped (Kafka\'s testCogroupHandleNullValues)', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('one').groupByKey().cogroup(concat).aggregate(() => '').toStream().to('output');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['one', 'k1', 'A', 0], ['one', 'k2', 'B', 0], ['one', 'k2', null, 0], ['one', 'k2', 'B', 0]]))
      .toEqual([[kvt('k1', 'A', 0)], [kvt('k2', 'B', 0)], [], [kvt('k2', 'BB', 0)]]);
  });

  interface Customer { clicks: number; spent: number; refunded: number }
  const customerSerde = Serdes.Json<Customer>();

  it.each(cacheModes)('three inputs of different value types: clicks counted, purchases and refunds summed; the store is queryable (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const clicks = builder.stream<string, string>('clicks').groupByKey();
    const purchases = builder.stream('purchases', Consumed.with(Serdes.String(), Serdes.Integer())).groupByKey();
    const refunds = builder.stream('refunds', Consumed.with(Serdes.String(), Serdes.Json<{ amount: number }>())).groupByKey();
    const customers = clicks
      .cogroup<Customer>((_id, _page, c) => ({ ...c, clicks: c.clicks + 1 }))
      .cogroup(purchases, (_id, amount, c) => ({ ...c, spent: c.spent + amount }))
      .cogroup(refunds, (_id, refund, c) => ({ ...c, refunded: c.refunded + refund.amount }))
      .aggregate(() => ({ clicks: 0, spent: 0, refunded: 0 }), Materialized.as<string, Customer>('customers').withValueSerde(customerSerde));
    expect(customers.queryableStoreName()).toBe('customers');
    customers.toStream().to('out', Produced.with(Serdes.String(), customerSerde));
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), customerSerde);
    await driver.createInputTopic('clicks', Serdes.String(), Serdes.String()).pipeInput('c1', '/home', 1);
    await driver.createInputTopic('purchases', Serdes.String(), Serdes.Integer()).pipeInput('c1', 30, 2);
    await driver.createInputTopic('clicks', Serdes.String(), Serdes.String()).pipeInput('c2', '/cart', 3);
    await driver.createInputTopic('purchases', Serdes.String(), Serdes.Integer()).pipeInput('c1', 12, 4);
    await driver.createInputTopic('refunds', Serdes.String(), Serdes.Json<{ amount: number }>()).pipeInput('c1', { amount: 5 }, 5);
    await driver.createInputTopic('clicks', Serdes.String(), Serdes.String()).pipeInput('c1', '/help', 6);
    expect(readAll(out)).toEqual([
      kvt('c1', { clicks: 1, spent: 0, refunded: 0 }, 1),
      kvt('c1', { clicks: 1, spent: 30, refunded: 0 }, 2),
      kvt('c2', { clicks: 1, spent: 0, refunded: 0 }, 3),
      kvt('c1', { clicks: 1, spent: 42, refunded: 0 }, 4),
      kvt('c1', { clicks: 1, spent: 42, refunded: 5 }, 5),
      kvt('c1', { clicks: 2, spent: 42, refunded: 5 }, 6),
    ]);
    const store = driver.getKeyValueStore<string, Customer>('customers');
    expect(await store.get('c1')).toEqual({ clicks: 2, spent: 42, refunded: 5 });
    expect(await store.get('c2')).toEqual({ clicks: 1, spent: 0, refunded: 0 });
    expect((await driver.getTimestampedKeyValueStore<string, Customer>('customers').get('c1'))?.timestamp).toBe(6);
  });

  it.each(cacheModes)('an input whose key changed (selectKey, groupByKey) goes through a repartition topic named after the store (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    // clicks keyed by session id, valued "customer:page"
    const clicks = builder.stream<string, string>('clicks').selectKey((_session, v) => v.split(':')[0] ?? '').groupByKey();
    const purchases = builder.stream<string, string>('purchases').groupByKey();
    clicks.cogroup<string>((_c, v, agg) => `${agg}c${v.split(':')[1] ?? ''}`)
      .cogroup(purchases, (_c, v, agg) => `${agg}p${v}`)
      .aggregate(() => '')
      .toStream()
      .to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [
      ['clicks', 's1', 'c1:home', 1], ['purchases', 'c1', '7', 2], ['clicks', 's2', 'c1:cart', 3], ['clicks', 's3', 'c2:home', 4],
    ])).toEqual([[kvt('c1', 'chome', 1)], [kvt('c1', 'chomep7', 2)], [kvt('c1', 'chomep7ccart', 3)], [kvt('c2', 'chome', 4)]]);
    expect([...driver.producedTopicNames()].filter((t) => t.endsWith('-repartition')))
      .toEqual(['app-COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003-repartition']);
  });

  it.each(cacheModes)('later table operators: old values come from every input (KTable.groupBy().count()), and joins read the shared store (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a').groupByKey();
    const b = builder.stream<string, string>('b').groupByKey();
    const totals = a.cogroup<number>((_k, _v, n) => n + 1).cogroup(b, (_k, _v, n) => n + 10)
      .aggregate(() => 0, Materialized.with(Serdes.String(), Serdes.Integer()));
    totals.groupBy((_k, n) => ({ key: n >= 10 ? 'big' : 'small', value: n }), Grouped.with(Serdes.String(), Serdes.Integer()))
      .count()
      .toStream()
      .to('sizes', Produced.with(Serdes.String(), Serdes.Long()));
    builder.table<string, string>('names').join(totals, (name, n) => `${name}:${n}`).toStream().to('joined');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const sizes = driver.createOutputTopic('sizes', Serdes.String(), Serdes.Long());
    const joined = driver.createOutputTopic('joined', Serdes.String(), Serdes.String());
    const inputs = [['a', 'k1', 'x', 1], ['names', 'k1', 'ann', 2], ['b', 'k1', 'y', 3], ['a', 'k2', 'z', 4]] as const;
    // k2's first update: uncached, its old value is the initializer's 0 (Kafka's KStreamAggregate
    // quirk, SEMANTICS §5.2), which the count subtracts from 'small' before adding the new 1;
    // the cache forwards the store's old value, none.
    expect(await pipeAndRead(driver, sizes, inputs)).toEqual([
      [kvt('small', 1, 1)], [], [kvt('small', 0, 3), kvt('big', 1, 3)], [kvt('small', cacheMaxBytes === 0 ? 0 : 1, 4)],
    ]);
    expect(readAll(joined)).toEqual([kvt('k1', 'ann:1', 2), kvt('k1', 'ann:11', 3)]);
  });

  it('the topics the aggregate processors read form one co-partition group: a repartitioned input by its repartition topic', () => {
    const builder = new StreamsBuilder();
    const one = builder.stream<string, string>('one').groupByKey();
    const two = builder.stream<string, string>('two').groupByKey();
    const three = builder.stream<string, string>('three').selectKey((_k, v) => v).groupByKey();
    one.cogroup(concat).cogroup(three, concat).cogroup(two, concat).aggregate(() => '');
    const metadata = builder.build().metadata('app');
    // Kafka's processRepartitions co-partitions the grouped streams' own sources ('three' here, not
    // its repartition topic): we declare the topics the aggregate processors actually read.
    expect(metadata.subtopologies.flatMap((s) => s.copartitionGroups)).toEqual([['one', 'app-COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000004-repartition', 'two']]);
    expect(() => validateCopartitioning(metadata, new Map([['one', 3], ['two', 2], ['three', 5]]))).toThrow(TopologyException);
    expect(() => validateCopartitioning(metadata, new Map([['one', 3], ['two', 3], ['three', 5]]))).not.toThrow();
  });

  it('cogrouping the same grouped stream again replaces its aggregator, as Kafka\'s map of inputs does (no error)', async () => {
    const builder = new StreamsBuilder();
    const one = builder.stream<string, string>('one').groupByKey();
    const two = builder.stream<string, string>('two').groupByKey();
    one.cogroup(concat).cogroup(two, concat).cogroup(one, (_k, v, agg) => `${agg}<${v}>`).aggregate(() => '').toStream().to('output');
    const description = builder.build().describe().toString();
    expect(description.match(/Processor: COGROUPKSTREAM-AGGREGATE-\d+/g)).toEqual(['Processor: COGROUPKSTREAM-AGGREGATE-0000000003', 'Processor: COGROUPKSTREAM-AGGREGATE-0000000004']);
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
    expect((await pipeAndRead(driver, out, [['one', 'k', 'a', 0], ['two', 'k', 'b', 1]])).flat()).toEqual([kvt('k', '<a>', 0), kvt('k', '<a>b', 1)]);
  });

  it('rejects missing arguments and windows as the other DSL operators do (TypeError where Kafka throws NullPointerException)', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('one').groupByKey();
    const cogrouped = grouped.cogroup(concat);
    expect(() => grouped.cogroup(null as never)).toThrow(TypeError);
    expect(() => cogrouped.cogroup(null as never, concat)).toThrow(TypeError);
    expect(() => cogrouped.cogroup(grouped, null as never)).toThrow(TypeError);
    expect(() => cogrouped.aggregate(null as never)).toThrow(TypeError);
    expect(() => cogrouped.windowedBy(null as never)).toThrow(/windowedBy\(\): windows must be TimeWindows, SlidingWindows or SessionWindows/);
    expect(() => cogrouped.windowedBy(undefined as never)).toThrow(TypeError);
  });

  // Kafka's CogroupedKStreamImplTest.shouldNameProcessorsAndStoreBasedOnNamedParameter.
  it('describe(): Named names the aggregate and merge processors, Materialized the store', () => {
    const builder = new StreamsBuilder();
    const one = builder.stream<string, string>('one').groupByKey();
    const two = builder.stream<string, string>('two').groupByKey();
    one.cogroup(concat).cogroup(two, concat).aggregate(() => '', Named.as('test'), Materialized.as('store')).toStream().to('output');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
      '      --> test-cogroup-agg-0\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
      '      --> test-cogroup-agg-1\n' +
      '    Processor: test-cogroup-agg-0 (stores: [store])\n' +
      '      --> test-cogroup-merge\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: test-cogroup-agg-1 (stores: [store])\n' +
      '      --> test-cogroup-merge\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: test-cogroup-merge (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000005\n' +
      '      <-- test-cogroup-agg-0, test-cogroup-agg-1\n' +
      '    Processor: KTABLE-TOSTREAM-0000000005 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000006\n' +
      '      <-- test-cogroup-merge\n' +
      '    Sink: KSTREAM-SINK-0000000006 (topic: output)\n' +
      '      <-- KTABLE-TOSTREAM-0000000005\n\n',
    );
  });

  // Kafka's CogroupedKStreamImplTest.shouldNameRepartitionTopic: the repartitioned input and the
  // other one end up in one sub-topology, around the shared store.
  it('describe(): a Grouped name names the repartition topic; both inputs feed one sub-topology', () => {
    const builder = new StreamsBuilder();
    const stream1 = builder.stream<string, string>('one');
    const stream2 = builder.stream<string, string>('two');
    const one = stream1.map((k, v) => ({ key: v, value: k })).groupByKey(Grouped.as('repartition-test'));
    const two = stream2.groupByKey();
    one.cogroup(concat).cogroup(two, concat).aggregate(() => '').toStream().to('output');
    expect(builder.build().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [one])\n' +
      '      --> KSTREAM-MAP-0000000002\n' +
      '    Processor: KSTREAM-MAP-0000000002 (stores: [])\n' +
      '      --> repartition-test-repartition-filter\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '    Processor: repartition-test-repartition-filter (stores: [])\n' +
      '      --> repartition-test-repartition-sink\n' +
      '      <-- KSTREAM-MAP-0000000002\n' +
      '    Sink: repartition-test-repartition-sink (topic: repartition-test-repartition)\n' +
      '      <-- repartition-test-repartition-filter\n\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000001 (topics: [two])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000008\n' +
      '    Source: repartition-test-repartition-source (topics: [repartition-test-repartition])\n' +
      '      --> COGROUPKSTREAM-AGGREGATE-0000000007\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000007 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000009\n' +
      '      <-- repartition-test-repartition-source\n' +
      '    Processor: COGROUPKSTREAM-AGGREGATE-0000000008 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000003])\n' +
      '      --> COGROUPKSTREAM-MERGE-0000000009\n' +
      '      <-- KSTREAM-SOURCE-0000000001\n' +
      '    Processor: COGROUPKSTREAM-MERGE-0000000009 (stores: [])\n' +
      '      --> KTABLE-TOSTREAM-0000000010\n' +
      '      <-- COGROUPKSTREAM-AGGREGATE-0000000007, COGROUPKSTREAM-AGGREGATE-0000000008\n' +
      '    Processor: KTABLE-TOSTREAM-0000000010 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000011\n' +
      '      <-- COGROUPKSTREAM-MERGE-0000000009\n' +
      '    Sink: KSTREAM-SINK-0000000011 (topic: output)\n' +
      '      <-- KTABLE-TOSTREAM-0000000010\n\n',
    );
  });
});
