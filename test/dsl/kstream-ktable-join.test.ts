import { describe, expect, it } from 'vitest';
import { Joined } from '../../src/dsl/joined.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { validateCopartitioning } from '../../src/topology/copartitioning.js';
import { cacheModes, kvt, pipeAndRead, readAll, stringDriver, type Input } from './stateful-helpers.js';

// SEMANTICS §6: only stream records trigger output, with the stream record's key and timestamp;
// inner drops records without a table value, left joins them with null; null stream values are
// dropped; a null stream key is dropped by the inner join and kept by the left join (KIP-962).
// Kafka Streams 4.1.2's TopologyTestDriver printed the same outputs for this program, cached and uncached.
describe('KStream-KTable join and leftJoin', () => {
  const inputs: Input[] = [
    ['order', 'andy', 'book', 1], //     no table value yet: left only
    ['address', 'andy', 'Berlin', 2], // a table update: no output
    ['order', 'andy', 'pen', 3], //      both
    ['order', null, 'cup', 4], //        null key: left only, key stays null
    ['order', 'andy', null, 5], //       null value: dropped by both
    ['address', 'andy', null, 6], //     table delete: no output
    ['order', 'andy', 'ink', 7], //      no table value any more: left only
  ];

  it.each(cacheModes)('one stream joined with one table, inner and left (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const address = builder.table<string, string>('address');
    const orders = builder.stream<string, string>('order');
    orders.join(address, (order, addr) => `${order} send to ${addr}`).to('inner');
    orders.leftJoin(address, (order, addr) => `${order} send to ${addr}`).to('left');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const inner = driver.createOutputTopic('inner', Serdes.String(), Serdes.String());
    const left = driver.createOutputTopic('left', Serdes.String(), Serdes.String());
    for (const [topic, key, value, ts] of inputs) await driver.createInputTopic(topic, Serdes.String(), Serdes.String()).pipeInput(key, value, ts);
    expect(readAll(inner)).toEqual([kvt('andy', 'pen send to Berlin', 3)]);
    expect(readAll(left)).toEqual([
      kvt('andy', 'book send to null', 1),
      kvt('andy', 'pen send to Berlin', 3),
      kvt(null, 'cup send to null', 4),
      kvt('andy', 'ink send to null', 7),
    ]);
    // The null key (inner) and the null values (both) were dropped and counted.
    expect(driver.metric('dropped-records')).toBe(3);
  });

  it('the joiner gets the stream key as its third argument', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('order').join(builder.table<string, string>('address'), (o, a, key) => `${key}:${o}@${a}`).to('out');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['address', 'k', 'A', 1], ['order', 'k', 'O', 2]])).toEqual([[], [kvt('k', 'k:O@A', 2)]]);
  });

  it('a re-keyed stream is repartitioned through <upstream node>-repartition before the join', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('order').selectKey((_k, v) => v.split(':')[0]!).join(builder.table<string, string>('address'), (o, a) => `${o}@${a}`).to('out');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['address', 'andy', 'Berlin', 1], ['order', 'o1', 'andy:book', 2]])).toEqual([[], [kvt('andy', 'andy:book@Berlin', 2)]]);
    expect([...driver.producedTopicNames()]).toContain('app-KSTREAM-KEY-SELECT-0000000001-repartition');
  });

  it('Joined names the join and its repartition topic and gives its serdes', async () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('address');
    builder.stream<string, string>('order').selectKey((_k, v) => v).leftJoin(table, (o, a) => `${o}@${a}`, Joined.with(Serdes.String(), Serdes.String(), Serdes.String()).withName('by-customer')).to('out');
    const text = builder.build().describe().toString();
    expect(text).toContain('Sink: by-customer-repartition-sink (topic: by-customer-repartition)');
    expect(text).toContain('Processor: by-customer (stores: [address-STATE-STORE-0000000000])');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['order', 'o1', 'zoe', 3]])).toEqual([[kvt('zoe', 'zoe@null', 3)]]);
    expect(driver.producedTopicNames().has('app-by-customer-repartition')).toBe(true);
  });

  it('a null key reaches a left join through the repartition topic (its filter is relaxed, KIP-962)', async () => {
    const build = (left: boolean): StreamsBuilder => {
      const builder = new StreamsBuilder();
      const table = builder.table<string, string>('address');
      const rekeyed = builder.stream<string, string>('order').selectKey((_k, v) => (v === 'none' ? null : v) as string);
      if (left) rekeyed.leftJoin(table, (o, a) => `${o}@${a}`).to('out');
      else rekeyed.join(table, (o, a) => `${o}@${a}`).to('out');
      return builder;
    };
    for (const left of [true, false]) {
      await using driver = stringDriver(build(left));
      const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
      expect(await pipeAndRead(driver, out, [['order', 'o1', 'none', 3]])).toEqual([left ? [kvt(null, 'none@null', 3)] : []]);
    }
  });

  it('stream and table topics form a co-partition group: 3 vs 2 partitions fail with a TopologyException naming both', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('order').join(builder.table<string, string>('address'), (o, a) => `${o} send to ${a}`).to('order_join');
    const metadata = builder.build().metadata('app');
    expect(metadata.subtopologies.flatMap((s) => s.copartitionGroups)).toEqual([['order', 'address']]);
    const counts = new Map([['order', 3], ['address', 2]]);
    expect(() => validateCopartitioning(metadata, counts)).toThrow(TopologyException);
    expect(() => validateCopartitioning(metadata, counts)).toThrow(/\[order\] \(3 partitions\) and \[address\] \(2 partitions\)/);
    expect(() => validateCopartitioning(metadata, new Map([['order', 2], ['address', 2]]))).not.toThrow();
  });

  it('checks its arguments', () => {
    const builder = new StreamsBuilder();
    const orders = builder.stream<string, string>('order');
    const table = builder.table<string, string>('address');
    expect(() => orders.join('address' as never, (o: string) => o)).toThrow(new TypeError('join(): the other side must be a KStream, a KTable or a GlobalKTable, but got: "address"'));
    expect(() => orders.leftJoin(table, 'x' as never)).toThrow(new TypeError('leftJoin(): joiner must be a function, but got: "x"'));
    expect(() => orders.join(table, (o) => o, 'joined' as never)).toThrow(TypeError);
    expect(() => orders.join(new StreamsBuilder().table<string, string>('x'), (o) => o)).toThrow('join(): the stream and the table must come from the same StreamsBuilder');
  });
});

// SEMANTICS §7: the key selector picks the global table's key; output key and timestamp are the
// stream record's; a null selected key drops the record in an inner join and joins it with null in
// a left join (Kafka 4.1's rule, KAFKA-19208). Kafka Streams 4.1.2 printed the same outputs.
describe('KStream-GlobalKTable join and leftJoin', () => {
  it.each(cacheModes)('joins by the selected key, no co-partitioning (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const addresses = builder.globalTable<string, string>('address_v2');
    const orders = builder.stream<string, string>('order');
    const customer = (_k: string, v: string): string | null => (v.split(':')[0] === '' ? null : v.split(':')[0]!);
    orders.join(addresses, customer, (o, a) => `${o} send to ${a}`).to('inner');
    orders.leftJoin(addresses, customer, (o, a) => `${o} send to ${a}`).to('left');
    expect(addresses.queryableStoreName()).toBe('address_v2-STATE-STORE-0000000000');
    const topology = builder.build();
    expect(topology.metadata('app').subtopologies.flatMap((s) => s.copartitionGroups)).toEqual([]);
    await using driver = stringDriver(builder, cacheMaxBytes);
    const inner = driver.createOutputTopic('inner', Serdes.String(), Serdes.String());
    const left = driver.createOutputTopic('left', Serdes.String(), Serdes.String());
    for (const [topic, key, value, ts] of [
      ['address_v2', 'andy', 'Berlin', 1], ['order', 'o1', 'andy:book', 2], ['order', 'o2', 'bob:pen', 3], ['order', 'o3', ':cup', 4], ['order', null, 'andy:ink', 5],
    ] as const) {
      await driver.createInputTopic(topic, Serdes.String(), Serdes.String()).pipeInput(key, value, ts);
    }
    expect(readAll(inner)).toEqual([kvt('o1', 'andy:book send to Berlin', 2), kvt(null, 'andy:ink send to Berlin', 5)]);
    expect(readAll(left)).toEqual([
      kvt('o1', 'andy:book send to Berlin', 2),
      kvt('o2', 'bob:pen send to null', 3),
      kvt('o3', ':cup send to null', 4),
      kvt(null, 'andy:ink send to Berlin', 5),
    ]);
    expect(await driver.getKeyValueStore<string, string>('address_v2-STATE-STORE-0000000000').get('andy')).toBe('Berlin');
  });

  it('a named global store is queryable under its name and the join node takes the Named name', async () => {
    const builder = new StreamsBuilder();
    const addresses = builder.globalTable<string, string>('address_v2', Materialized.as('addresses'));
    builder.stream<string, string>('order').leftJoin(addresses, (_k, v) => v, (o, a) => `${o}@${a}`, Named.as('enrich')).to('out');
    expect(addresses.queryableStoreName()).toBe('addresses');
    expect(builder.build().describe().toString()).toContain('Processor: enrich (stores: [])');
  });
});
