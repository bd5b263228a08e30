import { describe, expect, it } from 'vitest';
import { Grouped } from '../../src/dsl/grouped.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { cacheModes, kvt, pipeAndRead, stringDriver } from './stateful-helpers.js';

// SEMANTICS §1.5 and §11: an aggregate is forwarded with max(record ts, stored aggregate ts) (the
// record's own for a key's first record); null keys and values are dropped. Kafka Streams 4.1.2's
// TopologyTestDriver printed the same outputs for these programs and inputs, cached and uncached.
describe('KGroupedStream', () => {
  it.each(cacheModes)('groupBy(...).count(): through a repartition topic named after the store (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.stream<string, string | null>('in')
      .groupBy((_k, v) => (v === null ? 'null' : v.charAt(0)))
      .count()
      .toStream()
      .to('out', Produced.with(Serdes.String(), Serdes.Long()));
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.Long());
    expect(await pipeAndRead(driver, out, [
      ['in', 'x', 'apple', 5], ['in', 'y', 'avocado', 3], ['in', 'z', 'banana', 4],
      ['in', 'w', null, 9], //         null value: dropped by the aggregation
      ['in', null, 'apricot', 8], //   null key before groupBy: the selector gives it a key
      ['in', 'v', 'blueberry', 1],
    ])).toEqual([[kvt('a', 1, 5)], [kvt('a', 2, 5)], [kvt('b', 1, 4)], [], [kvt('a', 3, 8)], [kvt('b', 2, 4)]]);
    expect(driver.producedTopicNames().has('app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition')).toBe(true);
    expect(driver.metric('dropped-records')).toBe(1);
  });

  it.each(cacheModes)('groupByKey().aggregate() and reduce(): no repartition topic (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupByKey();
    grouped.aggregate(() => 'i', (_k, v, agg) => agg + v).toStream().to('agg');
    grouped.reduce((agg, v) => agg + v).toStream().to('red');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const agg = driver.createOutputTopic('agg', Serdes.String(), Serdes.String());
    const red = driver.createOutputTopic('red', Serdes.String(), Serdes.String());
    const inputs = [['in', 'a', '1', 5], ['in', 'a', '2', 3], ['in', 'b', '3', 4], ['in', 'a', '4', 9], ['in', 'b', null, 10]] as const;
    expect(await pipeAndRead(driver, agg, inputs)).toEqual([[kvt('a', 'i1', 5)], [kvt('a', 'i12', 5)], [kvt('b', 'i3', 4)], [kvt('a', 'i124', 9)], []]);
    expect(red.readRecordsToList().map((r) => kvt(r.key, r.value, r.timestamp))).toEqual([kvt('a', '1', 5), kvt('a', '12', 5), kvt('b', '3', 4), kvt('a', '124', 9)]);
    expect([...driver.producedTopicNames()].filter((t) => t.endsWith('-repartition'))).toEqual([]);
  });

  it('count(Materialized.as(name)) is queryable and names the repartition topic; values are numbers', async () => {
    const builder = new StreamsBuilder();
    const counts = builder.stream<string, string>('in').selectKey((_k, v) => v).groupByKey().count(Materialized.as('counts-store'));
    expect(counts.queryableStoreName()).toBe('counts-store');
    await using driver = stringDriver(builder);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    for (const word of ['x', 'y', 'x']) await input.pipeInput('k', word, 1);
    const store = driver.getKeyValueStore<string, number>('counts-store');
    expect([await store.get('x'), await store.get('y')]).toEqual([2, 1]);
    expect(driver.producedTopicNames().has('app-counts-store-repartition')).toBe(true);
  });

  it('Grouped.as(name) names the key selector and one repartition topic shared by all aggregations', async () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupBy((_k, v) => v, Grouped.as('by-value'));
    grouped.count(Materialized.as('c')).toStream().to('counts', Produced.with(Serdes.String(), Serdes.Long()));
    grouped.reduce((a, b) => a + b, Materialized.as('r')).toStream().to('reduced');
    const text = builder.build().describe().toString();
    expect(text).toContain('Processor: by-value (stores: [])');
    expect(text.match(/Sink: by-value-repartition-sink/g)).toHaveLength(1);
    await using driver = stringDriver(builder);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(driver.createOutputTopic('counts', Serdes.String(), Serdes.Long()).readKeyValuesToList()).toEqual([{ key: 'v', value: 1 }]);
    expect(driver.createOutputTopic('reduced', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'v', value: 'v' }]);
    expect([...driver.producedTopicNames()].filter((t) => t.endsWith('-repartition'))).toEqual(['app-by-value-repartition']);
  });

  it('Grouped serdes are used for the repartition topic', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in')
      .mapValues((v) => Number(v))
      .groupBy((_k, n) => n % 2, Grouped.with(Serdes.Integer(), Serdes.Integer()))
      .reduce((a, b) => a + b, Materialized.with(Serdes.Integer(), Serdes.Integer()))
      .toStream()
      .to('out', Produced.with(Serdes.Integer(), Serdes.Integer()));
    await using driver = stringDriver(builder);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    for (const n of ['1', '2', '3', '4']) await input.pipeInput('k', n, 1);
    expect(driver.createOutputTopic('out', Serdes.Integer(), Serdes.Integer()).readKeyValuesToList())
      .toEqual([{ key: 1, value: 1 }, { key: 0, value: 2 }, { key: 1, value: 4 }, { key: 0, value: 6 }]);
  });

  it('checks its arguments', () => {
    const grouped = new StreamsBuilder().stream<string, string>('in').groupByKey();
    expect(() => grouped.reduce('x' as never)).toThrow(new TypeError('reduce(): reducer must be a function, but got: "x"'));
    expect(() => grouped.aggregate(() => 0, 1 as never)).toThrow(new TypeError('aggregate(): aggregator must be a function, but got: 1'));
    expect(() => grouped.count('n' as never)).toThrow(TypeError);
  });
});
