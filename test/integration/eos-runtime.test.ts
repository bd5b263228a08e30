/**
 * exactly_once_v2 on the real broker (kafkajs adapter): a word count (repartition + persistent
 * store + output) must emit, as read_committed readers see it, per word strictly increasing counts
 * ending at the count computed from the input — with no crash, after a processing failure that
 * aborts the open transactions, and after an instance is killed with SIGKILL mid-stream.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { emittedCounts, wordCount } from '../runtime/eos-word-count.js';
import { eventually, produce, readAllWith, unique } from '../runtime/runtime-helpers.js';
import { AppProcess } from './apps/app-process.js';
import { bootstrapServers, describeWithBroker } from './broker.js';

const WORDCOUNT_APP = fileURLToPath(new URL('./apps/wordcount-app.ts', import.meta.url));
const VOCABULARY = 50;
const PARTITIONS = 3;

let client: KafkaClient;
let admin: KafkaAdmin;
const topics: string[] = [];
const dirs: string[] = [];
const running: KafkaStreams[] = [];
const apps: AppProcess[] = [];

beforeAll(async () => {
  client = createKafkaClient({ bootstrapServers: bootstrapServers(), clientId: 'eos-runtime-test' });
  admin = client.admin();
  await admin.connect();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
  await Promise.all(apps.splice(0).map((a) => a.stop(10_000)));
});

afterAll(async () => {
  if (topics.length > 0) await admin?.deleteTopics(topics).catch(() => undefined);
  await admin?.disconnect();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const wordOf = (i: number): string => `w${(i * 7919) % VOCABULARY}`;
const words = (topic: string, from: number, count: number): ProducerRecord[] =>
  Array.from({ length: count }, (_, n) => ({ topic, key: Buffer.from(`k${from + n}`), value: Buffer.from(wordOf(from + n)) }));

function truth(count: number): Map<string, number> {
  const t = new Map<string, number>();
  for (let i = 0; i < count; i++) t.set(wordOf(i), (t.get(wordOf(i)) ?? 0) + 1);
  return t;
}

async function countsReached(output: string, expected: Map<string, number>): Promise<boolean> {
  const emitted = emittedCounts(await readAllWith(client, admin, output, true));
  return [...expected].every(([word, n]) => emitted.get(word)?.at(-1) === n);
}

/** Waits for the true counts; on a timeout the caller's `expectExactlyOnce` says which words differ. */
async function awaitCounts(output: string, expected: Map<string, number>, timeoutMs: number): Promise<void> {
  await eventually(() => countsReached(output, expected), timeoutMs, 'the true counts').catch(() => undefined);
}

/** Per word: counts strictly increase (no count emitted twice, none above the truth) and end at the truth. */
async function expectExactlyOnce(output: string, expected: Map<string, number>): Promise<void> {
  const emitted = emittedCounts(await readAllWith(client, admin, output, true));
  expect([...emitted.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [word, counts] of emitted) {
    expect(counts.at(-1), `final count of ${word}`).toBe(expected.get(word));
    const repeated = counts.filter((c, i) => i > 0 && c <= counts[i - 1]!);
    expect(repeated, `counts of ${word} must strictly increase`).toEqual([]);
  }
}

async function setUp(label: string): Promise<{ input: string; output: string; appId: string; stateDir: string }> {
  const input = unique(`eos-${label}-in`);
  const output = unique(`eos-${label}-out`);
  const appId = unique(`eos-${label}-app`);
  topics.push(input, output, `${appId}-words-repartition`, `${appId}-counts-changelog`);
  await admin.createTopics([{ name: input, partitions: PARTITIONS }, { name: output, partitions: PARTITIONS }]);
  const stateDir = await mkdtemp(join(tmpdir(), `kstreams-eos-${label}-`));
  dirs.push(stateDir);
  return { input, output, appId, stateDir };
}

function eosStreams(t: { input: string; output: string; appId: string; stateDir: string }, onWord?: (word: string) => void): KafkaStreams {
  const streams = new KafkaStreams(wordCount(onWord, t.input, t.output), {
    'application.id': t.appId,
    'bootstrap.servers': bootstrapServers(),
    'processing.guarantee': 'exactly_once_v2',
    'state.dir': t.stateDir,
    'session.timeout.ms': 6_000,
    'heartbeat.interval.ms': 500,
  });
  running.push(streams);
  return streams;
}

describeWithBroker('exactly_once_v2 on the real broker', () => {
  it('counts exactly: read_committed output ends at the true counts with no count emitted twice', async () => {
    const t = await setUp('plain');
    await produce(client, words(t.input, 0, 3_000));
    const streams = eosStreams(t);
    await streams.start();
    await awaitCounts(t.output, truth(3_000), 60_000);
    await streams.close();
    await expectExactlyOnce(t.output, truth(3_000));
    expect(sumMetric(streams.metrics(), 'stream-thread-metrics', 'transactions-committed-total')).toBeGreaterThan(0);
  }, 120_000);

  it('a processing failure aborts the open transactions: a restart from the committed state counts exactly', async () => {
    const t = await setUp('abort');
    await produce(client, words(t.input, 0, 1_000));
    let armed = true;
    const failing = (word: string): void => {
      if (armed && word === 'boom') throw new Error('simulated failure inside a transaction');
    };
    const first = eosStreams(t, failing);
    await first.start();
    await eventually(() => countsReached(t.output, truth(1_000)), 40_000, 'the first counts');
    await produce(client, [...words(t.input, 1_000, 500), { topic: t.input, partition: 0, key: Buffer.from('k-boom'), value: Buffer.from('boom') }]);
    await eventually(() => first.state() === 'ERROR', 10_000, 'the failure');
    await first.close();
    armed = false;
    const second = eosStreams(t, failing);
    await second.start();
    const expected = truth(1_500);
    expected.set('boom', 1);
    await awaitCounts(t.output, expected, 40_000);
    await second.close();
    await expectExactlyOnce(t.output, expected);
  }, 120_000);

  it('an instance killed with SIGKILL mid-stream leaves no duplicate: its successor counts exactly', async () => {
    const t = await setUp('kill');
    const total = 3_000;
    await produce(client, words(t.input, 0, total));
    const app = new AppProcess('eos-victim', WORDCOUNT_APP, {
      KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(),
      APP_ID: t.appId,
      INPUT_TOPIC: t.input,
      OUTPUT_TOPIC: t.output,
      APP_SERVER: 'localhost:1',
      STATE_DIR: t.stateDir,
      SESSION_TIMEOUT_MS: '6000',
      COMMIT_INTERVAL_MS: '100',
      PROCESSING_GUARANTEE: 'exactly_once_v2',
    });
    apps.push(app);
    // Killed while it is counting: some transactions committed, one open.
    await app.waitFor((e) => e.event === 'progress' && Number(e['counted']) >= 600, 45_000, 'the victim counting');
    app.kill();
    await app.exited;
    const successor = eosStreams(t);
    await successor.start();
    await awaitCounts(t.output, truth(total), 50_000);
    await successor.close();
    await expectExactlyOnce(t.output, truth(total));
  }, 120_000);
});
