import { describe, expect, it } from 'vitest';
import { EmitStrategy } from '../../src/dsl/emit-strategy.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

const EMIT_INTERVAL = '__emit.interval.ms.kstreams.windowed.aggregation__';

/** `in` grouped by key, counted per sliding window with `EmitStrategy.onWindowClose()`, to `out`. */
function emitFinalRun(windows: SlidingWindows, cached: boolean, config: Record<string, unknown> = {}): WindowedRun<number> {
  const builder = new StreamsBuilder();
  const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.timeDifferenceMs());
  const materialized = Materialized.as<string, number>('counts');
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .to('out', Produced.with(keys, Serdes.Long()));
  return new WindowedRun(builder, keys, Serdes.Long(), config);
}

// Vectors worked out from Kafka Streams' KStreamSlidingWindowAggregate (processReverse /
// processEarly, SEMANTICS §3) with AbstractKStreamTimeWindowAggregateProcessor's emit-final
// (§5.7): no output per update; after a record that was neither dropped nor early (t < D: Kafka
// returns before its emit), every window with end < closeTime (= observed stream time - grace;
// ends are inclusive) and start >= max(0, last pass's close time - D) is forwarded once, ordered
// by start then key, with its stored timestamp (max record ts in the window) and old value null.
// Windows print as key@start/end, both ends inclusive; D = 10 throughout.
describe.each([false, true])('EmitStrategy.onWindowClose() on sliding windows (cache %s)', (cached) => {
  it('no grace: each window once, after stream time passes its end; late records dropped', async () => {
    await using run = emitFinalRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10), cached);
    // [0,10] = {10}; the first pass has no closed window yet (upper bound 10 - 10 - 1 < 0).
    expect(await run.pipe('a', '1', 10)).toEqual([]);
    // Makes [11,21] = {15} and [5,15] = {10, 15}; closeTime 15 closes [0,10] (start range [0,4]).
    expect(await run.pipe('a', '2', 15)).toEqual([['a@0/10', 1, 10]]);
    // b: [6,16]; closeTime 16 closes a's [5,15] (start range [5,5]).
    expect(await run.pipe('b', '3', 16)).toEqual([['a@5/15', 2, 15]]);
    // a: [20,30] (15 is more than D before); closeTime 30, starts [6,19]: by start, then key.
    expect(await run.pipe('a', '4', 30)).toEqual([['b@6/16', 1, 16], ['a@11/21', 1, 15]]);
    // §3.2: 19 + D < 30, the whole record is dropped (no pass either).
    expect(await run.pipe('b', '5', 19)).toEqual([]);
    expect(run.dropped).toBe(1);
    // Accepted (25 + D >= 30), but its only window [15,25] has closed: skipped and counted.
    expect(await run.pipe('c', '6', 25)).toEqual([]);
    expect(run.dropped).toBe(2);
    // closeTime 41, starts [20,30]: a's [20,30], once; nothing emitted twice.
    expect(await run.pipe('a', '7', 41)).toEqual([['a@20/30', 1, 30]]);
  });

  it('grace: late records update the windows still open; early records (t < D) never trigger a pass', async () => {
    await using run = emitFinalRun(SlidingWindows.ofTimeDifferenceAndGrace(10, 5), cached);
    expect(await run.pipeAll([['a', '1', 10], ['b', '2', 12]])).toEqual([]);
    // a: [11,21] = {20}, [10,20] = {10, 20}; closeTime 15 closes [0,10] and b's [2,12].
    expect(await run.pipe('a', '3', 20)).toEqual([['a@0/10', 1, 10], ['b@2/12', 1, 12]]);
    // Out of order, within grace, and early: its right window [9,19] = {10} is created, the
    // combined window [0,10] has closed (skipped, counted); and no pass runs after an early record.
    expect(await run.pipe('a', '4', 8)).toEqual([]);
    expect(run.dropped).toBe(1);
    // b: [16,26]; closeTime 21, starts [5,10].
    expect(await run.pipe('b', '5', 26)).toEqual([['a@9/19', 1, 10], ['a@10/20', 2, 20]]);
    // Late but accepted: updates [11,21] (end 21 is not before closeTime 21) and creates its right
    // window [20,30] = {20}; [10,20] and [9,19] have closed (two skips). closeTime did not move.
    expect(await run.pipe('a', '6', 19)).toEqual([]);
    expect(run.dropped).toBe(3);
    // closeTime 35, starts [11,24].
    expect(await run.pipe('c', '7', 40)).toEqual([['a@11/21', 2, 20], ['b@16/26', 1, 26], ['a@20/30', 1, 20]]);
  });
});

describe('EmitStrategy.onWindowClose() on sliding windows, throttled', () => {
  // §5.7: at most one pass per emit interval of wall-clock time; a later pass picks up every window
  // that closed meanwhile, but those the store's retention (2D + grace) is about to hide: the
  // record whose writes hide them forwards them first (Kafka's emit-final store keeps them until
  // their segment expires, and its next pass emits them).
  it('a pass held back by the wall clock emits later what closed meanwhile, but not what the store hides', async () => {
    await using run = emitFinalRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10), false, { [EMIT_INTERVAL]: 1_000 });
    // The first pass runs (nothing closed yet), the second is throttled.
    expect(await run.pipeAll([['a', '1', 10], ['a', '2', 15]])).toEqual([]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('b', '3', 16)).toEqual([['a@0/10', 1, 10], ['a@5/15', 2, 15]]);
    // closeTime 40 closes b's [6,16] and a's [11,21], both past retention once [30,40] is written:
    // forwarded before that write, throttle or not (Kafka: with the next pass, at 41).
    expect(await run.pipe('a', '4', 40)).toEqual([['b@6/16', 1, 16], ['a@11/21', 1, 15]]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('c', '5', 41)).toEqual([['a@30/40', 1, 40]]);
  });
});

describe('EmitStrategy.onWindowClose() on sliding windows, crash safety', () => {
  // Our store hides a window once its start is at or below the newest start - retention (2D, no
  // grace), so a window the throttle held back would then live only in memory and be lost if the
  // instance died after the input offsets were committed. It is forwarded by the record that
  // would hide it, before that record's writes, by start then key.
  it('windows the store is about to hide are forwarded at once, whatever the throttle', async () => {
    await using run = emitFinalRun(SlidingWindows.ofTimeDifferenceWithNoGrace(10), false, { [EMIT_INTERVAL]: 60_000 });
    // The first pass runs (nothing closed yet), then the wall clock holds every pass back.
    expect(await run.pipeAll([['a', '1', 10], ['a', '2', 15], ['b', '3', 16]])).toEqual([]);
    // Writing [30,40] hides every start <= 20: all four windows, closed, come out now.
    expect(await run.pipe('a', '4', 40)).toEqual([['a@0/10', 1, 10], ['a@5/15', 2, 15], ['b@6/16', 1, 16], ['a@11/21', 1, 15]]);
    expect(await run.pipe('c', '5', 41)).toEqual([]);
    // The next pass reads the store above them: nothing twice.
    await run.driver.advanceWallClockTime(60_000);
    expect(await run.pipe('c', '6', 42)).toEqual([['a@30/40', 1, 40], ['c@31/41', 1, 41]]);
  });
});
