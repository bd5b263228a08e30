import { describe, expect, it } from 'vitest';
import { EmitStrategy } from '../../src/dsl/emit-strategy.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

const EMIT_INTERVAL = '__emit.interval.ms.kstreams.windowed.aggregation__';

/** `in` grouped by key, counted per window with `EmitStrategy.onWindowClose()`, to `out`. */
function emitFinalRun(windows: TimeWindows, cached: boolean, config: Record<string, unknown> = {}): WindowedRun<number> {
  const builder = new StreamsBuilder();
  const materialized = Materialized.as<string, number>('counts');
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long()));
  return new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long(), config);
}

// Vectors worked out from Kafka Streams' AbstractKStreamTimeWindowAggregateProcessor /
// KStreamWindowAggregate (SEMANTICS §5.7): no output per update; after a record, every window with
// end <= closeTime (= observed stream time - grace) not emitted before is forwarded once, ordered by
// window start then key, with its stored timestamp (max record ts in the window, §1.5) and old value null.
describe.each([false, true])('EmitStrategy.onWindowClose() on time windows (cache %s)', (cached) => {
  it('tumbling, no grace: each window once, when stream time reaches its end; late records dropped', async () => {
    await using run = emitFinalRun(TimeWindows.ofSizeWithNoGrace(10), cached);
    // §5.7: nothing while [0,10) is open (closeTime 7 < end 10).
    expect(await run.pipeAll([['a', '1', 0], ['a', '2', 5], ['b', '3', 7]])).toEqual([]);
    // closeTime 10 closes [0,10): both keys, by start then key, stored ts = max record ts.
    expect(await run.pipe('a', '4', 10)).toEqual([['a@0/10', 2, 5], ['b@0/10', 1, 7]]);
    // closeTime 12: no new window closed (the emit range holds only the start 0 already emitted).
    expect(await run.pipe('a', '5', 12)).toEqual([]);
    // §2.2: a record for the closed [0,10) is dropped and counted; nothing is emitted twice.
    expect(await run.pipe('c', '6', 3)).toEqual([]);
    expect(run.dropped).toBe(1);
    // closeTime 25 closes [10,20) (a: records at 10 and 12).
    expect(await run.pipe('b', '7', 25)).toEqual([['a@10/20', 2, 12]]);
  });

  it('hopping windows: every overlapping window closes in turn', async () => {
    await using run = emitFinalRun(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5), cached);
    // §2.1: t=3 -> [0,10); t=7 -> [0,10), [5,15).
    expect(await run.pipeAll([['a', '1', 3], ['a', '2', 7]])).toEqual([]);
    // closeTime 10 closes [0,10) (records 3 and 7); t=10 opens [5,15) and [10,20).
    expect(await run.pipe('a', '3', 10)).toEqual([['a@0/10', 2, 7]]);
    // closeTime 15 closes [5,15) (records 7 and 10).
    expect(await run.pipe('a', '4', 15)).toEqual([['a@5/15', 2, 10]]);
  });

  it('grace: a window closes only at end + grace, and takes late records until then', async () => {
    await using run = emitFinalRun(TimeWindows.ofSizeAndGrace(10, 5), cached);
    expect(await run.pipeAll([['a', '1', 2], ['a', '2', 12]])).toEqual([]);
    // closeTime 7: [0,10) still open, so the late record at 8 counts.
    expect(await run.pipe('a', '3', 8)).toEqual([]);
    expect(run.dropped).toBe(0);
    // closeTime 10 closes [0,10).
    expect(await run.pipe('a', '4', 15)).toEqual([['a@0/10', 2, 8]]);
  });
});

describe('EmitStrategy', () => {
  // §5.7: the emit pass runs at most once per emit interval of wall-clock time (the first always
  // passes); the TopologyTestDriver sets the interval to 0, a config can set it back. Ours also
  // runs it before a record opens a newer window, which would push closed windows out of the
  // store's retention before they were emitted.
  it('throttles emit-final passes by wall-clock time, but never lets a closed window go unemitted', async () => {
    await using run = emitFinalRun(TimeWindows.ofSizeAndGrace(10, 5), false, { [EMIT_INTERVAL]: 1_000 });
    expect(await run.pipeAll([['a', '1', 0], ['a', '2', 9], ['a', '3', 14]])).toEqual([]);
    // closeTime 14 closes [0,10), but the last pass was less than 1 s of wall-clock time ago.
    expect(await run.pipe('a', '4', 19)).toEqual([]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('b', '5', 19)).toEqual([['a@0/10', 2, 9]]);
    // closeTime 25 closes [10,20) while throttled; the record opens [30,40): emitted at once.
    expect(await run.pipe('a', '6', 30)).toEqual([['a@10/20', 2, 19], ['b@10/20', 1, 19]]);
  });

  it('onWindowUpdate() is the default behaviour: every update', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .emitStrategy(EmitStrategy.onWindowUpdate())
      .count(Materialized.as<string, number>('counts').withCachingDisabled())
      .toStream()
      .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long()));
    await using run = new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10), Serdes.Long());
    expect(await run.pipeAll([['a', '1', 0], ['a', '2', 5]])).toEqual([['a@0/10', 1, 0], ['a@0/10', 2, 5]]);
    expect(EmitStrategy.onWindowClose().type()).toBe('ON_WINDOW_CLOSE');
    expect(EmitStrategy.onWindowUpdate().type()).toBe('ON_WINDOW_UPDATE');
  });

  it('takes onWindowClose() for every kind of window, and refuses what is not a strategy', () => {
    const grouped = () => new StreamsBuilder().stream<string, string>('in').groupByKey();
    expect(() => grouped().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).emitStrategy(EmitStrategy.onWindowClose()).count()).not.toThrow();
    expect(() => grouped().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).emitStrategy(EmitStrategy.onWindowClose()).count()).not.toThrow();
    expect(() => grouped().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).emitStrategy('close' as never)).toThrow(TypeError);
    expect(() => grouped().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10)).emitStrategy(undefined as never)).toThrow(TypeError);
    expect(() => grouped().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).emitStrategy({} as never)).toThrow(TypeError);
  });
});
