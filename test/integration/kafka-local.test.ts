/**
 * The run's broker as test files see it (global-setup.ts), then
 * scripts/kafka-local itself, on brokers of its own (own run dirs and ports, never the run's
 * broker or the shared dev broker): idempotent start, stop that leaves no process and no port
 * behind, the --stop-with watchdog, and a three-node cluster that keeps serving a replicated
 * topic after one broker is killed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, inject, it } from 'vitest';
import {
  freePortRange,
  portListening,
  processAlive,
  recordedPid,
  runKafkaLocal,
  startKafkaLocal,
  stopKafkaLocal,
} from '../../scripts/kafka-local.d/control.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';

/** PIDs of every live process whose command line mentions `dir` (brokers, watchdog). */
async function processesUsing(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replaceAll('\0', ' ').includes(dir) && (await processAlive(Number(entry)))) found.push(Number(entry));
  }
  return found;
}

async function waitUntil(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const runDirs: string[] = [];
async function freshRunDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kafka-local-test-'));
  runDirs.push(dir);
  return dir;
}

afterEach(async () => {
  // Stop whatever a failed test left running (by the PIDs the script recorded), then clean up.
  for (const dir of runDirs.splice(0)) {
    await stopKafkaLocal(dir).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
});

describeWithBroker("the run's broker (integration global setup)", () => {
  it('reaches test files through the environment and inject(), and serves a fresh topic', async () => {
    const address = bootstrapServers();
    expect(address).toMatch(/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/);
    expect(process.env.KAFKA_BOOTSTRAP_SERVERS).toBe(address);
    expect(inject('kafkaBootstrapServers')).toBe(address);

    const topic = await createTestTopic('global-setup-probe', { partitions: 2 });
    try {
      const producer = testKafka().producer();
      await producer.connect();
      const written = await producer.send({ topic, messages: [{ partition: 1, value: 'hello' }] });
      await producer.disconnect();
      expect(written).toEqual([expect.objectContaining({ topicName: topic, partition: 1, baseOffset: '0' })]);
    } finally {
      await deleteTestTopics([topic]);
    }
  });
});

describeWithBroker('scripts/kafka-local', () => {
  it('starts once, reports the running broker on a second start, and stops without leaving a process or port', async () => {
    const dir = await freshRunDir();
    const port = await freePortRange(2);

    const first = await startKafkaLocal({ dir, port });
    expect(first.bootstrapServers).toBe(`127.0.0.1:${port}`);
    const pid = await recordedPid(dir);
    expect(await processAlive(pid)).toBe(true);
    expect(await portListening(port)).toBe(true);

    const again = await runKafkaLocal(['start', '--dir', dir, '--port', String(port)]);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split('\n').pop()).toBe(`127.0.0.1:${port}`);
    expect(again.stderr).toContain(`already running in ${dir} (pid ${pid})`);
    expect(await recordedPid(dir)).toBe(pid);
    expect(await processesUsing(dir)).toEqual([pid]);

    const status = await runKafkaLocal(['status', '--dir', dir]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`pid ${pid}`);
    expect(status.stdout.trim().split('\n').pop()).toBe(`127.0.0.1:${port}`);

    await stopKafkaLocal(dir);
    expect(await processAlive(pid)).toBe(false);
    expect(await processesUsing(dir)).toEqual([]);
    expect(await portListening(port)).toBe(false);
    expect(await portListening(port + 1)).toBe(false);
    const after = await runKafkaLocal(['status', '--dir', dir]);
    expect(after.code).toBe(3);
    expect(after.stdout).toContain('not running');
  });

  it('stops the broker by itself when the --stop-with process ends', async () => {
    const dir = await freshRunDir();
    const port = await freePortRange(2);
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    try {
      await startKafkaLocal({ dir, port, stopWithPid: owner.pid });
      const pid = await recordedPid(dir);
      expect(await processAlive(pid)).toBe(true);
      owner.kill('SIGKILL');
      await waitUntil('the watchdog to stop the broker', async () => !(await processAlive(pid)), 60_000);
      await waitUntil('every process of the run dir to end', async () => (await processesUsing(dir)).length === 0, 10_000);
      expect(await portListening(port)).toBe(false);
    } finally {
      owner.kill('SIGKILL');
    }
  });

  it('runs a three-node cluster that keeps serving a replicated topic after one broker is killed', async () => {
    const dir = await freshRunDir();
    const port = await freePortRange(6);
    const { bootstrapServers } = await startKafkaLocal({ dir, port, nodes: 3 });
    expect(bootstrapServers).toBe([0, 2, 4].map((offset) => `127.0.0.1:${port + offset}`).join(','));

    const kafka = testKafka('kafka-local-failover', bootstrapServers);
    const admin = kafka.admin();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    const consumer = kafka.consumer({ groupId: uniqueTopic('kafka-local-failover-group') });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([1, 2, 3]);

      const topic = uniqueTopic('kafka-local-failover');
      await admin.createTopics({
        topics: [{ topic, numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }],
      });
      // Not kafkajs's waitForLeaders: it gives up when the broker it asks has not seen the topic yet.
      let metadata: Awaited<ReturnType<typeof admin.fetchTopicMetadata>>['topics'][number] | undefined;
      await waitUntil('leaders for all three partitions', async () => {
        metadata = (await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined))?.topics[0];
        return metadata?.partitions.length === 3 && metadata.partitions.every((p) => p.leader >= 1 && p.isr.length === 3);
      }, 30_000);
      expect(metadata?.partitions.every((p) => p.replicas.length === 3)).toBe(true);

      await producer.connect();
      // One send per partition, each to a single leader: kafkajs 2.2.4 can resolve a send that
      // spans several brokers without the records of a partition whose leader died mid-request
      // (tulios/kafkajs#1303). The returned metadata proves each partition took its records.
      const send = async (from: number, to: number): Promise<void> => {
        for (let partition = 0; partition < 3; partition++) {
          const messages = Array.from({ length: to - from }, (_, i) => from + i)
            .filter((n) => n % 3 === partition)
            .map((n) => ({ partition, key: `k${n}`, value: `v${n}` }));
          const written = await producer.send({ topic, acks: -1, messages });
          expect(written.map((r) => r.partition)).toEqual([partition]);
        }
      };
      await send(0, 30);

      // Kill the leader of partition 0, so producing there needs a new leader.
      const leader = metadata?.partitions.find((p) => p.partitionId === 0)?.leader;
      expect(leader).toBeGreaterThanOrEqual(1);
      const victim = await recordedPid(dir, leader as number);
      process.kill(victim, 'SIGKILL');
      await waitUntil(`node ${leader} (pid ${victim}) to die`, async () => !(await processAlive(victim)), 10_000);
      // The controller moves the dead node's leaderships once it fences it (broker session
      // timeout, 9 s); kafkajs's default retries (about 9 s in all) can run out just before that,
      // so wait for the new leader instead of racing it.
      await waitUntil(`a new leader for partition 0 after node ${leader} died`, async () => {
        const p0 = (await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined))?.topics[0]?.partitions
          .find((p) => p.partitionId === 0);
        return p0 !== undefined && p0.leader >= 1 && p0.leader !== leader;
      }, 60_000);

      await send(30, 60);
      const status = await runKafkaLocal(['status', '--dir', dir]);
      expect(status.code).toBe(0);
      expect(status.stdout).toContain(`node ${leader}: not running`);

      const seen = new Set<string>();
      await consumer.connect();
      await consumer.subscribe({ topics: [topic], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value?.toString() ?? '');
        },
      });
      await waitUntil('all 60 records to be consumed', async () => seen.size >= 60, 90_000);
      expect([...seen].sort()).toEqual(Array.from({ length: 60 }, (_, i) => `v${i}`).sort());
    } finally {
      await consumer.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.disconnect().catch(() => {});
    }

    const pids = await Promise.all([1, 2, 3].map((node) => recordedPid(dir, node).catch(() => undefined)));
    await stopKafkaLocal(dir);
    for (const pid of pids) if (pid !== undefined) expect(await processAlive(pid)).toBe(false);
    expect(await processesUsing(dir)).toEqual([]);
  }, 300_000); // three JVMs starting on two cores, then 9 s until the dead broker is fenced
});
