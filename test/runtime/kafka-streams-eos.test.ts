/**
 * exactly_once_v2 on the embedded backend (which keeps Kafka's transaction rules: markers, LSO,
 * fencing by transactional id, offsets committed with the transaction).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import type { KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import type { Topology } from '../../src/topology/topology.js';
import { emittedCounts, expectExactCounts, truth, wordCount, words } from './eos-word-count.js';
import { eventually, produce, readAllWith, sortedValues, streamsConfig, unique } from './runtime-helpers.js';

let name: string;
let bootstrap: string;
let client: KafkaClient;
let admin: KafkaAdmin;
let stateDir: string;
const open: KafkaStreams[] = [];

beforeEach(async () => {
  name = unique('eos');
  bootstrap = `embedded://${name}`;
  client = createEmbeddedClient(name, { bootstrapServers: bootstrap });
  admin = client.admin();
  await admin.connect();
  stateDir = await mkdtemp(join(tmpdir(), 'kstreams-eos-'));
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await admin.disconnect();
  resetEmbeddedCluster(name);
  await rm(stateDir, { recursive: true, force: true });
});

function eosStreams(topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const s = new KafkaStreams(topology, streamsConfig(bootstrap, 'app', { 'processing.guarantee': 'exactly_once_v2', 'state.dir': stateDir, ...overrides }));
  open.push(s);
  return s;
}

async function committedOffsets(topic: string): Promise<number> {
  return (await admin.fetchCommittedOffsets('app', [topic])).reduce((n, o) => n + Math.max(0, o.offset), 0);
}
const committedInput = (): Promise<number> => committedOffsets('in');
/** The read_committed output's last count of every word is the expected one. */
async function countsReached(expected: Map<string, number>): Promise<boolean> {
  const emitted = emittedCounts(await readAllWith(client, admin, 'counts', true));
  return [...expected].every(([word, n]) => emitted.get(word)?.at(-1) === n);
}

describe('exactly_once_v2', () => {
  it('commits output, changelog and input offsets in transactions: read_committed output counts exactly', async () => {
    await admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'counts', partitions: 2 }]);
    await produce(client, words(0, 700));
    const streams = eosStreams(wordCount());
    await streams.start();
    await eventually(async () => (await committedInput()) === 700, 20_000, 'all input offsets committed');
    await produce(client, words(700, 300));
    await eventually(() => countsReached(truth(1000)), 20_000, 'all records counted');
    await streams.close();

    const committed = await readAllWith(client, admin, 'counts', true);
    expectExactCounts(committed, truth(1000));
    // Nothing was aborted: read_uncommitted sees the same records.
    expect((await readAllWith(client, admin, 'counts', false)).length).toBe(committed.length);
    // The changelog holds exactly the committed counts too.
    const changelog = emittedCounts(await readAllWith(client, admin, 'app-counts-changelog', true));
    for (const [word, n] of truth(1000)) expect(changelog.get(word)?.at(-1)).toBe(n);
    const metrics = streams.metrics();
    expect(sumMetric(metrics, 'stream-thread-metrics', 'transactions-committed-total')).toBeGreaterThan(0);
    expect(sumMetric(metrics, 'stream-thread-metrics', 'transactions-aborted-total')).toBe(0);
  });

  it('aborts the transaction when processing fails: none of it is visible, and a restart rebuilds the state and reprocesses exactly', { timeout: 60_000 }, async () => {
    await admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'counts', partitions: 2 }]);
    let armed = true;
    const failing = wordCount((word) => {
      if (armed && word === 'boom') throw new Error('boom');
    });
    await produce(client, words(0, 200));
    const first = eosStreams(failing, { 'commit.interval.ms': 100 });
    await first.start();
    await eventually(async () => (await committedInput()) === 200 && (await countsReached(truth(200))), 20_000, 'the first 200 records counted and committed');
    // One send: the 50 words before 'boom' are processed in the transaction that 'boom' aborts.
    await produce(client, [...words(200, 50).map((r) => ({ ...r, partition: 0 })), { topic: 'in', partition: 0, key: Buffer.from('k-boom'), value: Buffer.from('boom') }]);
    await eventually(() => first.state() === 'ERROR', 10_000, 'the client to fail');
    await first.close();
    expect(await committedInput()).toBe(200);
    expect(sumMetric(first.metrics(), 'stream-thread-metrics', 'transactions-aborted-total')).toBeGreaterThan(0);
    // The aborted records reached the repartition topic but no read_committed reader sees them.
    const repartition = 'app-words-repartition';
    const uncommitted = await readAllWith(client, admin, repartition, false);
    const committed = await readAllWith(client, admin, repartition, true);
    expect(uncommitted.length).toBeGreaterThan(committed.length);
    expect(committed.length).toBe(200);

    armed = false;
    const second = eosStreams(failing, { 'commit.interval.ms': 100 });
    await second.start();
    const expected = truth(250);
    expected.set('boom', 1);
    await eventually(() => countsReached(expected), 20_000, 'everything counted after the restart');
    await second.close();
    expectExactCounts(await readAllWith(client, admin, 'counts', true), expected);
    expect(sortedValues(await readAllWith(client, admin, repartition, true))).toHaveLength(251);
  });
});
