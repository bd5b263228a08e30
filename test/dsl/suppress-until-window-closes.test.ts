import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { BufferConfig, Suppressed } from '../../src/dsl/suppressed.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

function finalCounts(windows: TimeWindows, cached = true): WindowedRun<number> {
  const builder = new StreamsBuilder();
  const materialized = Materialized.as<string, number>('counts');
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .count(cached ? materialized : materialized.withCachingDisabled())
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
    .toStream()
    .to('out', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long()));
  return new WindowedRun(builder, WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), windows.size()), Serdes.Long());
}

describe('suppress(untilWindowCloses) through the TopologyTestDriver', () => {
  // SEMANTICS §5.5 example: tumbling S=10, grace 0: updates of [0,10) are held; the first update
  // with ts >= 10 reaching suppress releases [0,10) with its last value and that value's timestamp,
  // in (buffer time = window end, serialized key) order; each window exactly once.
  for (const cached of [false, true]) {
    it(`emits each window once, with its final value, after it closes (caching ${cached ? 'on' : 'off'})`, async () => {
      await using run = finalCounts(TimeWindows.ofSizeWithNoGrace(10), cached);
      expect(await run.pipeAll([['B', 'x', 1], ['A', 'x', 5], ['B', 'x', 7], ['A', 'x', 9]])).toEqual([]);
      expect(await run.pipe('A', 'x', 10)).toEqual([['A@0/10', 2, 9], ['B@0/10', 2, 7]]);
      expect(await run.pipeAll([['A', 'x', 15], ['A', 'x', 19]])).toEqual([]);
      expect(await run.pipe('C', 'x', 25)).toEqual([['A@10/20', 3, 19]]);
      // A late record for a closed window is dropped by the aggregation: nothing more for [0,10).
      expect(await run.pipe('A', 'x', 3)).toEqual([]);
      expect(run.dropped).toBe(1);
      expect(await run.pipe('D', 'x', 100)).toEqual([['C@20/30', 1, 25]]);
    });
  }

  // §5.5: the suppression duration is the aggregation's grace; late updates inside grace are
  // folded into the one final result.
  it('waits for the grace period and includes late records that arrived inside it', async () => {
    await using run = finalCounts(TimeWindows.ofSizeAndGrace(10, 5));
    expect(await run.pipeAll([['A', 'x', 1], ['A', 'x', 12], ['A', 'x', 3]])).toEqual([]);
    expect(await run.pipe('A', 'x', 14)).toEqual([]);
    // Stream time 15 = end 10 + grace 5: [0,10) is final, with ts max(1, 3).
    expect(await run.pipe('A', 'x', 15)).toEqual([['A@0/10', 2, 3]]);
  });

  // §5.5: hopping windows close one by one, in window-end order.
  it('hopping windows: each overlapping window is released when it closes', async () => {
    await using run = finalCounts(TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
    expect(await run.pipeAll([['A', 'x', 3], ['A', 'x', 7]])).toEqual([]);
    expect(await run.pipe('A', 'x', 10)).toEqual([['A@0/10', 2, 7]]);
    expect(await run.pipe('A', 'x', 15)).toEqual([['A@5/15', 2, 10]]);
  });

  // §5.5 with session windows: suppression duration = gap + grace; a merged-away session's
  // tombstone is not emitted (untilWindowCloses drops tombstones), only the final merged session.
  it('session windows: only the final merged session is emitted, after end + gap + grace', async () => {
    const builder = new StreamsBuilder();
    const keys = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());
    builder.stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 2))
      .count(Materialized.as<string, number>('sessions').withCachingDisabled())
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream().to('out', Produced.with(keys, Serdes.Long()));
    await using run = new WindowedRun(builder, keys, Serdes.Long());
    expect(await run.pipeAll([['A', 'x', 10], ['A', 'x', 12], ['B', 'x', 18]])).toEqual([]);
    // [10,12] closes once observed stream time reaches 12 + 5 + 2 = 19.
    expect(await run.pipe('B', 'x', 19)).toEqual([['A@10/12', 2, 12]]);
    // [10,10] was buffered earlier (as 1, then retracted): its tombstone is dropped, not emitted.
    expect(await run.pipe('B', 'x', 40)).toEqual([['B@18/19', 2, 19]]);
  });

  // §5.5 note: the buffer time of a sliding window is its end (start + D, inclusive), so with
  // grace 0 a record's left window [t-D, t] is released as soon as t reaches suppress — while the
  // aggregation would still accept another record at t (Kafka's behaviour, kept).
  it('sliding windows: buffer time is the inclusive window end', async () => {
    const builder = new StreamsBuilder();
    const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10);
    builder.stream<string, string>('in').groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10, 0))
      .count(Materialized.as<string, number>('sliding').withCachingDisabled())
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream().to('out', Produced.with(keys, Serdes.Long()));
    await using run = new WindowedRun(builder, keys, Serdes.Long());
    expect(await run.pipe('A', 'x', 20)).toEqual([['A@10/20', 1, 20]]);
    // [21,31] (the right window of 20) waits for 31; [15,25] goes at once.
    expect(await run.pipe('A', 'x', 25)).toEqual([['A@15/25', 2, 25]]);
    expect(await run.pipe('A', 'x', 40)).toEqual([['A@21/31', 1, 25], ['A@30/40', 1, 40]]);
  });

  // Kafka's GraphGraceSearchUtil walks up through table operators to the windowed aggregation.
  it('finds the grace through a filter between the aggregation and suppress', async () => {
    const builder = new StreamsBuilder();
    const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10);
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5))
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .filter((w) => w.key() !== 'hidden')
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream().to('out', Produced.with(keys, Serdes.Long()));
    await using run = new WindowedRun(builder, keys, Serdes.Long());
    expect(await run.pipeAll([['A', 'x', 1], ['hidden', 'x', 2], ['A', 'x', 14]])).toEqual([]);
    expect(await run.pipe('A', 'x', 15)).toEqual([['A@0/10', 1, 1]]);
  });

  // Kafka's KTableImpl.suppress naming: KTABLE-SUPPRESS-<n> then KTABLE-SUPPRESS-STATE-STORE-<n>;
  // withName(n) → processor n, store n-store (SEMANTICS §13.1).
  it('names the processor and its buffer store as Kafka does', () => {
    const builder = new StreamsBuilder();
    const counts = builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count();
    counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('out');
    counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final')).toStream(Named.as('to-stream')).to('out2');
    const text = builder.build().describe().toString();
    expect(text).toContain('Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])');
    expect(text).toContain('Processor: KTABLE-SUPPRESS-0000000003 (stores: [KTABLE-SUPPRESS-STATE-STORE-0000000004])');
    expect(text).toContain('Processor: final (stores: [final-store])');
  });

  // Kafka's GraphGraceSearchUtil: window close time exists only downstream of a windowed aggregation.
  it('rejects untilWindowCloses on a table no windowed aggregation feeds', () => {
    const builder = new StreamsBuilder();
    const table = builder.stream<string, string>('in').groupByKey().count();
    expect(() => table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()) as never)).toThrow(TopologyException);
    expect(() => table.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()) as never)).toThrow(
      /Window close time is only defined for windowed computations. Got \[root->KSTREAM-SOURCE-0000000000->KSTREAM-AGGREGATE-0000000002\]/,
    );
  });

  it('with a strict bounded buffer, stops the application when the buffer is full', async () => {
    const builder = new StreamsBuilder();
    const keys = WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 10);
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('c').withCachingDisabled())
      .suppress(Suppressed.untilWindowCloses(BufferConfig.maxRecords(1).shutDownWhenFull()).withName('strict'))
      .toStream().to('out', Produced.with(keys, Serdes.Long()));
    await using run = new WindowedRun(builder, keys, Serdes.Long());
    await run.pipe('A', 'x', 1);
    await expect(run.pipe('B', 'x', 2)).rejects.toThrow(/strict buffer exceeded its max capacity. Currently \[2\/1\] records/);
  });
});
