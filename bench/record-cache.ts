/**
 * The record cache's effect on a hot-key aggregation on the real broker (not a test): the same
 * pre-produced input (3 partitions, 100 hot keys) counted by key with the cache (10 MiB, the
 * default) and with `statestore.cache.max.bytes` 0, in the same run:
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/record-cache.ts [records]
 *
 * Each run is timed from start() until the group has committed every input record; then the
 * records written downstream (output topic) and to the changelog are counted. `run()` returns
 * the numbers for the bench runner.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Consumed } from '../src/dsl/consumed.js';
import { Materialized } from '../src/dsl/materialized.js';
import { Produced } from '../src/dsl/produced.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { Serdes } from '../src/serde/serdes.js';

export interface CacheRun {
  readonly recordsPerSec: number;
  /** Records the aggregation wrote to its output topic. */
  readonly downstreamRecords: number;
  /** Records written to the store's changelog. */
  readonly changelogRecords: number;
}

export interface RecordCacheBenchResult {
  readonly records: number;
  readonly hotKeys: number;
  readonly withCache: CacheRun;
  readonly withoutCache: CacheRun;
  readonly loadAverage: readonly number[];
  readonly cores: number;
}

const HOT_KEYS = 100;

async function topicSize(admin: KafkaAdmin, topic: string): Promise<number> {
  try {
    return (await admin.listOffsets(topic)).reduce((n, o) => n + o.latest - o.earliest, 0);
  } catch {
    return 0;
  }
}

async function countRun(admin: KafkaAdmin, bootstrap: string, input: string, appId: string, records: number, cacheBytes: number): Promise<CacheRun> {
  const output = `${appId}-out`;
  await admin.createTopics([{ name: output, partitions: 3 }]);
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .count(Materialized.as<string, number>('hot-counts'))
    .toStream()
    .to(output, Produced.with(Serdes.String(), Serdes.Long()));
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-cache-'));
  const streams = new KafkaStreams(builder.build(), {
    'application.id': appId,
    'bootstrap.servers': bootstrap,
    'state.dir': stateDir,
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
    'statestore.cache.max.bytes': cacheBytes,
    'commit.interval.ms': 1_000,
  });
  const started = performance.now();
  let elapsed: number;
  try {
    await streams.start();
    const deadline = Date.now() + 300_000;
    for (;;) {
      const committed = (await admin.fetchCommittedOffsets(appId, [input])).reduce((n, o) => n + o.offset, 0);
      if (committed >= records) break;
      if (Date.now() > deadline) throw new Error(`${appId}: ${committed} of ${records} committed after 300 s`);
      await new Promise((r) => setTimeout(r, 50));
    }
    elapsed = performance.now() - started;
  } finally {
    await streams.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return {
    recordsPerSec: Math.round(records / (elapsed / 1000)),
    downstreamRecords: await topicSize(admin, output),
    changelogRecords: await topicSize(admin, `${appId}-hot-counts-changelog`),
  };
}

export async function run(options: { bootstrapServers?: string; records?: number; log?: (line: string) => void } = {}): Promise<RecordCacheBenchResult> {
  const bootstrap = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrap === undefined || bootstrap === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (e.g. `scripts/kafka-local start` prints it)');
  const records = options.records ?? 50_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-record-cache' });
  const admin = client.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const input = `bench-cache-in-${tag}`;
  try {
    await admin.createTopics([{ name: input, partitions: 3 }]);
    log(`producing ${records} records over ${HOT_KEYS} keys ...`);
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    const inFlight: Promise<unknown>[] = [];
    for (let i = 0; i < records; i += 10_000) {
      const n = Math.min(10_000, records - i);
      inFlight.push(producer.send(Array.from({ length: n }, (_, j) => ({ topic: input, key: Buffer.from(`hot-${(i + j) % HOT_KEYS}`), value: Buffer.from('x') }))));
    }
    await Promise.all(inFlight);
    await producer.disconnect();

    const withCache = await countRun(admin, bootstrap, input, `bench-cache-on-${tag}`, records, 10 * 1024 * 1024);
    log(`with cache: ${withCache.recordsPerSec} records/s, ${withCache.downstreamRecords} downstream, ${withCache.changelogRecords} changelog records`);
    const withoutCache = await countRun(admin, bootstrap, input, `bench-cache-off-${tag}`, records, 0);
    log(`without cache: ${withoutCache.recordsPerSec} records/s, ${withoutCache.downstreamRecords} downstream, ${withoutCache.changelogRecords} changelog records`);
    return { records, hotKeys: HOT_KEYS, withCache, withoutCache, loadAverage: loadavg(), cores: cpus().length };
  } finally {
    const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.includes(tag));
    await admin.deleteTopics(mine).catch(() => undefined);
    await admin.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  run({ records }).then((r) => console.log(JSON.stringify(r)), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
