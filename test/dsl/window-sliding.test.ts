import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

/**
 * `in` grouped by key, sliding windows, values collected as a sorted set string "{1,2}", no cache
 * (every update is emitted, as Kafka's KStreamSlidingWindowAggregateTest runs uncached).
 */
function collectRun(windows: SlidingWindows, cached = false): WindowedRun<string> {
  const builder = new StreamsBuilder();
  const materialized = Materialized.as<string, string>('sliding').withValueSerde(Serdes.String());
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .aggregate(() => '{}', (_k, v, agg) => `{${[...agg.slice(1, -1).split(',').filter((x) => x !== ''), v].sort().join(',')}}`,
      cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.timeDifferenceMs()), Serdes.String()));
  return new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.timeDifferenceMs()), Serdes.String());
}

describe('SlidingWindows aggregation through the TopologyTestDriver (caching off)', () => {
  // SEMANTICS §3.2 worked example (the SlidingWindows javadoc data), D=5000, large grace. Windows
  // print as start/start+D; both ends are inclusive (§3.1).
  it('creates and updates windows as Kafka Streams does (the §3 worked example)', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceAndGrace(5000, 100_000));
    // (A,1)@8000 → its left window [3000,8000].
    expect(await run.pipe('A', '1', 8000)).toEqual([['A@3000/8000', '{1}', 8000]]);
    // (A,2)@9200 → the previous record's right window [8001,13001] (created, then the record added),
    // then its own left window [4200,9200] from the previous window's aggregate.
    expect(await run.pipe('A', '2', 9200)).toEqual([['A@8001/13001', '{2}', 9200], ['A@4200/9200', '{1,2}', 9200]]);
    // (A,3)@12400 → existing [8001,13001] updated, then the previous record's right window
    // [9201,14201], then the left window [7400,12400].
    expect(await run.pipe('A', '3', 12_400)).toEqual([
      ['A@8001/13001', '{2,3}', 12_400], ['A@9201/14201', '{3}', 12_400], ['A@7400/12400', '{1,2,3}', 12_400],
    ]);
    expect(run.dropped).toBe(0);
  });

  // §3.2 step 4-5 (processReverse) on an out-of-order record inside grace: windows containing t are
  // updated newest first, the left window comes from the first window ending before t, and the
  // record's right window is a copy of the later records' aggregate (its timestamp, old value null).
  it('an out-of-order record updates every window containing it, then creates its left and right windows', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceAndGrace(5000, 100_000));
    await run.pipeAll([['A', '1', 8000], ['A', '2', 9200], ['A', '3', 12_400]]);
    expect(await run.pipe('A', '4', 10_000)).toEqual([
      ['A@9201/14201', '{3,4}', 12_400],
      ['A@8001/13001', '{2,3,4}', 12_400],
      ['A@7400/12400', '{1,2,3,4}', 12_400],
      ['A@5000/10000', '{1,2,4}', 10_000],
      ['A@10001/15001', '{3}', 12_400],
    ]);
  });

  // §3.1: both bounds inclusive — a record exactly D after another shares its left window.
  it('a window [t-D, t] includes a record at exactly t-D', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceAndGrace(10, 1000));
    await run.pipe('k', 'a', 100);
    expect(await run.pipe('k', 'b', 110)).toEqual([['k@101/111', '{b}', 110], ['k@100/110', '{a,b}', 110]]);
  });

  // §3.2 step 3 (processEarly): records before D share the window [0, D]; right windows of the
  // earlier records are created as later ones come.
  it('early records (t < D) go into the window [0, D]', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceAndGrace(10, 1000));
    expect(await run.pipe('k', 'a', 2)).toEqual([['k@0/10', '{a}', 2]]);
    // The previous record's right window [3,13] is created, then [0,10] updated.
    expect(await run.pipe('k', 'b', 5)).toEqual([['k@3/13', '{b}', 5], ['k@0/10', '{a,b}', 5]]);
    // t=15 is not early: its left window [5,15] starts from the window ending before it ([3,13], {b}).
    expect(await run.pipe('k', 'c', 15)).toEqual([['k@6/16', '{c}', 15], ['k@5/15', '{b,c}', 15]]);
  });

  // §3.2 step 2: t + D < observedStreamTime - grace drops the whole record (once).
  it('drops a record whose windows all closed, and counts it once', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    await run.pipe('k', 'a', 100);
    expect(await run.pipe('k', 'b', 50)).toEqual([]);
    expect(run.dropped).toBe(1);
  });

  // §3.2 step 6: windows ending before the close time are skipped one by one; the right-window
  // copy is not checked (Kafka's createCurrentRecordRightWindow).
  it('skips (and counts) only the windows that closed: the record still joins the open ones', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    await run.pipe('k', 'a', 100);
    // t=95, close time 100: [90,100] (end 100 >= 100) is updated; its left window [85,95] is skipped.
    expect(await run.pipe('k', 'b', 95)).toEqual([['k@90/100', '{a,b}', 100], ['k@96/106', '{a}', 100]]);
    expect(run.dropped).toBe(1);
  });

  // §3.2 step 1 / §11: sliding windows drop null keys and null values (counted).
  it('drops null keys and null values', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    expect(await run.pipe(null, 'a', 1)).toEqual([]);
    expect(await run.pipe('k', null, 2)).toEqual([]);
    expect(run.dropped).toBe(2);
  });

  it('with the record cache, a record still yields each window it touched, once', async () => {
    await using run = collectRun(SlidingWindows.ofTimeDifferenceAndGrace(5000, 100_000), true);
    await run.pipeAll([['A', '1', 8000], ['A', '2', 9200]]);
    // Flushed in the order of each window's last update, with the window's timestamp.
    expect(await run.pipe('A', '3', 12_400)).toEqual([
      ['A@8001/13001', '{2,3}', 12_400], ['A@9201/14201', '{3}', 12_400], ['A@7400/12400', '{1,2,3}', 12_400],
    ]);
  });

  // Kafka's SlidingWindowedKStreamImpl: retention defaults to 2 * D + grace and must be at least that.
  it('rejects a retention shorter than 2 * D + grace', () => {
    const grouped = new StreamsBuilder().stream<string, string>('in').groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 5));
    expect(() => grouped.count(Materialized.as<string, number>('short').withRetention(24))).toThrow(
      'The retention period of the window store short must be no smaller than 2 * time difference plus the grace period. Got time difference=[10], grace=[5], retention=[24]',
    );
  });
});
