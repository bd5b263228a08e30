import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Windowed } from '../../src/state/windowed.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { WindowedRun, type Out } from './window-driver.js';

/** `in` grouped by key, windowed, counted without a cache (every update is emitted), to `out`. */
function countTopology(windows: TimeWindows): StreamsBuilder {
  const builder = new StreamsBuilder();
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .count(Materialized.as<string, number>('counts').withCachingDisabled())
    .toStream()
    .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long()));
  return builder;
}

function countRun(windows: TimeWindows): WindowedRun<number> {
  return new WindowedRun(countTopology(windows), WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long());
}

describe('TimeWindows aggregation through the TopologyTestDriver (caching off: every update)', () => {
  // Kafka's KStreamWindowAggregateTest.testAggBasic, quoted in SEMANTICS §2 (worked example):
  // S=10, A=5, grace 100, string-append aggregator with initializer "0". Rules: §2.1 assignment
  // (ascending start), §2.4 values and window timestamp = max record ts, §2.2 late records
  // accepted inside grace.
  it('testAggBasic: hopping windows, per-window timestamps, late records inside grace', async () => {
    const builder = new StreamsBuilder();
    const windows = TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5);
    builder.stream<string, string>('in').groupByKey().windowedBy(windows)
      .aggregate(() => '0', (_k, v, agg) => `${agg}+${v}`, Materialized.as<string, string>('topic1-Canonized').withValueSerde(Serdes.String()).withCachingDisabled())
      .toStream()
      .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.String()));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.String());
    const out = await run.pipeAll([
      ['A', '1', 0], ['B', '2', 1], ['C', '3', 2], ['D', '4', 3], ['A', '1', 4],
      ['A', '1', 5], ['B', '2', 6], ['D', '4', 7], ['B', '2', 8], ['C', '3', 9],
      ['A', '1', 10], ['B', '2', 11], ['D', '4', 12], ['B', '2', 13], ['C', '3', 14],
      ['B', '1', 3], ['B', '2', 2], ['B', '3', 9],
    ]);
    expect(out).toEqual([
      ['A@0/10', '0+1', 0], ['B@0/10', '0+2', 1], ['C@0/10', '0+3', 2], ['D@0/10', '0+4', 3], ['A@0/10', '0+1+1', 4],
      ['A@0/10', '0+1+1+1', 5], ['A@5/15', '0+1', 5],
      ['B@0/10', '0+2+2', 6], ['B@5/15', '0+2', 6],
      ['D@0/10', '0+4+4', 7], ['D@5/15', '0+4', 7],
      ['B@0/10', '0+2+2+2', 8], ['B@5/15', '0+2+2', 8],
      ['C@0/10', '0+3+3', 9], ['C@5/15', '0+3', 9],
      ['A@5/15', '0+1+1', 10], ['A@10/20', '0+1', 10],
      ['B@5/15', '0+2+2+2', 11], ['B@10/20', '0+2', 11],
      ['D@5/15', '0+4+4', 12], ['D@10/20', '0+4', 12],
      ['B@5/15', '0+2+2+2+2', 13], ['B@10/20', '0+2+2', 13],
      ['C@5/15', '0+3+3', 14], ['C@10/20', '0+3', 14],
      // Late (t=3, 2, 9 at stream time 14, grace 100): window ts stays the max (8, then 9 and 13).
      ['B@0/10', '0+2+2+2+1', 8], ['B@0/10', '0+2+2+2+1+2', 8],
      ['B@0/10', '0+2+2+2+1+2+3', 9], ['B@5/15', '0+2+2+2+2+3', 13],
    ]);
    expect(run.dropped).toBe(0);
  });

  // §2.1: windows assigned for a given timestamp, epoch-aligned, start inclusive / end exclusive.
  const assignment: Array<{ rule: string; windows: TimeWindows; t: number; expected: Array<Out<number>> }> = [
    { rule: 'tumbling 5 s: t=12345 → [10000,15000)', windows: TimeWindows.ofSizeWithNoGrace(5000), t: 12_345, expected: [['k@10000/15000', 1, 12_345]] },
    { rule: 'tumbling: t on a boundary opens the next window', windows: TimeWindows.ofSizeWithNoGrace(5000), t: 15_000, expected: [['k@15000/20000', 1, 15_000]] },
    { rule: 'hopping S=10 A=5: t=12 → [5,15), [10,20) in ascending start', windows: TimeWindows.ofSizeWithNoGrace(10).advanceBy(5), t: 12, expected: [['k@5/15', 1, 12], ['k@10/20', 1, 12]] },
    { rule: 'hopping S=10 A=5: t=3 < S-A → only [0,10) (no negative starts)', windows: TimeWindows.ofSizeWithNoGrace(10).advanceBy(5), t: 3, expected: [['k@0/10', 1, 3]] },
    { rule: 'hopping S=10 A=3: t=4 < S-A → [0,10), [3,13)', windows: TimeWindows.ofSizeWithNoGrace(10).advanceBy(3), t: 4, expected: [['k@0/10', 1, 4], ['k@3/13', 1, 4]] },
  ];
  for (const { rule, windows, t, expected } of assignment) {
    it(`assigns windows: ${rule}`, async () => {
      await using run = countRun(windows);
      expect(await run.pipe('k', 'v', t)).toEqual(expected);
    });
  }

  // §2.2 example: tumbling S=10, grace 0: after (k,_)@10 a record @5 is dropped ([0,10): 10 <= 10), counted.
  it('drops a record whose window closed (no grace) and counts it in dropped-records', async () => {
    await using run = countRun(TimeWindows.ofSizeWithNoGrace(10));
    expect(await run.pipe('k', 'a', 10)).toEqual([['k@10/20', 1, 10]]);
    expect(await run.pipe('k', 'b', 5)).toEqual([]);
    expect(run.dropped).toBe(1);
    // A record still inside its open window is out-of-order but not late.
    expect(await run.pipe('k', 'c', 19)).toEqual([['k@10/20', 2, 19]]);
    expect(await run.pipe('k', 'd', 12)).toEqual([['k@10/20', 3, 19]]);
    expect(run.dropped).toBe(1);
  });

  // §2.2 example: with grace 5 the record @5 is accepted until observed stream time reaches 15.
  it('accepts out-of-order records inside grace, drops them once stream time reaches end + grace', async () => {
    await using run = countRun(TimeWindows.ofSizeAndGrace(10, 5));
    await run.pipe('k', 'a', 10);
    expect(await run.pipe('k', 'b', 5)).toEqual([['k@0/10', 1, 5]]);
    expect(await run.pipe('x', 'c', 14)).toEqual([['x@10/20', 1, 14]]);
    expect(await run.pipe('k', 'd', 6)).toEqual([['k@0/10', 2, 6]]);
    // Observed stream time is per processor, over all keys (§1.4): x@15 closes k's [0,10).
    expect(await run.pipe('x', 'e', 15)).toEqual([['x@10/20', 2, 15]]);
    expect(await run.pipe('k', 'f', 9)).toEqual([]);
    expect(run.dropped).toBe(1);
  });

  // §2.2: the check is per window; a hopping record can update one window and be dropped from another.
  it('hopping: a late record updates its open window and is dropped (once) from the closed one', async () => {
    await using run = countRun(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
    expect(await run.pipe('k', 'a', 15)).toEqual([['k@10/20', 1, 15], ['k@15/25', 1, 15]]);
    // t=12: [5,15) ends at 15 <= 15 → dropped; [10,20) is open.
    expect(await run.pipe('k', 'b', 12)).toEqual([['k@10/20', 2, 15]]);
    expect(run.dropped).toBe(1);
    // t=4: [0,10) closed — and no negative-start window exists — one more drop.
    expect(await run.pipe('k', 'c', 4)).toEqual([]);
    expect(run.dropped).toBe(2);
  });

  // §2.3 (Kafka's KStreamWindowAggregate): null key dropped and counted; a null value reaches the aggregator.
  it('drops null keys (counted) and counts null values', async () => {
    await using run = countRun(TimeWindows.ofSizeWithNoGrace(10));
    expect(await run.pipe(null, 'a', 1)).toEqual([]);
    expect(run.dropped).toBe(1);
    expect(await run.pipe('k', null, 2)).toEqual([['k@0/10', 1, 2]]);
    expect(await run.pipe('k', 'b', 3)).toEqual([['k@0/10', 2, 3]]);
  });

  // §2.4 / §1.5: an existing window takes max(record ts, window ts); reduce keeps its first value.
  it('reduce: first value as is, then reducer(aggregate, value); window ts = max record ts', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 10))
      .reduce((agg, v) => `${agg}|${v}`, Materialized.as<string, string>('reduced').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.String()));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.String());
    expect(await run.pipeAll([['k', 'a', 5], ['k', 'b', 2], ['k', 'c', 8]])).toEqual([
      ['k@0/10', 'a', 5], ['k@0/10', 'a|b', 5], ['k@0/10', 'a|b|c', 8],
    ]);
  });

  // §2.5: the window store holds each window with its aggregate and max timestamp, and hides
  // windows with start <= max stored start - retention (retention = size + grace = 10 here).
  it('materializes a window store of aggregates with their max timestamps; expired windows go', async () => {
    await using run = countRun(TimeWindows.ofSizeWithNoGrace(10));
    await run.pipeAll([['a', '1', 1], ['a', '2', 7], ['b', '3', 9]]);
    const store = run.driver.getTimestampedWindowStore<string, number>('counts');
    const all = async () => {
      const found = [];
      for await (const { key, value } of store.all()) found.push([`${key.key()}@${key.window().start()}/${key.window().end()}`, value.value, value.timestamp]);
      return found;
    };
    expect(await all()).toEqual([['a@0/10', 2, 7], ['b@0/10', 1, 9]]);
    await run.pipe('a', '4', 15);
    expect(await all()).toEqual([['a@10/20', 1, 15]]);
  });

  // Kafka's TopologyTestDriver.getWindowStore shows a timestamped window store through a
  // WindowStoreFacade: plain values, no timestamps (getTimestampedWindowStore has them).
  it('shows the aggregates as plain values through getWindowStore', async () => {
    await using run = countRun(TimeWindows.ofSizeWithNoGrace(10));
    await run.pipeAll([['a', '1', 1], ['a', '2', 7], ['b', '3', 9]]);
    const store = run.driver.getWindowStore<string, number>('counts');
    expect(await store.fetch('a', 0)).toBe(2);
    expect(await store.fetch('a', 10)).toBeUndefined();
    const found = [];
    for await (const { key, value } of store.fetchAll(0, 20)) found.push([key.key(), key.window().start(), value]);
    expect(found).toEqual([['a', 0, 2], ['b', 0, 1]]);
    const byStart = [];
    for await (const { key, value } of store.backwardFetch('a', 0, 20)) byStart.push([key, value]);
    expect(byStart).toEqual([[0, 2]]);
  });

  // Event time comes from the source's timestamp extractor (here a time carried in the value),
  // not from the record's own timestamp; the windows follow it.
  it('windows by the time a TimestampExtractor gives', async () => {
    const builder = new StreamsBuilder();
    const fromValue = { extract: (r: { value: unknown }) => Number(String(r.value).split('@')[1]) };
    builder.stream('in', Consumed.with(Serdes.String(), Serdes.String()).withTimestampExtractor(fromValue))
      .groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('counts').withCachingDisabled())
      .toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long());
    expect(await run.pipeAll([['k', 'a@25', 1], ['k', 'b@27', 2]])).toEqual([['k@20/30', 1, 25], ['k@20/30', 2, 27]]);
  });

  // SEMANTICS §12.2/§12.3: a key-changing operation before the grouping inserts a repartition
  // topic named after the aggregation's store; the windowed result then counts by the new key.
  it('repartitions after a key change, through <app>-<store>-repartition', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').selectKey((_k, v) => v.split(' ')[0] as string)
      .groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('by-word').withCachingDisabled())
      .toStream().to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long(), { 'application.id': 'app' });
    expect(await run.pipeAll([['a', 'x 1', 1], ['b', 'x 2', 2], ['c', 'y 3', 12]])).toEqual([['x@0/10', 1, 1], ['x@0/10', 2, 2], ['y@10/20', 1, 12]]);
    expect(run.driver.producedTopicNames()).toEqual(new Set(['app-by-word-repartition', 'app-by-word-changelog', 'out']));
  });

  // Kafka's WindowedChangelogTopicConfig: the store's changelog is compacted and deleted a day
  // after the store's retention (size + grace here).
  it('declares the window store changelog as compact,delete with retention + 1 day', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000)).count(Materialized.as<string, number>('per-minute'));
    const changelog = builder.build().metadata('app').internalTopics.find((t) => t.name === 'app-per-minute-changelog');
    expect(changelog?.configs).toEqual({ 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'CreateTime', 'retention.ms': String(65_000 + 24 * 3600 * 1000) });
  });

  it('keys its results by Windowed<K>: toStream() sees the key and the window', async () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .toStream()
      .foreach((w: Windowed<string>, n) => void seen.push(`${w.key()} [${w.window().startTime().toISOString()}, ${w.window().endTime().toISOString()}) ${n}`));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long());
    await run.pipe('k', 'v', 15);
    expect(seen).toEqual(['k [1970-01-01T00:00:00.010Z, 1970-01-01T00:00:00.020Z) 1']);
  });

  // The result's key serde is Kafka's time-windowed layout over the grouped key's serde (here
  // the config's default.key.serde), so to() needs no Produced.
  it('writes windowed keys with to() and no Produced: key bytes + 8-byte window start', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .toStream().to('out');
    await using driver = new TopologyTestDriver(builder.build(), { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() });
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('ab', 'v', 25);
    const raw = driver.createOutputTopic('out', Serdes.ByteArray(), Serdes.ByteArray()).readRecordsToList();
    expect(raw.map((r) => [r.key?.toString('hex'), r.value?.toString('hex')])).toEqual([['6162' + '0000000000000014', '0000000000000001']]);
  });

  // §2.5 (Kafka's WindowStoreMaterializer): retention defaults to size + grace and must be at least that.
  it('rejects a retention shorter than size + grace', () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5));
    expect(() => grouped.count(Materialized.as<string, number>('short').withRetention(14))).toThrow(
      'The retention period of the window store short must be no smaller than its window size plus the grace period. Got size=[10], grace=[5], retention=[14]',
    );
    expect(() => grouped.count(Materialized.as<string, number>('ok').withRetention(15))).not.toThrow();
  });
});
