import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import type { KTable } from '../../src/dsl/ktable.js';
import { cacheModes, kvt, pipeAndRead, stringDriver } from './stateful-helpers.js';

describe('builder.table()', () => {
  it.each(cacheModes)('forwards each update with its timestamp; a tombstone deletes; a null key is dropped and counted (%s)', async (mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('t', Materialized.as('t-store'));
    table.toStream().to('out');
    expect(table.queryableStoreName()).toBe('t-store');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    // A delete of a key the store never had: forwarded uncached, dropped by the cache (SEMANTICS §5.3).
    const absentDelete = mode === 'cached' ? [] : [kvt('b', null, 10)];
    expect(await pipeAndRead(driver, out, [['t', 'a', '1', 5], ['t', 'a', '2', 3], ['t', null, 'x', 4], ['t', 'a', null, 9], ['t', 'b', null, 10]]))
      .toEqual([[kvt('a', '1', 5)], [kvt('a', '2', 3)], [], [kvt('a', null, 9)], absentDelete]);
    expect(driver.metric('dropped-records')).toBe(1);
    expect(await driver.getKeyValueStore<string, string>('t-store').get('a')).toBeUndefined();
  });

  it('the store keeps the latest value and the timestamp of its update', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t', Materialized.as('t-store'));
    await using driver = stringDriver(builder);
    await pipeAndRead(driver, driver.createOutputTopic('none', Serdes.String(), Serdes.String()), [['t', 'a', '1', 5], ['t', 'a', '2', 3], ['t', 'b', '3', 7]]);
    const entries: [string, string, number][] = [];
    for await (const { key, value } of driver.getTimestampedKeyValueStore<string, string>('t-store').all()) entries.push([key, value.value, value.timestamp]);
    expect(entries).toEqual([['a', '2', 3], ['b', '3', 7]]);
  });

  it('an unmaterialized table has no store, and a delete of an absent key is forwarded as a tombstone', async () => {
    const builder = new StreamsBuilder();
    const table = builder.table<string, string>('t');
    table.toStream().to('out');
    expect(table.queryableStoreName()).toBeUndefined();
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['t', 'never', null, 1]])).toEqual([[kvt('never', null, 1)]]);
    expect(() => driver.getKeyValueStore('t-STATE-STORE-0000000000')).toThrow();
  });

  it('reads with the Consumed serdes, names nodes after Consumed, and uses a given store supplier', async () => {
    const builder = new StreamsBuilder();
    builder.table('t', Consumed.with(Serdes.String(), Serdes.Integer()).withName('tbl'), Materialized.as<string, number>(Stores.inMemoryKeyValueStore('mem')))
      .mapValues((n) => n * 2)
      .toStream()
      .to('out', Produced.with(Serdes.String(), Serdes.Integer()));
    expect(builder.build().describe().toString()).toContain('Source: tbl-source (topics: [t])\n      --> tbl\n');
    await using driver = stringDriver(builder);
    await driver.createInputTopic('t', Serdes.String(), Serdes.Integer()).pipeInput('a', 21, 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.Integer()).readKeyValuesToList()).toEqual([{ key: 'a', value: 42 }]);
    expect(await driver.getKeyValueStore<string, number>('mem').get('a')).toBe(21);
    expect(driver.getStateStore('mem').persistent).toBe(false);
  });

  it.each(cacheModes)('several updates of a key made by one input record are forwarded once with caching (%s, SEMANTICS §5.3)', async (mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').flatMapValues((v) => [`${v}-1`, `${v}-2`]).toTable(Materialized.as('tt')).toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    const expected = mode === 'cached' ? [[kvt('k', 'v-2', 1)]] : [[kvt('k', 'v-1', 1), kvt('k', 'v-2', 1)]];
    expect(await pipeAndRead(driver, out, [['in', 'k', 'v', 1]])).toEqual(expected);
  });
});

// SEMANTICS §5.4 (KAFKA-10077): when the filtered table is materialized, the filter gets old values
// and forwards nothing when old and new values both fail; otherwise every failing update is a
// tombstone. Kafka Streams 4.1.2's TopologyTestDriver printed these outputs, cached and uncached.
describe('KTable.filter / filterNot', () => {
  const inputs = [['t', 'a', 'keep1', 1], ['t', 'b', 'drop1', 2], ['t', 'a', 'drop2', 3], ['t', 'b', 'drop3', 4], ['t', 'b', null, 5], ['t', 'a', 'keep2', 6]] as const;

  for (const [mode, cacheMaxBytes] of cacheModes) {
    it(`parent not materialized: every failing update is forwarded as a tombstone (${mode})`, async () => {
      const builder = new StreamsBuilder();
      builder.table<string, string>('t').filter((_k, v) => v.startsWith('keep')).toStream().to('out');
      await using driver = stringDriver(builder, cacheMaxBytes);
      expect(await pipeAndRead(driver, driver.createOutputTopic('out', Serdes.String(), Serdes.String()), inputs)).toEqual([
        [kvt('a', 'keep1', 1)], [kvt('b', null, 2)], [kvt('a', null, 3)], [kvt('b', null, 4)], [kvt('b', null, 5)], [kvt('a', 'keep2', 6)],
      ]);
    });

    it(`parent materialized: an update failing before and after is not forwarded (${mode})`, async () => {
      const builder = new StreamsBuilder();
      builder.table<string, string>('t', Materialized.as('src')).filterNot((_k, v) => !v.startsWith('keep')).toStream().to('out');
      await using driver = stringDriver(builder, cacheMaxBytes);
      expect(await pipeAndRead(driver, driver.createOutputTopic('out', Serdes.String(), Serdes.String()), inputs)).toEqual([
        [kvt('a', 'keep1', 1)], [], [kvt('a', null, 3)], [], [], [kvt('a', 'keep2', 6)],
      ]);
    });
  }

  it('a materialized filter result keeps only matching rows in its store', async () => {
    const builder = new StreamsBuilder();
    const kept = builder.table<string, string>('t').filter((_k, v) => v.startsWith('keep'), Named.as('keep'), Materialized.as('kept'));
    expect(kept.queryableStoreName()).toBe('kept');
    await using driver = stringDriver(builder);
    await pipeAndRead(driver, driver.createOutputTopic('none', Serdes.String(), Serdes.String()), inputs);
    const rows: [string, string][] = [];
    for await (const { key, value } of driver.getKeyValueStore<string, string>('kept').all()) rows.push([key, value]);
    expect(rows).toEqual([['a', 'keep2']]);
  });

  it('an unnamed Materialized does not make the result queryable', () => {
    const builder = new StreamsBuilder();
    expect(builder.table<string, string>('t').filter(() => true, Materialized.with(Serdes.String(), Serdes.String())).queryableStoreName()).toBeUndefined();
  });
});

describe('KTable.mapValues', () => {
  it.each(cacheModes)('maps values and keeps deletes; a filter after it sees the mapped values (%s)', async (_mode, cacheMaxBytes) => {
    // Kafka Streams 4.1.2 printed the same outputs for this program and these inputs.
    const builder = new StreamsBuilder();
    const lengths: KTable<string, number> = builder.table<string, string>('t').mapValues((v) => v.length);
    lengths.filter((_k, n) => n > 2).toStream().to('out', Produced.with(Serdes.String(), Serdes.Integer()));
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.Integer());
    expect(await pipeAndRead(driver, out, [['t', 'a', 'abc', 1], ['t', 'a', 'ab', 2], ['t', 'a', null, 3], ['t', 'b', 'abcd', 4]]))
      .toEqual([[kvt('a', 3, 1)], [kvt('a', null, 2)], [kvt('a', null, 3)], [kvt('b', 4, 4)]]);
  });

  it('the mapper gets the key as its second argument; a materialized result is queryable', async () => {
    const builder = new StreamsBuilder();
    const mapped = builder.table<string, string>('t').mapValues((v, k) => `${k}=${v}`, Materialized.as('mapped'));
    expect(mapped.queryableStoreName()).toBe('mapped');
    await using driver = stringDriver(builder);
    await driver.createInputTopic('t', Serdes.String(), Serdes.String()).pipeInput('a', '1', 1);
    expect(await driver.getKeyValueStore<string, string>('mapped').get('a')).toBe('a=1');
  });
});

describe('KTable.toStream', () => {
  it('with a mapper, re-keys the update stream (toStream().selectKey())', async () => {
    const builder = new StreamsBuilder();
    builder.table<string, string>('t').toStream((k, v) => `${k}-${v}`).to('out');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['t', 'a', '1', 4]])).toEqual([[kvt('a-1', '1', 4)]]);
  });

  it('checks its arguments', () => {
    const table = new StreamsBuilder().table<string, string>('t');
    expect(() => table.filter('nope' as never)).toThrow(new TypeError('filter(): predicate must be a function, but got: "nope"'));
    expect(() => table.mapValues((v) => v, Materialized.as('a'), Materialized.as('b'))).toThrow('mapValues(): pass a Materialized once (as the last argument), but got two');
    expect(() => table.toStream('x' as never)).toThrow(TypeError);
  });
});
