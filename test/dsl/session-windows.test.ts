import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { WindowedSerdes } from '../../src/dsl/windowed-serdes.js';
import { Serdes } from '../../src/serde/serdes.js';
import { WindowedRun } from './window-driver.js';

const sessionKeys = WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String());

function countRun(windows: SessionWindows, cached = false): WindowedRun<number> {
  const builder = new StreamsBuilder();
  const materialized = Materialized.as<string, number>('sessions');
  builder.stream<string, string>('in').groupByKey().windowedBy(windows)
    .count(cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .to('out', Produced.with(sessionKeys, Serdes.Long()));
  return new WindowedRun(builder, sessionKeys, Serdes.Long());
}

describe('SessionWindows aggregation through the TopologyTestDriver', () => {
  // SEMANTICS §4.4 example: count(), G=5, grace 0, uncached. Outputs are at the session end (§1.5).
  it('the §4 example: a new session, a merge with its tombstone, a far session, a late record', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapWithNoGrace(5));
    expect(await run.pipe('A', 'x', 10)).toEqual([['A@10/10', 1, 10]]);
    // [10,10] is within the gap of 12: retracted at its own end, then the merged session.
    expect(await run.pipe('A', 'x', 12)).toEqual([['A@10/10', null, 10], ['A@10/12', 2, 12]]);
    expect(await run.pipe('A', 'x', 30)).toEqual([['A@30/30', 1, 30]]);
    // §4.3: its session would end at 14 < 30 - 0 - 5: dropped, nothing merged or removed.
    expect(await run.pipe('A', 'x', 14)).toEqual([]);
    expect(run.dropped).toBe(1);
  });

  // §4.1/§4.2/§4.4: a record bridging two sessions merges both (found in (end, start) order), each
  // retracted at its own end; merger(initializer, s1), merger(., s2), then the aggregator.
  it('a record bridging two sessions merges them: two tombstones, then the merged session', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapAndGrace(5, 100));
    await run.pipeAll([['A', 'x', 0], ['A', 'x', 8], ['A', 'x', 9]]);
    expect(await run.pipe('A', 'x', 4)).toEqual([['A@0/0', null, 0], ['A@8/9', null, 9], ['A@0/9', 4, 9]]);
  });

  // §4.4: a record inside an existing session [s,e] != [t,t] retracts and rewrites the same session.
  it('a record inside a session: tombstone then the new value for the same session (uncached)', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapAndGrace(5, 100));
    await run.pipeAll([['A', 'x', 0], ['A', 'x', 8]]);
    await run.pipe('A', 'x', 4);
    expect(await run.pipe('A', 'x', 6)).toEqual([['A@0/8', null, 8], ['A@0/8', 4, 8]]);
  });

  // §4.4 + §5.3: with the record cache the tombstone and the rewrite of one session collapse into
  // one update (the TopologyTestDriver commits after every record, so the cache dedups per record).
  it('with caching on, the retraction and rewrite of one session are emitted as one update', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapAndGrace(5, 100), true);
    await run.pipeAll([['A', 'x', 0], ['A', 'x', 8]]);
    // A merge of two stored sessions still retracts both (the store held them).
    expect(await run.pipe('A', 'x', 4)).toEqual([['A@0/0', null, 0], ['A@8/8', null, 8], ['A@0/8', 3, 8]]);
    expect(await run.pipe('A', 'x', 6)).toEqual([['A@0/8', 4, 8]]);
  });

  // §4.4: a record at t whose only session is [t,t] overwrites it: no tombstone.
  it('a second record at the same time updates [t,t] in place, without a retraction', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapWithNoGrace(5));
    await run.pipe('A', 'x', 10);
    expect(await run.pipe('A', 'x', 10)).toEqual([['A@10/10', 2, 10]]);
  });

  // §4.3 (KAFKA-12718): close time includes the gap: end < observedStreamTime - grace - gap drops.
  it('grace counts from the session end plus the gap', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapAndGrace(5, 10));
    await run.pipe('A', 'x', 100);
    // close time = 100 - 10 - 5 = 85: a session ending at 85 is still accepted, 84 is not.
    expect(await run.pipe('B', 'x', 85)).toEqual([['B@85/85', 1, 85]]);
    expect(await run.pipe('C', 'x', 84)).toEqual([]);
    expect(run.dropped).toBe(1);
  });

  // §4.4: null key dropped (counted); null value passed to the aggregator (count counts it).
  it('drops null keys and counts null values', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapWithNoGrace(5));
    expect(await run.pipe(null, 'x', 1)).toEqual([]);
    expect(run.dropped).toBe(1);
    expect(await run.pipe('A', null, 2)).toEqual([['A@2/2', 1, 2]]);
  });

  it('aggregate with a merger, and reduce, merge sessions with their own functions', async () => {
    const builder = new StreamsBuilder();
    const grouped = builder.stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 100));
    grouped.aggregate(() => '', (_k, v, agg) => agg + v, (_k, a, b) => `(${a}|${b})`, Materialized.as<string, string>('agg').withValueSerde(Serdes.String()).withCachingDisabled())
      .toStream().to('out', Produced.with(sessionKeys, Serdes.String()));
    await using run = new WindowedRun(builder, sessionKeys, Serdes.String());
    await run.pipeAll([['A', 'a', 0], ['A', 'b', 8]]);
    // merger('', [0,0]='a') → '(|a)'; merger(., [8,8]='b') → '((|a)|b)'; then + 'c'.
    expect(await run.pipe('A', 'c', 4)).toEqual([['A@0/0', null, 0], ['A@8/8', null, 8], ['A@0/8', '((|a)|b)c', 8]]);

    const reduceBuilder = new StreamsBuilder();
    reduceBuilder.stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(5, 100))
      .reduce((agg, v) => `${agg}+${v}`, Materialized.as<string, string>('reduced').withCachingDisabled())
      .toStream().to('out', Produced.with(sessionKeys, Serdes.String()));
    await using reduced = new WindowedRun(reduceBuilder, sessionKeys, Serdes.String());
    await reduced.pipeAll([['A', 'a', 0], ['A', 'b', 8]]);
    expect(await reduced.pipe('A', 'c', 4)).toEqual([['A@0/0', null, 0], ['A@8/8', null, 8], ['A@0/8', 'a+b+c', 8]]);
  });

  it('keeps sessions in a session store queryable by key', async () => {
    await using run = countRun(SessionWindows.ofInactivityGapAndGrace(5, 100));
    await run.pipeAll([['A', 'x', 0], ['A', 'x', 3], ['A', 'x', 20], ['B', 'x', 1]]);
    const store = run.driver.getSessionStore<string, number>('sessions');
    const found = [];
    for await (const { key, value } of store.fetch('A')) found.push([key.window().start(), key.window().end(), value]);
    expect(found).toEqual([[0, 3, 2], [20, 20, 1]]);
  });

  // Kafka's SessionStoreMaterializer: retention defaults to gap + grace and must be at least that.
  it('rejects a retention shorter than gap + grace', () => {
    const grouped = new StreamsBuilder().stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(10, 5));
    expect(() => grouped.count(Materialized.as<string, number>('short').withRetention(14))).toThrow(
      'The retention period of the session store short must be no smaller than the session inactivity gap plus the grace period. Got gap=[10], grace=[5], retention=[14]',
    );
  });
});
