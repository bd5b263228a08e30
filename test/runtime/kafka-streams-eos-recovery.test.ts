/**
 * exactly_once_v2 failure handling in the stream thread, on the embedded backend: a transaction
 * that fails on a Kafka error (injected through the port with `failEmbeddedTransactions`) is
 * aborted and its tasks are revived in the same thread (state rebuilt from the changelog, input
 * sought back to the committed offsets); a fenced producer closes its tasks as lost and the
 * thread rejoins the group to get them back. Every case checks exact counts afterwards and that
 * the one stream thread never died.
 */
import { describe, expect, it } from 'vitest';
import { failEmbeddedTransactions } from '../../src/kafka/embedded/index.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { MAX_CONSECUTIVE_REVIVALS } from '../../src/runtime/thread-task-manager.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import type { KafkaStreamsState } from '../../src/runtime/streams-state.js';
import type { Topology } from '../../src/topology/topology.js';
import { committedOffsets, embeddedClusterPerTest, eosStreams } from './embedded-fixture.js';
import { emittedCounts, expectExactCounts, truth, wordCount, words } from './eos-word-count.js';
import { eventually, expectedFilterOutput, filterInput, filterTopology, produce, readAllWith, recordStates, sleep, sortedValues, streamsConfig } from './runtime-helpers.js';

const f = embeddedClusterPerTest('eos-recovery');

/** An exactly-once client of application 'app' with one stream thread, its state transitions recorded. */
function recordedEosStreams(topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): { streams: KafkaStreams; states: KafkaStreamsState[] } {
  const streams = eosStreams(f, topology, overrides);
  return { streams, states: recordStates(streams) };
}

const metric = (streams: KafkaStreams, metricName: string): number => sumMetric(streams.metrics(), 'stream-thread-metrics', metricName);
/** The stream threads the client ever had (a replaced thread would add one). */
const threadIds = (streams: KafkaStreams): string[] => [...new Set(streams.metrics().filter((m) => m.group === 'stream-thread-metrics').map((m) => String(m.tags['thread-id'])))].sort();

const committedInput = (): Promise<number> => committedOffsets(f.admin, 'in');

async function countsReached(expected: Map<string, number>): Promise<boolean> {
  const emitted = emittedCounts(await readAllWith(f.client, f.admin, 'counts', true));
  return [...expected].every(([word, n]) => emitted.get(word)?.at(-1) === n);
}

/** Starts a word count over 700 words and waits until they are counted and committed. */
async function runningWordCount(onWord?: (word: string) => void | Promise<void>, overrides: Parameters<typeof streamsConfig>[2] = {}): Promise<{ streams: KafkaStreams; states: KafkaStreamsState[] }> {
  await f.admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'counts', partitions: 2 }]);
  await produce(f.client, words(0, 700));
  const started = recordedEosStreams(wordCount(onWord), { 'commit.interval.ms': 100, ...overrides });
  await started.streams.start();
  await eventually(async () => (await committedInput()) === 700 && (await countsReached(truth(700))), 20_000, 'the first 700 words counted and committed');
  return started;
}

/** What every case ends with: exact counts, input, repartition topic and changelog, in the one thread that started. */
async function expectExactAfterRecovery(streams: KafkaStreams, states: readonly KafkaStreamsState[], total: number): Promise<void> {
  expectExactCounts(await readAllWith(f.client, f.admin, 'counts', true), truth(total));
  expect(await committedInput()).toBe(total);
  // Each word went through the repartition topic once (read_committed), however often it was processed.
  expect(await readAllWith(f.client, f.admin, 'app-words-repartition', true)).toHaveLength(total);
  const changelog = emittedCounts(await readAllWith(f.client, f.admin, 'app-counts-changelog', true));
  for (const [word, n] of truth(total)) expect(changelog.get(word)?.at(-1)).toBe(n);
  expect(threadIds(streams)).toEqual(['app-StreamThread-1']);
  expect(states).not.toContain('ERROR');
  expect(states).not.toContain('PENDING_ERROR');
  expect(streams.state()).toBe('RUNNING');
}

describe('exactly_once_v2 recovery in the stream thread', () => {
  it('a failed commit aborts the transaction; the task is revived in the same thread with its store rebuilt, and counts stay exact', { timeout: 60_000 }, async () => {
    const { streams, states } = await runningWordCount();
    const restoredBefore = metric(streams, 'restore-records-total');
    const createdBefore = metric(streams, 'task-created-total');
    // The next transaction commit of the counting task of partition 0 fails (the broker timed out).
    failEmbeddedTransactions(f.name, { operation: 'commit', error: 'REQUEST_TIMED_OUT', transactionalId: 'app-1_0' });
    await produce(f.client, words(700, 300));
    await eventually(() => countsReached(truth(1000)), 20_000, 'all 1000 words counted');
    await eventually(async () => (await committedInput()) === 1000, 10_000, 'all input committed');

    expect(metric(streams, 'transactions-aborted-total')).toBeGreaterThanOrEqual(1);
    // Only the corrupted task was created again, and its persistent store was wiped and restored from the changelog.
    expect(metric(streams, 'task-created-total')).toBe(createdBefore + 1);
    expect(metric(streams, 'restore-records-total')).toBeGreaterThan(restoredBefore);
    await expectExactAfterRecovery(streams, states, 1000);
  });

  it('a failed send aborts the transaction; the stateless task is revived and its input reprocessed from the committed offset, once', { timeout: 60_000 }, async () => {
    const { streams, states } = await runningWordCount();
    const createdBefore = metric(streams, 'task-created-total');
    failEmbeddedTransactions(f.name, { operation: 'send', error: 'NOT_ENOUGH_REPLICAS', transactionalId: 'app-0_1' });
    await produce(f.client, words(700, 300));
    await eventually(() => countsReached(truth(1000)), 20_000, 'all 1000 words counted');
    await eventually(async () => (await committedInput()) === 1000, 10_000, 'all input committed');

    expect(metric(streams, 'transactions-aborted-total')).toBeGreaterThanOrEqual(1);
    expect(metric(streams, 'task-created-total')).toBe(createdBefore + 1);
    await expectExactAfterRecovery(streams, states, 1000);
  });

  it('revives again when the retry fails too, and gives up (the thread dies) after MAX_CONSECUTIVE_REVIVALS failures in a row', { timeout: 60_000 }, async () => {
    const { streams, states } = await runningWordCount();
    // Two failures in a row: revived twice, then it commits.
    failEmbeddedTransactions(f.name, { operation: 'commit', error: 'COORDINATOR_NOT_AVAILABLE', transactionalId: 'app-1_1', times: 2 });
    await produce(f.client, words(700, 300));
    await eventually(() => countsReached(truth(1000)), 20_000, 'all 1000 words counted');
    await eventually(async () => (await committedInput()) === 1000, 10_000, 'all input committed');
    await expectExactAfterRecovery(streams, states, 1000);

    // A failure that every retry meets: the thread stops after the limit (the default handler shuts the client down).
    failEmbeddedTransactions(f.name, { operation: 'commit', error: 'COORDINATOR_NOT_AVAILABLE', transactionalId: 'app-1_1', times: MAX_CONSECUTIVE_REVIVALS + 1 });
    await produce(f.client, words(1000, 70));
    await eventually(() => streams.state() === 'ERROR', 20_000, 'the client to fail');
    expect(streams.lastError()?.message).toMatch(/task 1_1 failed 6 times in a row/i);
    // Nothing of the failed transactions is visible: no count above the truth, none counted twice.
    for (const [word, counts] of emittedCounts(await readAllWith(f.client, f.admin, 'counts', true))) {
      expect(counts.at(-1)!, word).toBeLessThanOrEqual(truth(1070).get(word)!);
      for (let i = 1; i < counts.length; i++) expect(counts[i]!, `counts of ${word}`).toBeGreaterThan(counts[i - 1]!);
    }
  });

  it('a producer fenced by its own transaction timeout closes its tasks as lost, rejoins, gets them back and counts exactly', { timeout: 60_000 }, async () => {
    let slowOnce = true;
    const { streams, states } = await runningWordCount(
      async (word) => {
        // The first 'slow' word holds its task's open transaction past transaction.timeout.ms.
        if (word === 'slow' && slowOnce) {
          slowOnce = false;
          await sleep(1_500);
        }
      },
      { 'transaction.timeout.ms': 500 },
    );
    const createdBefore = metric(streams, 'task-created-total');
    const expected = truth(900);
    expected.set('slow', 1);
    await produce(f.client, [...words(700, 100, 0), { topic: 'in', partition: 0, key: Buffer.from('k-slow'), value: Buffer.from('slow') }, ...words(800, 100, 0)]);
    await eventually(() => countsReached(expected), 20_000, 'every word counted after the timeout');
    await eventually(async () => (await committedInput()) === 901, 10_000, 'all input committed');

    expect(slowOnce).toBe(false);
    expect(metric(streams, 'task-closed-total')).toBeGreaterThanOrEqual(4);
    // Every task of the thread was closed as lost and created again after the rejoin.
    expect(metric(streams, 'task-created-total')).toBeGreaterThanOrEqual(createdBefore + 4);
    expectExactCounts(await readAllWith(f.client, f.admin, 'counts', true), expected);
    expect(await readAllWith(f.client, f.admin, 'app-words-repartition', true)).toHaveLength(901);
    expect(threadIds(streams)).toEqual(['app-StreamThread-1']);
    expect(states).not.toContain('ERROR');
    expect(streams.state()).toBe('RUNNING');
  });

  it('a task fenced by a newer producer closes without committing, and the thread rejoins and takes it back', { timeout: 60_000 }, async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }, { name: 'out', partitions: 1 }]);
    await produce(f.client, filterInput('in', 10));
    const { streams, states } = recordedEosStreams(filterTopology('in', 'out'), { 'commit.interval.ms': 100 });
    await streams.start();
    await eventually(async () => (await committedInput()) === 10, 10_000, 'the first records committed');
    // A newer producer of the task's transactional id, with an open transaction: what a new owner of task 0_0 does.
    const usurper = f.client.producer({ transactionalId: 'app-0_0' });
    await usurper.connect();
    const usurperTxn = await usurper.beginTransaction();
    await usurperTxn.send([{ topic: 'out', key: null, value: Buffer.from('usurper') }]);
    await produce(f.client, filterInput('in', 10, 10));
    await eventually(async () => (await committedInput()) === 20, 10_000, 'the task back and all input committed');

    expect(metric(streams, 'task-closed-total')).toBeGreaterThanOrEqual(1);
    expect(metric(streams, 'task-created-total')).toBeGreaterThanOrEqual(2);
    // Taking the task back fenced the usurper in turn and aborted its transaction.
    await expect(usurperTxn.commit()).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });
    await usurper.disconnect();
    // Every output once: nothing the fenced task did before it noticed was committed.
    expect(sortedValues(await readAllWith(f.client, f.admin, 'out', true))).toEqual(expectedFilterOutput(20).sort());
    expect(threadIds(streams)).toEqual(['app-StreamThread-1']);
    expect(states).not.toContain('ERROR');
  });
});
