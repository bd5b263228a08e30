import { describe, expect, it } from 'vitest';
import type { CogroupedKStream } from '../../src/dsl/cogrouped-kstream.js';
import type { KGroupedStream } from '../../src/dsl/kgrouped-stream.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import type { StreamsBuilder as Builder } from '../../src/dsl/streams-builder.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Windowed } from '../../src/state/windowed.js';
import type { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { cacheModes, stringDriver } from './stateful-helpers.js';
import { windowedKey, type Out } from './window-driver.js';

// Windowed cogroup: each input has its own windowed aggregate processor over the one shared store
// (Kafka's CogroupedStreamAggregateBuilder), so windows, grace and late records follow the
// single-stream windowed aggregations (SEMANTICS §2-§4), with one twist Kafka has too: each
// processor keeps its own observed stream time, so a record is late by its own input's time.

const lower = (_k: string, v: string, agg: string): string => agg + v;
const upper = (_k: string, v: string, agg: string): string => agg + v.toUpperCase();

type Input = readonly [topic: 'a' | 'b', key: string, value: string, timestamp: number];

/** Pipes each input and returns, per input, the output records it caused. */
async function run(driver: TopologyTestDriver, keySerde: Serde<Windowed<string>>, inputs: readonly Input[]): Promise<Array<Array<Out<string>>>> {
  const out = driver.createOutputTopic('out', keySerde, Serdes.String());
  const results: Array<Array<Out<string>>> = [];
  for (const [topic, key, value, timestamp] of inputs) {
    await driver.createInputTopic(topic, Serdes.String(), Serdes.String()).pipeInput(key, value, timestamp);
    results.push(out.readRecordsToList().map((r) => [windowedKey(r.key), r.value, r.timestamp]));
  }
  return results;
}

function inputs(builder: Builder): [KGroupedStream<string, string>, KGroupedStream<string, string>] {
  return [builder.stream<string, string>('a').groupByKey(), builder.stream<string, string>('b').groupByKey()];
}

describe('windowed cogroup', () => {
  it.each(cacheModes)('tumbling windows with grace: late records dropped by each input\'s own stream time; window store queryable (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper)
      .windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .aggregate(() => '', Materialized.as('win'))
      .toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    expect(await run(driver, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), [
      ['a', 'k', 'x', 1], ['b', 'k', 'y', 3], ['a', 'k', 'z', 16],
      ['a', 'k', 'l', 2], //  a's stream time 16: [0,10) closed at 15, dropped
      ['b', 'k', 'q', 2], //  b's stream time 3: [0,10) still open for b
      ['b', 'k', 'r', 17], ['b', 'k', 's', 4], // b's stream time 17: dropped
    ])).toEqual([
      [['k@0/10', 'x', 1]], [['k@0/10', 'xY', 3]], [['k@10/20', 'z', 16]], [], [['k@0/10', 'xYQ', 3]], [['k@10/20', 'zR', 17]], [],
    ]);
    expect(driver.metric('dropped-records')).toBe(2);
    const store = driver.getWindowStore<string, string>('win');
    expect([await store.fetch('k', 0), await store.fetch('k', 10)]).toEqual(['xYQ', 'zR']);
  });

  // Kafka's TimeWindowedCogroupedKStreamImplTest (apache/kafka, streams/src/test/java/org/apache/
  // kafka/streams/kstream/internals/), MockInitializer.STRING_INIT and MockAggregator.TOSTRING_ADDER / _REMOVER.
  const adder = (_k: string, v: string, agg: string): string => `${agg}+${v}`;
  const remover = (_k: string, v: string, agg: string): string => `${agg}-${v}`;

  it.each(cacheModes)('Kafka\'s timeWindowMixAggregatorsManyWindowsTest: two inputs, two aggregators, 500 ms windows (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(adder).cogroup(b, remover).windowedBy(TimeWindows.ofSizeWithNoGrace(500))
      .aggregate(() => '0', Materialized.with(Serdes.String(), Serdes.String())).toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    expect((await run(driver, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 500), [
      ['a', 'k1', 'A', 0], ['a', 'k2', 'A', 0], ['a', 'k2', 'A', 1], ['a', 'k1', 'A', 2],
      ['b', 'k1', 'B', 3], ['b', 'k2', 'B', 3], ['b', 'k2', 'B', 501], ['b', 'k1', 'B', 501],
    ])).flat()).toEqual([
      ['k1@0/500', '0+A', 0], ['k2@0/500', '0+A', 0], ['k2@0/500', '0+A+A', 1], ['k1@0/500', '0+A+A', 2],
      ['k1@0/500', '0+A+A-B', 3], ['k2@0/500', '0+A+A-B', 3], ['k2@500/1000', '0-B', 501], ['k1@500/1000', '0-B', 501],
    ]);
  });

  it('Kafka\'s timeWindowAggregateOverlappingWindowsTest: one input, hopping 500 ms windows advancing by 200 ms', async () => {
    const builder = new StreamsBuilder();
    const [a] = inputs(builder);
    a.cogroup(adder).windowedBy(TimeWindows.ofSizeWithNoGrace(500).advanceBy(200))
      .aggregate(() => '0', Materialized.with(Serdes.String(), Serdes.String())).toStream().to('out');
    await using driver = stringDriver(builder);
    expect((await run(driver, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 500), [
      ['a', 'k1', 'A', 0], ['a', 'k2', 'A', 0], ['a', 'k1', 'B', 250], ['a', 'k2', 'B', 250], ['a', 'k2', 'A', 500], ['a', 'k1', 'A', 500],
    ])).flat()).toEqual([
      ['k1@0/500', '0+A', 0], ['k2@0/500', '0+A', 0], ['k1@0/500', '0+A+B', 250], ['k1@200/700', '0+B', 250],
      ['k2@0/500', '0+A+B', 250], ['k2@200/700', '0+B', 250], ['k2@200/700', '0+B+A', 500], ['k2@400/900', '0+A', 500],
      ['k1@200/700', '0+B+A', 500], ['k1@400/900', '0+A', 500],
    ]);
  });

  it('hopping windows: each input updates every window its record falls in', async () => {
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper).windowedBy(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5)).aggregate(() => '').toStream().to('out');
    await using driver = stringDriver(builder);
    expect(await run(driver, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), [['a', 'k', 'x', 7], ['b', 'k', 'y', 12], ['a', 'k', 'z', 14]])).toEqual([
      [['k@0/10', 'x', 7], ['k@5/15', 'x', 7]],
      [['k@5/15', 'xY', 12], ['k@10/20', 'Y', 12]],
      [['k@5/15', 'xYz', 14], ['k@10/20', 'Yz', 14]],
    ]);
  });

  // The same records through one stream (the two merged, each value tagged with its input) give the
  // same windows: the cogroup shares one store between its processors.
  async function singleStreamOutputs(windowsOf: (b: Builder) => unknown, records: readonly Input[], cacheMaxBytes: number, session: boolean): Promise<unknown> {
    const builder = new StreamsBuilder();
    const a = builder.stream<string, string>('a').mapValues((v) => `a${v}`);
    const merged = a.merge(builder.stream<string, string>('b').mapValues((v) => `b${v}`)).groupByKey();
    const fold = (k: string, v: string, agg: string): string => (v.startsWith('a') ? lower(k, v.slice(1), agg) : upper(k, v.slice(1), agg));
    const windows = windowsOf(builder);
    const table = windows instanceof SessionWindows
      ? merged.windowedBy(windows).aggregate(() => '', fold, (_k, x, y) => x + y)
      : merged.windowedBy(windows as SlidingWindows).aggregate(() => '', fold);
    table.toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    return await run(driver, session ? WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()) : WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), records);
  }

  it.each(cacheModes)('sliding windows: as one stream aggregating both inputs (%s)', async (_mode, cacheMaxBytes) => {
    const records: Input[] = [['a', 'k', 'x', 10], ['b', 'k', 'y', 15], ['a', 'k', 'z', 18], ['b', 'k', 'w', 30], ['a', 'k', 'v', 5]];
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper).windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 20)).aggregate(() => '', Materialized.as('slide')).toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const outputs = await run(driver, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), records);
    expect(outputs).toEqual(await singleStreamOutputs(() => SlidingWindows.ofTimeDifferenceAndGrace(10, 20), records, cacheMaxBytes, false));
    expect(outputs[1]).toContainEqual(['k@5/15', 'xY', 15]);
    expect(await driver.getWindowStore<string, string>('slide').fetch('k', 8)).toBe('xYz');
  });

  it('session windows: a record bridging two sessions merges them with the session merger; late ones are dropped; session store queryable', async () => {
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper)
      // grace 10 keeps the sessions of the input behind in stream time visible: the store hides
      // sessions ending before its own stream time - retention (gap + grace), as Kafka's does
      .windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 10))
      .aggregate(() => '', (_k, x, y) => x + y, Materialized.as('sessions'))
      .toStream().to('out');
    await using driver = stringDriver(builder);
    expect(await run(driver, WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()), [
      ['a', 'k', 'x', 0], ['b', 'k', 'y', 30], ['a', 'k', 'z', 15],
      ['b', 'k', 'j', 22], // bridges [15,15] (a's) and [30,30] (b's)
      ['a', 'k', 'w', 50], ['a', 'k', 'l', 20], // a's stream time 50: a session ending at 20 < 50 - 10 - 10 is late
    ])).toEqual([
      [['k@0/0', 'x', 0]], [['k@30/30', 'Y', 30]], [['k@15/15', 'z', 15]],
      [['k@15/15', null, 15], ['k@30/30', null, 30], ['k@15/30', 'zYJ', 30]],
      [['k@50/50', 'w', 50]], [],
    ]);
    expect(driver.metric('dropped-records')).toBe(1);
    const store = driver.getSessionStore<string, string>('sessions');
    expect(await store.fetchSession('k', 50, 50)).toBe('w');
    // [15,30] ends before the store's stream time 50 - retention 20: expired, no longer returned
    expect(await store.fetchSession('k', 15, 30)).toBeUndefined();
  });

  it.each(cacheModes)('session windows: as one stream aggregating both inputs (%s)', async (_mode, cacheMaxBytes) => {
    const records: Input[] = [['a', 'k', 'x', 0], ['b', 'k', 'y', 30], ['a', 'k', 'z', 15], ['b', 'k', 'j', 22], ['b', 'm', 'q', 23], ['a', 'k', 'w', 31]];
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper).windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5)).aggregate(() => '', (_k, x, y) => x + y).toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const outputs = await run(driver, WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()), records);
    expect(outputs).toEqual(await singleStreamOutputs(() => SessionWindows.ofInactivityGapAndGrace(10, 5), records, cacheMaxBytes, true));
  });
  // The shared store is the windowed aggregations' own (Kafka's TimeWindowedCogroupedKStreamImpl,
  // SlidingWindowedCogroupedKStreamImpl and SessionWindowedCogroupedKStreamImpl materialize it alike).
  it('rejects a retention shorter than the windows need, as the single-stream windowed aggregations do', () => {
    const cogrouped = (): CogroupedKStream<string, string> => {
      const [a, b] = inputs(new StreamsBuilder());
      return a.cogroup(lower).cogroup(b, upper);
    };
    expect(() => cogrouped().windowedBy(TimeWindows.ofSizeAndGrace(10, 5)).aggregate(() => '', Materialized.as<string, string>('short').withRetention(14)))
      .toThrow('The retention period of the window store short must be no smaller than its window size plus the grace period. Got size=[10], grace=[5], retention=[14]');
    expect(() => cogrouped().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5)).aggregate(() => '', Materialized.as<string, string>('short').withRetention(24)))
      .toThrow('The retention period of the window store short must be no smaller than 2 * time difference plus the grace period. Got time difference=[10], grace=[5], retention=[24]');
    expect(() => cogrouped().windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5)).aggregate(() => '', (_k, x, y) => x + y, Materialized.as<string, string>('short').withRetention(14)))
      .toThrow('The retention period of the session store short must be no smaller than the session inactivity gap plus the grace period. Got gap=[10], grace=[5], retention=[14]');
  });

  it('Named names the windowed processors <name>-cogroup-agg-<i> and <name>-cogroup-merge; the store is COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>', () => {
    const builder = new StreamsBuilder();
    const [a, b] = inputs(builder);
    a.cogroup(lower).cogroup(b, upper).windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).aggregate(() => '', (_k, x, y) => x + y, Named.as('visits'));
    const text = builder.build().describe().toString();
    expect(text).toContain('    Processor: visits-cogroup-agg-0 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n');
    expect(text).toContain('    Processor: visits-cogroup-agg-1 (stores: [COGROUPKSTREAM-AGGREGATE-STATE-STORE-0000000002])\n');
    expect(text).toContain('    Processor: visits-cogroup-merge (stores: [])\n      --> none\n      <-- visits-cogroup-agg-0, visits-cogroup-agg-1\n');
  });
});
