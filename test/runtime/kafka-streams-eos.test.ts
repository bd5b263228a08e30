/**
 * exactly_once_v2 on the embedded backend (which keeps Kafka's transaction rules: markers, LSO,
 * fencing by transactional id, offsets committed with the transaction).
 */
import { describe, expect, it } from 'vitest';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { committedOffsets, embeddedClusterPerTest, eosStreams } from './embedded-fixture.js';
import { emittedCounts, expectExactCounts, truth, wordCount, words } from './eos-word-count.js';
import { eventually, produce, readAllWith, sortedValues } from './runtime-helpers.js';

const f = embeddedClusterPerTest('eos');

const committedInput = (): Promise<number> => committedOffsets(f.admin, 'in');
/** The read_committed output's last count of every word is the expected one. */
async function countsReached(expected: Map<string, number>): Promise<boolean> {
  const emitted = emittedCounts(await readAllWith(f.client, f.admin, 'counts', true));
  return [...expected].every(([word, n]) => emitted.get(word)?.at(-1) === n);
}

describe('exactly_once_v2', () => {
  it('commits output, changelog and input offsets in transactions: read_committed output counts exactly', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'counts', partitions: 2 }]);
    await produce(f.client, words(0, 700));
    const streams = eosStreams(f, wordCount());
    await streams.start();
    await eventually(async () => (await committedInput()) === 700, 20_000, 'all input offsets committed');
    await produce(f.client, words(700, 300));
    await eventually(() => countsReached(truth(1000)), 20_000, 'all records counted');
    await streams.close();

    const committed = await readAllWith(f.client, f.admin, 'counts', true);
    expectExactCounts(committed, truth(1000));
    // Nothing was aborted: read_uncommitted sees the same records.
    expect((await readAllWith(f.client, f.admin, 'counts', false)).length).toBe(committed.length);
    // The changelog holds exactly the committed counts too.
    const changelog = emittedCounts(await readAllWith(f.client, f.admin, 'app-counts-changelog', true));
    for (const [word, n] of truth(1000)) expect(changelog.get(word)?.at(-1)).toBe(n);
    const metrics = streams.metrics();
    expect(sumMetric(metrics, 'stream-thread-metrics', 'transactions-committed-total')).toBeGreaterThan(0);
    expect(sumMetric(metrics, 'stream-thread-metrics', 'transactions-aborted-total')).toBe(0);
  });

  it('aborts the transaction when processing fails: none of it is visible, and a restart rebuilds the state and reprocesses exactly', { timeout: 60_000 }, async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'counts', partitions: 2 }]);
    let armed = true;
    const failing = wordCount((word) => {
      if (armed && word === 'boom') throw new Error('boom');
    });
    await produce(f.client, words(0, 200));
    const first = eosStreams(f, failing, { 'commit.interval.ms': 100 });
    await first.start();
    await eventually(async () => (await committedInput()) === 200 && (await countsReached(truth(200))), 20_000, 'the first 200 records counted and committed');
    // One send: the 50 words before 'boom' are processed in the transaction that 'boom' aborts.
    await produce(f.client, [...words(200, 50).map((r) => ({ ...r, partition: 0 })), { topic: 'in', partition: 0, key: Buffer.from('k-boom'), value: Buffer.from('boom') }]);
    await eventually(() => first.state() === 'ERROR', 10_000, 'the client to fail');
    await first.close();
    expect(await committedInput()).toBe(200);
    expect(sumMetric(first.metrics(), 'stream-thread-metrics', 'transactions-aborted-total')).toBeGreaterThan(0);
    // The aborted records reached the repartition topic but no read_committed reader sees them.
    const repartition = 'app-words-repartition';
    const uncommitted = await readAllWith(f.client, f.admin, repartition, false);
    const committed = await readAllWith(f.client, f.admin, repartition, true);
    expect(uncommitted.length).toBeGreaterThan(committed.length);
    expect(committed.length).toBe(200);

    armed = false;
    const second = eosStreams(f, failing, { 'commit.interval.ms': 100 });
    await second.start();
    const expected = truth(250);
    expected.set('boom', 1);
    await eventually(() => countsReached(expected), 20_000, 'everything counted after the restart');
    await second.close();
    expectExactCounts(await readAllWith(f.client, f.admin, 'counts', true), expected);
    expect(sortedValues(await readAllWith(f.client, f.admin, repartition, true))).toHaveLength(251);
  });
});
