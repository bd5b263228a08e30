import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { BufferConfig, Suppressed } from '../../src/dsl/suppressed.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';

type Out = [string | null, string | null, number];

/** `table('in')` → suppress(untilTimeLimit) → `out`, string keys and values. */
async function withSuppressedTable(suppressed: Suppressed<string>, body: (pipe: (k: string, v: string | null, t: number) => Promise<Out[]>) => Promise<void>): Promise<void> {
  const builder = new StreamsBuilder();
  builder.table('in', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>('source').withCachingDisabled())
    .suppress(suppressed)
    .toStream()
    .to('out', Produced.with(Serdes.String(), Serdes.String()));
  await using driver = new TopologyTestDriver(builder.build(), { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() }, 0);
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
  await body(async (k, v, t) => {
    await input.pipeInput(k, v, t);
    return output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  });
}

describe('suppress(untilTimeLimit) through the TopologyTestDriver', () => {
  // SEMANTICS §5.6: buffer time = ts of a key's first update since its last emission (kept while
  // it is updated); emit when bufferTime <= observedStreamTime - d, the latest value with the
  // timestamp of the latest update; tombstones are emitted.
  it('rate-limits each key to its latest update per time limit, emitting tombstones', async () => {
    await withSuppressedTable(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()), async (pipe) => {
      expect(await pipe('k', 'a', 0)).toEqual([]);
      expect(await pipe('k', 'b', 5)).toEqual([]);
      expect(await pipe('j', 'x', 8)).toEqual([]);
      // k's buffer time is still 0 (non-resetting): released at stream time 10 with its latest value.
      expect(await pipe('k', 'c', 10)).toEqual([['k', 'c', 10]]);
      expect(await pipe('k', 'd', 12)).toEqual([]);
      // j (time 8) and then k (time 12) fall due; a delete of j is emitted as a tombstone.
      expect(await pipe('j', null, 18)).toEqual([['j', null, 18]]);
      expect(await pipe('m', 'z', 22)).toEqual([['k', 'd', 12]]);
    });
  });

  // §5.6: untilTimeLimit(0) passes every update through.
  it('with a limit of 0, passes every update through at once', async () => {
    await withSuppressedTable(Suppressed.untilTimeLimit(0, BufferConfig.unbounded()), async (pipe) => {
      expect(await pipe('k', 'a', 5)).toEqual([['k', 'a', 5]]);
      expect(await pipe('k', 'b', 3)).toEqual([['k', 'b', 3]]);
      expect(await pipe('k', null, 7)).toEqual([['k', null, 7]]);
    });
  });

  // §5.6: over maxRecords, emitEarlyWhenFull evicts the smallest buffer time first.
  it('emits the oldest keys early when over maxRecords (emitEarlyWhenFull)', async () => {
    await withSuppressedTable(Suppressed.untilTimeLimit(100, BufferConfig.maxRecords(2)), async (pipe) => {
      expect(await pipe('a', '1', 3)).toEqual([]);
      expect(await pipe('b', '1', 1)).toEqual([]);
      expect(await pipe('c', '1', 2)).toEqual([['b', '1', 1]]);
      expect(await pipe('d', '1', 4)).toEqual([['c', '1', 2]]);
    });
  });

  it('emits early when over maxBytes', async () => {
    // One buffered key here takes 8 (time) + 1 (key) + 1 (value) + 20 (context) + 2 ("in") bytes = 32.
    await withSuppressedTable(Suppressed.untilTimeLimit(100, BufferConfig.maxBytes(40)), async (pipe) => {
      expect(await pipe('a', '1', 1)).toEqual([]);
      expect(await pipe('b', '1', 2)).toEqual([['a', '1', 1]]);
    });
  });

  // §5.6: shutDownWhenFull throws (the application stops) instead of emitting early.
  it('fails when over its limit with shutDownWhenFull', async () => {
    await withSuppressedTable(Suppressed.untilTimeLimit<string>(100, BufferConfig.maxRecords(1).shutDownWhenFull()).withName('limited'), async (pipe) => {
      await pipe('a', '1', 1);
      await expect(pipe('b', '1', 2)).rejects.toThrow(/limited buffer exceeded its max capacity/);
    });
  });
});
