/**
 * Exactly-once cost (issue 6): the filter topology and an aggregation (count per key into a
 * LevelDB store with its changelog, updates to an output topic) under `exactly_once_v2` beside
 * `at_least_once`, in the same run, on the real broker, each at its default commit interval
 * (100 ms under exactly-once, 30 s under at-least-once, as in Kafka Streams):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/eos.ts [records]
 *
 * Every contender reads the same pre-produced input (3 partitions, 10,000 keys) from the
 * beginning with its own application id, one instance, one thread, and is timed from its first
 * input record's processing to its last (steady state: the transactional producers' start-up and
 * the group join are reported apart). Under exactly-once that time includes every transaction
 * commit (outputs, changelog writes and offsets) on the way. Two rounds, alternating which
 * guarantee goes first; each contender's best round counts. Goal in the issue: exactly-once
 * keeps at least 60% of at-least-once throughput.
 *
 * The footprint (the issue also asks for it): how many sockets to the broker the filter
 * application opens over a 24-partition topic under each guarantee, counted from Linux's /proc
 * once every task has processed and sent output (exactly-once: one transactional producer per
 * task; at-least-once: one producer per thread). `run()` returns the numbers for `npm run bench`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Consumed } from '../src/dsl/consumed.js';
import { Materialized } from '../src/dsl/materialized.js';
import { Produced } from '../src/dsl/produced.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { Serdes } from '../src/serde/serdes.js';
import type { Topology } from '../src/topology/topology.js';
import { bootstrapPorts, socketsToPorts } from './lib/sockets.js';

type Guarantee = 'at_least_once' | 'exactly_once_v2';

export interface EosBenchResult {
  readonly records: number;
  readonly filter: GuaranteePair;
  readonly aggregation: GuaranteePair;
  /** Sockets to the broker of the filter application over 24 partitions, one thread; undefined without Linux's /proc. */
  readonly footprint: Footprint | undefined;
}

export interface Footprint {
  readonly partitions: number;
  readonly atLeastOnceSockets: number;
  readonly exactlyOnceSockets: number;
}

export interface GuaranteePair {
  /** Input records per second, first record to last (best of two rounds). */
  readonly atLeastOnceRecordsPerSec: number;
  readonly exactlyOnceRecordsPerSec: number;
  /** exactly-once / at-least-once. Goal: >= 0.6 (exactly-once costs at most 40%). */
  readonly ratio: number;
  /** From `start()` to the first record's processing, ms (best round). */
  readonly atLeastOnceStartupMs: number;
  readonly exactlyOnceStartupMs: number;
}

const KEYS = 10_000;
const FOOTPRINT_PARTITIONS = 24;
const VALUE_PAD = 'x'.repeat(80);

function inputRecords(topic: string, count: number): ProducerRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    key: Buffer.from(`key-${i % KEYS}`),
    value: Buffer.from(i % 2 === 0 ? `v${i}-${VALUE_PAD}` : `s${i % 100}`),
  }));
}

async function createAndFill(client: KafkaClient, admin: KafkaAdmin, topic: string, count: number): Promise<void> {
  await admin.createTopics([{ name: topic, partitions: 3 }]);
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const records = inputRecords(topic, count);
  for (let i = 0; i < records.length; i += 10_000) await producer.send(records.slice(i, i + 10_000));
  await producer.disconnect();
}

interface Timed {
  readonly perSec: number;
  readonly startupMs: number;
}

/** Runs the topology until `onRecord` was called `count` times. */
async function timed(bootstrap: string, applicationId: string, guarantee: Guarantee, count: number, build: (onRecord: () => void) => Topology): Promise<Timed> {
  let seen = 0;
  let firstAt = 0;
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-eos-'));
  const streams = new KafkaStreams(
    build(() => {
      if (seen++ === 0) firstAt = performance.now();
    }),
    { 'application.id': applicationId, 'bootstrap.servers': bootstrap, 'state.dir': stateDir, 'processing.guarantee': guarantee },
  );
  try {
    const started = performance.now();
    await streams.start();
    const deadline = Date.now() + 600_000;
    while (seen < count) {
      if (Date.now() > deadline) throw new Error(`${applicationId}: ${seen} of ${count} records after 600 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return { perSec: Math.round((count - 1) / ((performance.now() - firstAt) / 1000)), startupMs: Math.round(firstAt - started) };
  } finally {
    await streams.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

const filterTopology = (input: string, output: string) => (onRecord: () => void): Topology => {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .filter((_k, v) => {
      onRecord();
      return v !== null && v.length > 5;
    })
    .to(output, Produced.with(Serdes.String(), Serdes.String()));
  return builder.build();
};

const countTopology = (input: string, output: string) => (onRecord: () => void): Topology => {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    // count() as an aggregate, to see each record reach the store.
    .aggregate(() => 0, (_k, _v, n) => {
      onRecord();
      return n + 1;
    }, Materialized.with<string, number>(Serdes.String(), Serdes.Long()))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  return builder.build();
};

/**
 * Sockets the filter application opens to the broker over a 24-partition topic: counted once every
 * record was processed and the output had time to go out (and, under exactly-once, to commit),
 * minus those the bench's own admin client holds.
 */
async function sockets(bootstrap: string, admin: KafkaAdmin, client: KafkaClient, tag: string, guarantee: Guarantee): Promise<number | undefined> {
  const ports = bootstrapPorts(bootstrap);
  const input = `bench-eos-fp-in-${guarantee.replace(/_/g, '-')}-${tag}`;
  const output = `${input}-out`;
  await admin.createTopics([{ name: input, partitions: FOOTPRINT_PARTITIONS }, { name: output, partitions: FOOTPRINT_PARTITIONS }]);
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const count = FOOTPRINT_PARTITIONS * 50;
  // Explicit partitions: every task gets input, so every task's producer sends.
  await producer.send(inputRecords(input, count).map((r, i) => ({ ...r, partition: i % FOOTPRINT_PARTITIONS })));
  await producer.disconnect();
  const before = await socketsToPorts(ports);
  let seen = 0;
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-eos-fp-'));
  const streams = new KafkaStreams(
    filterTopology(input, output)(() => void seen++),
    { 'application.id': `bench-eos-fp-${guarantee.replace(/_/g, '-')}-${tag}`, 'bootstrap.servers': bootstrap, 'state.dir': stateDir, 'processing.guarantee': guarantee },
  );
  try {
    await streams.start();
    const deadline = Date.now() + 120_000;
    while (seen < count) {
      if (Date.now() > deadline) throw new Error(`footprint ${guarantee}: ${seen} of ${count} records after 120 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // Output lingers a few ms; exactly-once commits every 100 ms: a second covers both.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const during = await socketsToPorts(ports);
    return before === undefined || during === undefined ? undefined : during - before;
  } finally {
    await streams.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function run(options: { bootstrapServers?: string; records?: number; log?: (line: string) => void } = {}): Promise<EosBenchResult> {
  const bootstrap = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrap === undefined || bootstrap === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (e.g. `scripts/kafka-local start` prints it)');
  const records = options.records ?? 200_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-eos' });
  const admin = client.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const input = `bench-eos-in-${tag}`;
  try {
    log(`producing ${records} records (${KEYS} keys, 3 partitions) ...`);
    await createAndFill(client, admin, input, records);
    const measure = async (name: string, build: (input: string, output: string) => (onRecord: () => void) => Topology): Promise<GuaranteePair> => {
      const results: Record<Guarantee, Timed[]> = { at_least_once: [], exactly_once_v2: [] };
      const orders: Guarantee[][] = [['at_least_once', 'exactly_once_v2'], ['exactly_once_v2', 'at_least_once']];
      for (const [round, order] of orders.entries()) {
        for (const guarantee of order) {
          const id = `bench-eos-${name}-${guarantee.replace(/_/g, '-')}-${round}-${tag}`;
          const output = `${id}-out`;
          await admin.createTopics([{ name: output, partitions: 3 }]);
          // One retry: on a busy broker start-up has been seen to fail creating a changelog (retriable UNKNOWN_TOPIC_OR_PARTITION).
          const t = await timed(bootstrap, id, guarantee, records, build(input, output)).catch(async (e: unknown) => {
            log(`  ${name} ${guarantee} round ${round + 1} failed (${String(e).slice(0, 160)}); retrying once`);
            return timed(bootstrap, `${id}-retry`, guarantee, records, build(input, output));
          });
          results[guarantee].push(t);
          log(`  ${name.padEnd(11)} ${guarantee.padEnd(15)} round ${round + 1}: ${t.perSec} records/s (start-up ${t.startupMs} ms)`);
        }
      }
      const best = (ts: Timed[]): Timed => ts.reduce((a, b) => (b.perSec > a.perSec ? b : a));
      const alos = best(results.at_least_once);
      const eos = best(results.exactly_once_v2);
      return {
        atLeastOnceRecordsPerSec: alos.perSec,
        exactlyOnceRecordsPerSec: eos.perSec,
        ratio: eos.perSec / alos.perSec,
        atLeastOnceStartupMs: alos.startupMs,
        exactlyOnceStartupMs: eos.startupMs,
      };
    };
    const filter = await measure('filter', filterTopology);
    const aggregation = await measure('count', countTopology);
    const alosSockets = await sockets(bootstrap, admin, client, tag, 'at_least_once');
    const eosSockets = await sockets(bootstrap, admin, client, tag, 'exactly_once_v2');
    const footprint = alosSockets === undefined || eosSockets === undefined ? undefined : { partitions: FOOTPRINT_PARTITIONS, atLeastOnceSockets: alosSockets, exactlyOnceSockets: eosSockets };
    const line = (name: string, p: GuaranteePair): string =>
      `  ${name.padEnd(11)} at_least_once ${p.atLeastOnceRecordsPerSec} records/s, exactly_once_v2 ${p.exactlyOnceRecordsPerSec} records/s -> ${(p.ratio * 100).toFixed(0)}% (goal >= 60%)`;
    log(`exactly-once cost, ${records} records, default commit intervals, real broker (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`);
    log(line('filter', filter));
    log(line('count', aggregation));
    log(
      footprint === undefined
        ? '  footprint: not measured (needs Linux /proc)'
        : `  footprint, filter over ${footprint.partitions} partitions, one thread: ${footprint.exactlyOnceSockets} sockets to the broker under exactly_once_v2 (a producer per task), ${footprint.atLeastOnceSockets} under at_least_once (a producer per thread)`,
    );
    return { records, filter, aggregation, footprint };
  } finally {
    // Inputs, outputs and the changelogs the runs created all carry this run's tag.
    const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.includes(tag));
    await admin.deleteTopics(mine).catch(() => undefined);
    await admin.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(JSON.stringify(await run({ records })));
}
