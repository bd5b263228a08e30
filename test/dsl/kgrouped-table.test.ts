import { describe, expect, it } from 'vitest';
import { Grouped } from '../../src/dsl/grouped.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { cacheModes, kvt, pipeAndRead, stringDriver } from './stateful-helpers.js';

// SEMANTICS §10: an update of a row subtracts its old value from its old group, then adds its new
// value to its new group; one record when both groups are the same (KIP-904). Timestamps: the
// record's, or the max with the stored aggregate's when that was used. Kafka Streams 4.1.2's
// TopologyTestDriver printed the same outputs for these programs and inputs, cached and uncached.
describe('KGroupedTable', () => {
  it.each(cacheModes)('count by value: a row moving between groups (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t').groupBy((_k, v) => ({ key: v, value: v })).count().toStream().to('out', Produced.with(Serdes.String(), Serdes.Long()));
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.Long());
    expect(await pipeAndRead(driver, out, [
      ['t', 'k1', 'a', 1], //  SEMANTICS §10's example: ("a",1)@1
      ['t', 'k1', 'b', 2], //  ("a",0)@2, ("b",1)@2
      ['t', 'k2', 'b', 5],
      ['t', 'k1', null, 3], // only the subtraction, ts max(3, 5)
      ['t', 'k2', 'b', 4], //  same group: one subtract-then-add record
      ['t', 'k3', null, 6], // a delete of an absent row: nothing
    ])).toEqual([[kvt('a', 1, 1)], [kvt('a', 0, 2), kvt('b', 1, 2)], [kvt('b', 2, 5)], [kvt('b', 1, 5)], [kvt('b', 1, 5)], []]);
    expect(driver.producedTopicNames().has('app-KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition')).toBe(true);
  });

  it.each(cacheModes)('reduce with adder and subtractor; a group keeps its stored timestamp when it is not newer (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .groupBy((k, v) => ({ key: k.charAt(0), value: v }))
      .reduce((agg, v) => `${agg}+${v}`, (agg, v) => agg.replace(`+${v}`, '').replace(v, ''), Materialized.as('r'))
      .toStream()
      .to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [
      ['t', 'a1', 'x', 5], ['t', 'a2', 'y', 3], ['t', 'a1', 'z', 4], ['t', 'b1', 'w', 1], ['t', 'a2', null, 9], ['t', 'a1', null, 2],
    ])).toEqual([[kvt('a', 'x', 5)], [kvt('a', 'x+y', 5)], [kvt('a', '+y+z', 5)], [kvt('b', 'w', 1)], [kvt('a', '+z', 9)], [kvt('a', '', 9)]]);
  });

  it.each(cacheModes)('aggregate: subtract from the old group before adding to the new one (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .groupBy((_k, v) => ({ key: v.charAt(0), value: v }))
      .aggregate(() => '0', (_k, v, agg) => `${agg}+${v}`, (_k, v, agg) => `${agg}-${v}`, Materialized.with(Serdes.String(), Serdes.String()))
      .toStream()
      .to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [
      ['t', 'k1', 'a1', 5], ['t', 'k2', 'a2', 3], ['t', 'k1', 'b1', 4], ['t', 'k1', 'b2', 7], ['t', 'k2', null, 1],
    ])).toEqual([
      [kvt('a', '0+a1', 5)],
      [kvt('a', '0+a1+a2', 5)],
      [kvt('a', '0+a1+a2-a1', 5), kvt('b', '0+b1', 4)],
      [kvt('b', '0+b1-b1+b2', 7)],
      [kvt('a', '0+a1+a2-a1-a2', 5)],
    ]);
  });

  it('a sum regrouped by the same key: one update, not subtract and add (SEMANTICS §10, KIP-904)', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .groupBy((k, v) => ({ key: k, value: Number(v) }), Grouped.with(Serdes.String(), Serdes.Integer()))
      .aggregate(() => 0, (_k, v, sum) => sum + v, (_k, v, sum) => sum - v, Materialized.with(Serdes.String(), Serdes.Integer()))
      .toStream()
      .to('out', Produced.with(Serdes.String(), Serdes.Integer()));
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.Integer());
    expect(await pipeAndRead(driver, out, [['t', 'k', '5', 1], ['t', 'k', '7', 2]])).toEqual([[kvt('k', 5, 1)], [kvt('k', 7, 2)]]);
  });

  it('a subtractor returning null deletes the group', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .groupBy((_k, v) => ({ key: v, value: v }))
      .reduce((a, b) => a + b, () => null as unknown as string, Materialized.as('groups'))
      .toStream()
      .to('out');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['t', 'k', 'x', 1], ['t', 'k', 'y', 2]])).toEqual([[kvt('x', 'x', 1)], [kvt('x', null, 2), kvt('y', 'y', 2)]]);
    expect(await driver.getKeyValueStore('groups').get('x')).toBeUndefined();
  });

  it('Grouped.as names the key selector and the repartition topic; Named names the aggregation and its sink/source', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t')
      .groupBy((k, v) => ({ key: v, value: k }), Grouped.as('by-value'))
      .count(Named.as('cnt'), Materialized.as('counts'))
      .toStream()
      .to('out', Produced.with(Serdes.String(), Serdes.Long()));
    const text = builder.build().describe().toString();
    expect(text).toContain('Processor: by-value (stores: [])');
    expect(text).toContain('Sink: cnt-sink (topic: by-value-repartition)');
    expect(text).toContain('Source: cnt-source (topics: [by-value-repartition])');
    expect(text).toContain('Processor: cnt (stores: [counts])');
    await using driver = stringDriver(builder);
    await driver.createInputTopic('t', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(await driver.getKeyValueStore<string, number>('counts').get('v')).toBe(1);
  });

  it('the repartition topic carries Changes in Kafka\'s byte layout (new ‖ 0x01; old ‖ 0x00)', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t').groupBy((_k, v) => ({ key: v, value: v })).count();
    await using driver = stringDriver(builder);
    const input = driver.createInputTopic('t', Serdes.String(), Serdes.String());
    await input.pipeInput('k', 'a', 1);
    await input.pipeInput('k', 'b', 2);
    const topic = driver.createOutputTopic('app-KTABLE-AGGREGATE-STATE-STORE-0000000004-repartition', Serdes.String(), Serdes.ByteArray());
    expect(topic.readKeyValuesToList().map(({ key, value }) => [key, value?.toString('hex')])).toEqual([
      ['a', '6101'], //   Change(new "a", old null)
      ['a', '6100'], //   Change(new null, old "a")
      ['b', '6201'],
    ]);
  });
});
