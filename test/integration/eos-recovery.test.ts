/**
 * exactly_once_v2 failure handling on the real broker (kafkajs adapter): a transaction is aborted
 * mid-run by the broker itself. A processor holds its task's open transaction longer than a tiny
 * `transaction.timeout.ms`, so the transaction coordinator aborts it and bumps the producer's
 * epoch; the next send of the task's producer is then fenced. The stream thread must close its
 * tasks as lost, rejoin the group, get them back and reprocess from the committed offsets, with
 * read_committed output exact and without the thread ever dying.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { emittedCounts, expectExactCounts, truth, wordCount, words } from '../runtime/eos-word-count.js';
import { eventually, produce, readAllWith, recordStates, sleep, unique } from '../runtime/runtime-helpers.js';
import { bootstrapServers, describeWithBroker } from './broker.js';

const PARTITIONS = 3;
/** The transaction timeout of the test's task producers. */
const TRANSACTION_TIMEOUT_MS = 2_000;
/**
 * How long the slow record holds its task's transaction open: past the timeout plus the broker's
 * scan for timed-out transactions (`transaction.abort.timed.out.transaction.cleanup.interval.ms`,
 * 10 s by default), so the coordinator surely aborts it meanwhile.
 */
const HOLD_MS = TRANSACTION_TIMEOUT_MS + 12_000;

let client: KafkaClient;
let admin: KafkaAdmin;
let stateDir: string;
const topics: string[] = [];

beforeAll(async () => {
  client = createKafkaClient({ bootstrapServers: bootstrapServers(), clientId: 'eos-recovery-test' });
  admin = client.admin();
  await admin.connect();
  stateDir = await mkdtemp(join(tmpdir(), 'kstreams-eos-recovery-'));
});

afterAll(async () => {
  if (topics.length > 0) await admin?.deleteTopics(topics).catch(() => undefined);
  await admin?.disconnect();
  await rm(stateDir, { recursive: true, force: true });
});

/** The client's stream threads (a replaced thread would add one). */
const threadIds = (streams: KafkaStreams): string[] => [...new Set(streams.metrics().filter((m) => m.group === 'stream-thread-metrics').map((m) => String(m.tags['thread-id'])))];

async function countsReached(output: string, expected: Map<string, number>): Promise<boolean> {
  const emitted = emittedCounts(await readAllWith(client, admin, output, true));
  return [...expected].every(([word, n]) => emitted.get(word)?.at(-1) === n);
}

describeWithBroker('exactly_once_v2 recovery on the real broker', () => {
  it('a transaction aborted by the broker (timed out) fences the task producer; the thread rejoins, gets its tasks back and counts exactly', async () => {
    const input = unique('eos-recovery-in');
    const output = unique('eos-recovery-out');
    const appId = unique('eos-recovery-app');
    const repartition = `${appId}-words-repartition`;
    topics.push(input, output, repartition, `${appId}-counts-changelog`);
    await admin.createTopics([{ name: input, partitions: PARTITIONS }, { name: output, partitions: PARTITIONS }]);
    let holds = 0;
    const slowOnce = async (word: string): Promise<void> => {
      if (word !== 'slow' || holds > 0) return;
      holds++;
      await sleep(HOLD_MS);
    };
    const streams = new KafkaStreams(wordCount(slowOnce, input, output), {
      'application.id': appId,
      'bootstrap.servers': bootstrapServers(),
      'processing.guarantee': 'exactly_once_v2',
      'transaction.timeout.ms': TRANSACTION_TIMEOUT_MS,
      'state.dir': stateDir,
      'session.timeout.ms': 6_000,
      'heartbeat.interval.ms': 500,
    });
    const states = recordStates(streams);
    try {
      await produce(client, words(0, 1_000, undefined, input));
      await streams.start();
      await eventually(() => countsReached(output, truth(1_000)), 60_000, 'the first 1000 words counted');
      const closedBefore = sumMetric(streams.metrics(), 'stream-thread-metrics', 'task-closed-total');

      // On partition 0, in one send: words the task sends into its transaction, then the slow one, then more.
      await produce(client, [...words(1_000, 200, 0, input), { topic: input, partition: 0, key: Buffer.from('k-slow'), value: Buffer.from('slow') }, ...words(1_200, 200, 0, input)]);
      const expected = truth(1_400);
      expected.set('slow', 1);
      await eventually(() => countsReached(output, expected), 90_000, 'every word counted after the abort');

      expect(holds).toBe(1);
      expectExactCounts(await readAllWith(client, admin, output, true), expected);
      // The broker did abort a transaction: its records are in the log, and no read_committed reader sees them.
      const committed = await readAllWith(client, admin, repartition, true);
      expect(committed).toHaveLength(1_401);
      expect((await readAllWith(client, admin, repartition, false)).length).toBeGreaterThan(committed.length);
      // Every task of the thread was closed as lost, and the same thread took them back and went on.
      const metrics = streams.metrics();
      expect(sumMetric(metrics, 'stream-thread-metrics', 'task-closed-total')).toBeGreaterThanOrEqual(closedBefore + 2 * PARTITIONS);
      expect(threadIds(streams)).toEqual([`${appId}-StreamThread-1`]);
      expect(states).not.toContain('ERROR');
      expect(states).not.toContain('PENDING_ERROR');
      expect(streams.state()).toBe('RUNNING');
    } finally {
      await streams.close();
    }
  }, 180_000);
});
