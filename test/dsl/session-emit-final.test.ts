import { describe, expect, it } from 'vitest';
import { EmitStrategy } from '../../src/dsl/emit-strategy.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

const EMIT_INTERVAL = '__emit.interval.ms.kstreams.windowed.aggregation__';
const sessionKeys = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());

/** `in` grouped by key, counted per session with `EmitStrategy.onWindowClose()`, to `out`. */
function emitFinalRun(windows: SessionWindows, cached: boolean, config: Record<string, unknown> = {}): WindowedRun<number> {
  const builder = new StreamsBuilder();
  const materialized = Materialized.as<string, number>('sessions');
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .emitStrategy(EmitStrategy.onWindowClose())
    .count(cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .to('out', Produced.with(sessionKeys, Serdes.Long()));
  return new WindowedRun(builder, sessionKeys, Serdes.Long(), config);
}

// Vectors worked out from Kafka Streams' KStreamSessionWindowAggregate (SEMANTICS §4) and its
// emit-final (§5.7): no per-update output and no tombstones for merged-away sessions; after every
// record with a key, dropped or not, each session with end in [last pass's close time, closeTime - 1]
// (closeTime = observed stream time - grace - gap) is forwarded once, from Kafka's time-ordered
// session store: by end, then key, then start; at the session end, old value null.
// Sessions print as key@start/end, both inclusive; gap 5 throughout.
describe.each([false, true])('EmitStrategy.onWindowClose() on session windows (cache %s)', (cached) => {
  it('no grace: a session merged before it closes is emitted once, as the merged session', async () => {
    await using run = emitFinalRun(SessionWindows.ofInactivityGapWithNoGrace(5), cached);
    // a [10,10], b [12,12], then a merges into [10,14]: closeTime 9, nothing closed.
    expect(await run.pipeAll([['a', '1', 10], ['b', '2', 12], ['a', '3', 14]])).toEqual([]);
    // Late: its session [3,3] ends before closeTime 9, dropped (and no pass: closeTime did not move).
    expect(await run.pipe('a', '4', 3)).toEqual([]);
    expect(run.dropped).toBe(1);
    // a merges again into [10,19]; closeTime 14 closes b's [12,12] (ends [9,13]).
    expect(await run.pipe('a', '5', 19)).toEqual([['b@12/12', 1, 12]]);
    // Out of order, accepted (18 >= 14): a new session, b's [12,12] being over a gap before it.
    expect(await run.pipe('b', '6', 18)).toEqual([]);
    // closeTime 25 (ends [14,24]): by end, so b before a; a's three records in one session.
    expect(await run.pipe('c', '7', 30)).toEqual([['b@18/18', 1, 18], ['a@10/19', 3, 19]]);
  });

  it('grace: a late record bridging two open sessions; each comes out once it is gap + grace old', async () => {
    await using run = emitFinalRun(SessionWindows.ofInactivityGapAndGrace(5, 10), cached);
    expect(await run.pipeAll([['a', '1', 10], ['a', '2', 20], ['b', '3', 24]])).toEqual([]);
    // closeTime 9: [10,10] is still open, so 15 bridges it and [20,20] into [10,20] (count 3).
    expect(await run.pipe('a', '4', 15)).toEqual([]);
    expect(run.dropped).toBe(0);
    // closeTime 21 closes [10,20] (end 20 < 21); b's [24,24] stays open.
    expect(await run.pipe('c', '5', 36)).toEqual([['a@10/20', 3, 20]]);
    expect(await run.pipe('d', '6', 40)).toEqual([['b@24/24', 1, 24]]);
  });

  it('a session ending exactly at the close time comes out when the store hides it, one pass before Kafka', async () => {
    await using run = emitFinalRun(SessionWindows.ofInactivityGapWithNoGrace(5), cached);
    expect(await run.pipe('b', '1', 5)).toEqual([]);
    // closeTime 5: [5,5] is not closed yet (end < closeTime), but the write of [10,10] moves the
    // store's retention (gap + grace = 5) past it, so it is forwarded before that write. Kafka's
    // segmented store still returns it, and its next pass (at 11) emits it.
    expect(await run.pipe('a', '2', 10)).toEqual([['b@5/5', 1, 5]]);
    expect(await run.pipe('a', '3', 11)).toEqual([]);
    // Late, exactly at closeTime 6: accepted (end 6 is not < 6), though our store skips the write
    // as already expired, so it is forwarded right after it; Kafka's keeps it, and its next pass
    // (at 12) emits it.
    expect(await run.pipe('c', '4', 6)).toEqual([['c@6/6', 1, 6]]);
    expect(run.dropped).toBe(0);
    expect(await run.pipe('d', '5', 12)).toEqual([]);
  });
});

describe('EmitStrategy.onWindowClose() on session windows, throttled', () => {
  it('sessions the store is about to hide do not wait for a pass held back by the wall clock', async () => {
    await using run = emitFinalRun(SessionWindows.ofInactivityGapWithNoGrace(5), false, { [EMIT_INTERVAL]: 1_000 });
    // The first pass runs (nothing closed), the next two are throttled; at 10, [0,0] and [2,2]
    // close, and the write of [10,10] hides them (retention gap + grace = 5): forwarded before it,
    // where Kafka waits for the next pass (at 11).
    expect(await run.pipe('a', '1', 0)).toEqual([]);
    expect(await run.pipe('b', '2', 2)).toEqual([]);
    expect(await run.pipe('a', '3', 10)).toEqual([['a@0/0', 1, 0], ['b@2/2', 1, 2]]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('c', '4', 11)).toEqual([]);
    // a merges into [10,12]; then c's [11,11] and a's [10,12] close, and the write of [20,20] hides them.
    expect(await run.pipe('a', '5', 12)).toEqual([]);
    expect(await run.pipe('c', '6', 20)).toEqual([['c@11/11', 1, 11], ['a@10/12', 2, 12]]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('d', '7', 21)).toEqual([]);
  });

  it('with a longer retention, a pass held back by the wall clock emits later what closed meanwhile', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
      .emitStrategy(EmitStrategy.onWindowClose())
      .count(Materialized.as<string, number>('sessions').withRetention(100))
      .toStream()
      .to('out', Produced.with(sessionKeys, Serdes.Long()));
    await using run = new WindowedRun(builder, sessionKeys, Serdes.Long(), { [EMIT_INTERVAL]: 1_000 });
    // The store keeps what closes here, so only passes emit: the first runs, the next two are throttled.
    expect(await run.pipeAll([['a', '1', 0], ['b', '2', 2], ['a', '3', 10]])).toEqual([]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('c', '4', 11)).toEqual([['a@0/0', 1, 0], ['b@2/2', 1, 2]]);
    expect(await run.pipeAll([['a', '5', 12], ['c', '6', 20]])).toEqual([]);
    await run.driver.advanceWallClockTime(1_000);
    expect(await run.pipe('d', '7', 21)).toEqual([['c@11/11', 1, 11], ['a@10/12', 2, 12]]);
  });
});

describe('EmitStrategy.onWindowClose() on session windows, crash safety', () => {
  // Our store hides a session once its end is at or below the newest end - retention (gap, no
  // grace), so a session the throttle held back would then live only in memory and be lost if the
  // instance died after the input offsets were committed. It is forwarded by the record that
  // would hide it, before that record's writes, by end, key, start.
  it('sessions the store is about to hide are forwarded at once, whatever the throttle', async () => {
    await using run = emitFinalRun(SessionWindows.ofInactivityGapWithNoGrace(5), false, { [EMIT_INTERVAL]: 60_000 });
    // The first pass runs (nothing closed yet), then the wall clock holds every pass back.
    expect(await run.pipeAll([['a', '1', 0], ['b', '2', 2], ['a', '3', 3]])).toEqual([]);
    // Writing [20,20] hides every end <= 15: both sessions, closed, come out now.
    expect(await run.pipe('c', '4', 20)).toEqual([['b@2/2', 1, 2], ['a@0/3', 2, 3]]);
    expect(await run.pipe('d', '5', 21)).toEqual([]);
    // Later ones likewise, and nothing twice.
    await run.driver.advanceWallClockTime(60_000);
    expect(await run.pipe('e', '6', 30)).toEqual([['c@20/20', 1, 20], ['d@21/21', 1, 21]]);
  });
});
