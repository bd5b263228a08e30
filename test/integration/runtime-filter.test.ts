/**
 * The filter application on the real broker, as two instances in separate processes: a clean run
 * (exactly the expected output, no duplicates), then a run where one instance is killed with
 * SIGKILL mid-stream (the survivor takes over; nothing is missing; duplicates are counted).
 */
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel, Partitioners, type Producer } from 'kafkajs';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKafkaClient } from '../../src/kafka/index.js';
import { bootstrapServers, describeWithBroker } from './broker.js';
import type { KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';
import { compareOutput, expectedFilterOutput, readAll, sleep, sortedValues, topicSize, unique } from '../runtime/runtime-helpers.js';
import { AppProcess } from './apps/app-process.js';

let bootstrap: string;

const APP = fileURLToPath(new URL('./apps/filter-app.ts', import.meta.url));
const RECORDS = 30_000;
const SESSION_TIMEOUT_MS = 10_000;

let client: KafkaClient;
let admin: KafkaAdmin;
let producer: Producer;
const apps: AppProcess[] = [];
const topics: string[] = [];

beforeAll(async () => {
  bootstrap = bootstrapServers();
  client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'runtime-filter-test' });
  admin = client.admin();
  await admin.connect();
  const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: 'runtime-filter-producer', logLevel: logLevel.NOTHING });
  producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

afterEach(async () => {
  // Stop every process this file started, by PID, even when a test failed.
  await Promise.all(apps.splice(0).map((a) => a.stop(10_000)));
});

afterAll(async () => {
  await producer?.disconnect();
  if (topics.length > 0) await admin?.deleteTopics(topics).catch(() => undefined);
  await admin?.disconnect();
});

/** key-i → `long-value-i` for even i (passes the filter), `v…` (too short) for odd i. */
async function produceInput(topic: string, from: number, count: number): Promise<void> {
  const messages = Array.from({ length: count }, (_, n) => {
    const i = from + n;
    return { key: `key-${i}`, value: i % 2 === 0 ? `long-value-${i}` : `v${i % 1000}` };
  });
  for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic, messages: messages.slice(i, i + 1_000) });
}

async function setUp(label: string): Promise<{ input: string; output: string; appId: string }> {
  const input = unique(`rt-${label}-in`);
  const output = unique(`rt-${label}-out`);
  topics.push(input, output);
  await admin.createTopics([{ name: input, partitions: 3 }, { name: output, partitions: 3 }]);
  return { input, output, appId: unique(`rt-${label}-app`) };
}

function startApp(name: string, server: string, t: { input: string; output: string; appId: string }): AppProcess {
  const app = new AppProcess(name, APP, {
    KAFKA_BOOTSTRAP_SERVERS: bootstrap,
    APP_ID: t.appId,
    INPUT_TOPIC: t.input,
    OUTPUT_TOPIC: t.output,
    APP_SERVER: server,
    SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
    COMMIT_INTERVAL_MS: '1000',
  });
  apps.push(app);
  return app;
}

const partitionsOf = (app: AppProcess): string[] => (app.last('partitions')?.['partitions'] as string[] | undefined) ?? [];

async function untilBothOwnPartitions(a: AppProcess, b: AppProcess, input: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pa = partitionsOf(a);
    const pb = partitionsOf(b);
    const running = a.last('state')?.['state'] === 'RUNNING' && b.last('state')?.['state'] === 'RUNNING';
    if (running && pa.length > 0 && pb.length > 0 && [...pa, ...pb].sort().join() === [0, 1, 2].map((p) => `${input}-${p}`).join()) return;
    if (Date.now() > deadline) throw new Error(`instances did not split the partitions: a=${pa.join()} b=${pb.join()}\n${a.output.slice(-10).join('\n')}\n${b.output.slice(-10).join('\n')}`);
    if (!a.alive || !b.alive) throw new Error(`an instance exited:\n${a.output.slice(-20).join('\n')}\n${b.output.slice(-20).join('\n')}`);
    await sleep(50);
  }
}

async function untilOutputHas(topic: string, count: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await topicSize(admin, topic)) < count) {
    if (Date.now() > deadline) throw new Error(`output ${topic} has ${await topicSize(admin, topic)} of ${count} records after ${timeoutMs} ms`);
    await sleep(200);
  }
}

describeWithBroker('filter application, two instances in child processes, real broker', () => {
  it('writes exactly the expected records: all present, no duplicates', async () => {
    const t = await setUp('clean');
    const a = startApp('instance-a', 'instance-a:7001', t);
    const b = startApp('instance-b', 'instance-b:7002', t);
    await untilBothOwnPartitions(a, b, t.input);

    await produceInput(t.input, 0, RECORDS);
    await untilOutputHas(t.output, RECORDS / 2, 90_000);
    await sleep(2_000); // anything late (a duplicate) would show up now
    expect(await a.stop()).toBe(0);
    expect(await b.stop()).toBe(0);

    const result = compareOutput(expectedFilterOutput(RECORDS), sortedValues(await readAll(client, admin, t.output)));
    expect(result.missing).toEqual([]);
    expect(result.unexpected).toEqual([]);
    expect(result.duplicates).toBe(0);
    const committed = await admin.fetchCommittedOffsets(t.appId, [t.input]);
    expect(committed.reduce((n, o) => n + o.offset, 0)).toBe(RECORDS);
  });

  it('survives kill -9 of one instance mid-stream: the other takes over within the session timeout, nothing is missing', async () => {
    const t = await setUp('kill');
    const a = startApp('instance-a', 'instance-a:7001', t);
    const b = startApp('instance-b', 'instance-b:7002', t);
    await untilBothOwnPartitions(a, b, t.input);

    // Produce over ~3 s so the kill lands in the middle of the stream.
    const producing = (async () => {
      for (let i = 0; i < 30; i++) {
        await produceInput(t.input, i * 1_000, 1_000);
        await sleep(100);
      }
    })();
    await untilOutputHas(t.output, 2_000, 30_000);
    const victimPartitions = partitionsOf(a);
    const killedAt = Date.now();
    a.kill();
    await a.exited;

    const takeover = await b.waitFor(
      (e) => e.event === 'partitions' && e.at >= killedAt && (e['partitions'] as string[]).length === 3,
      SESSION_TIMEOUT_MS + 20_000,
      'the survivor to own all partitions',
    );
    const takeoverMs = takeover.at - killedAt;
    await producing;
    await untilOutputHas(t.output, RECORDS / 2, 90_000);
    await sleep(2_000);
    expect(await b.stop()).toBe(0);

    const outputRecords = await readAll(client, admin, t.output);
    const result = compareOutput(expectedFilterOutput(RECORDS), sortedValues(outputRecords));
    // Which input partition each value came from: only the killed instance's partitions may repeat.
    const inputPartition = new Map((await readAll(client, admin, t.input)).map((r) => [r.value?.toString(), `${r.topic}-${r.partition}`]));
    const seen = new Map<string, number>();
    for (const r of outputRecords) seen.set(r.value?.toString() ?? '', (seen.get(r.value?.toString() ?? '') ?? 0) + 1);
    const duplicatedFrom = new Set([...seen].filter(([, n]) => n > 1).map(([v]) => inputPartition.get(v)));
    console.log(
      `[runtime-filter kill -9] takeover ${takeoverMs} ms after SIGKILL (session.timeout.ms ${SESSION_TIMEOUT_MS}); ` +
        `${outputRecords.length} output records for ${RECORDS / 2} expected: ${result.duplicates} duplicates ` +
        `(reprocessed after the kill), ${result.missing.length} missing; killed instance owned ${victimPartitions.join(', ')}`,
    );
    expect(result.missing).toEqual([]);
    expect(result.unexpected).toEqual([]);
    for (const p of duplicatedFrom) expect(victimPartitions).toContain(p);
    expect(takeoverMs).toBeLessThanOrEqual(SESSION_TIMEOUT_MS + 5_000);
  });
});
