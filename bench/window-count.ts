/**
 * Windowed aggregation throughput (issue 5): a 5-second tumbling count and a session count beside the filter topology, and the tumbling count with and without the record cache on repeated keys.
 *
 *   npx tsx bench/window-count.ts [records]                                       # embedded backend
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/window-count.ts [records]  # real broker
 *
 * Every contender reads the same pre-produced input (3 partitions, timestamps ascending over 100
 * five-second windows, so nothing is late) from the beginning with its own application id, and is
 * timed from its processor's first input record to its last (steady state; the start-up before —
 * group join, creating changelog topics, opening LevelDB stores — is reported apart). LevelDB
 * stores, changelogs on, `commit.interval.ms` 1000. The cache comparison also counts the records
 * each variant wrote to its output topic. `run()` returns the numbers for `npm run bench`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Consumed } from '../src/dsl/consumed.js';
import { Materialized } from '../src/dsl/materialized.js';
import { Produced } from '../src/dsl/produced.js';
import { SessionWindows } from '../src/dsl/session-windows.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { TimeWindows } from '../src/dsl/time-windows.js';
import { WindowedSerdes } from '../src/dsl/windowed-serdes.js';
import { resetEmbeddedCluster } from '../src/kafka/embedded/index.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { Serdes } from '../src/serde/serdes.js';
import type { Topology } from '../src/topology/topology.js';

export interface WindowCountBenchResult {
  readonly backend: 'embedded' | 'kafka';
  readonly records: number;
  /** Start-up of each contender (from `start()` to its first record), ms. */
  readonly startupMs: Readonly<Record<'filter' | 'tumbling' | 'session' | 'cached' | 'uncached', number>>;
  /** The filter topology over the same input (the yardstick), records/s. */
  readonly filterRecordsPerSec: number;
  /** 5-second tumbling count, record cache on (the default), records/s. */
  readonly tumblingCountRecordsPerSec: number;
  /** tumbling / filter. Goal: >= 0.5. */
  readonly tumblingToFilterRatio: number;
  /** Session count (1-second inactivity gap), record cache on, records/s. */
  readonly sessionCountRecordsPerSec: number;
  /** Tumbling count on 20 repeated keys, with the record cache, records/s and records written out. */
  readonly repeatedKeysCachedRecordsPerSec: number;
  readonly repeatedKeysCachedOutputRecords: number;
  /** The same without the cache (`withCachingDisabled`): every update is written out. */
  readonly repeatedKeysUncachedRecordsPerSec: number;
  readonly repeatedKeysUncachedOutputRecords: number;
}

const WINDOW_MS = 5_000;
// Recent timestamps: the broker deletes window-store changelog records older than the retention.
const BASE_TIME = Math.floor((Date.now() - 100 * WINDOW_MS) / WINDOW_MS) * WINDOW_MS;

function inputRecords(topic: string, count: number, keys: number): ProducerRecord[] {
  // 100 windows' worth of event time, ascending: per partition too, so no window closes early.
  const span = 100 * WINDOW_MS;
  return Array.from({ length: count }, (_, i) => ({
    topic,
    key: Buffer.from(`user-${i % keys}`),
    value: Buffer.from(i % 2 === 0 ? `GET /page/${i % 97} HTTP/1.1` : 'ok'),
    timestamp: BASE_TIME + Math.floor((i * span) / count),
  }));
}

async function createAndFill(client: KafkaClient, admin: KafkaAdmin, topic: string, count: number, keys: number): Promise<void> {
  await admin.createTopics([{ name: topic, partitions: 3 }]);
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const records = inputRecords(topic, count, keys);
  for (let i = 0; i < records.length; i += 10_000) await producer.send(records.slice(i, i + 10_000));
  await producer.disconnect();
}

interface Timed {
  /** Input records per second from the first record's processing to the last's. */
  readonly perSec: number;
  /** From `start()` to the first record's processing (group join, internal topics, store opening). */
  readonly startupMs: number;
  readonly outputs: number;
}

/**
 * Runs `build(onRecord, onOutput)`'s topology until `onRecord` was called `count` times; returns
 * input records per second and, after a clean close (which flushes the caches), output records.
 */
async function timed(
  bootstrap: string,
  applicationId: string,
  count: number,
  build: (onRecord: () => void, onOutput: () => void) => Topology,
): Promise<Timed> {
  let seen = 0;
  let outputs = 0;
  let firstAt = 0;
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-window-'));
  const onRecord = (): void => {
    if (seen++ === 0) firstAt = performance.now();
  };
  const streams = new KafkaStreams(build(onRecord, () => void outputs++), {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap,
    'state.dir': stateDir,
    'commit.interval.ms': 1_000,
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
  });
  let perSec: number;
  let startupMs: number;
  try {
    const started = performance.now();
    await streams.start();
    const deadline = Date.now() + 600_000;
    while (seen < count) {
      if (Date.now() > deadline) throw new Error(`${applicationId}: ${seen} of ${count} records after 600 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    perSec = Math.round((count - 1) / ((performance.now() - firstAt) / 1000));
    startupMs = Math.round(firstAt - started);
  } finally {
    await streams.close();
    await rm(stateDir, { recursive: true, force: true });
  }
  return { perSec, startupMs, outputs };
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

const tumblingTopology = (input: string, output: string, cached: boolean) => (onRecord: () => void, onOutput: () => void): Topology => {
  const builder = new StreamsBuilder();
  const materialized = Materialized.with<string, number>(Serdes.String(), Serdes.Long());
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_MS))
    // count() as an aggregate, to see each record reach the store.
    .aggregate(() => 0, (_k, _v, n) => {
      onRecord();
      return n + 1;
    }, cached ? materialized : materialized.withCachingDisabled())
    .toStream()
    .peek(onOutput)
    .to(output, Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), WINDOW_MS), Serdes.Long()));
  return builder.build();
};

const sessionTopology = (input: string, output: string) => (onRecord: () => void, onOutput: () => void): Topology => {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .groupByKey()
    .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(1_000))
    .aggregate(() => 0, (_k, _v, n) => {
      onRecord();
      return n + 1;
    }, (_k, a, b) => a + b, Materialized.with<string, number>(Serdes.String(), Serdes.Long()))
    .toStream()
    .peek(onOutput)
    .to(output, Produced.with(WindowedSerdes.sessionWindowedSerdeFrom(Serdes.String()), Serdes.Long()));
  return builder.build();
};

export async function run(options: { bootstrapServers?: string; records?: number; log?: (line: string) => void } = {}): Promise<WindowCountBenchResult> {
  const given = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  const tag = Date.now().toString(36);
  const bootstrap = given === undefined || given === '' ? `embedded://bench-window-${tag}` : given;
  const backend = bootstrap.startsWith('embedded://') ? 'embedded' : 'kafka';
  const records = options.records ?? 50_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-window-count' });
  const admin = client.admin();
  await admin.connect();
  const input = `bench-window-in-${tag}`;
  const repeated = `bench-window-repeated-${tag}`;
  const created = [input, repeated];
  const out = (name: string): string => {
    const topic = `bench-window-out-${name}-${tag}`;
    created.push(topic);
    return topic;
  };
  try {
    log(`producing ${records} records (10,000 keys) and ${records} records (20 keys) on the ${backend} backend ...`);
    await createAndFill(client, admin, input, records, 10_000);
    await createAndFill(client, admin, repeated, records, 20);
    const topics = async (...names: string[]) => admin.createTopics(names.map((name) => ({ name, partitions: 3 })));

    const filterOut = out('filter');
    const tumblingOut = out('tumbling');
    const sessionOut = out('session');
    const cachedOut = out('cached');
    const uncachedOut = out('uncached');
    await topics(filterOut, tumblingOut, sessionOut, cachedOut, uncachedOut);

    const filter = await timed(bootstrap, `bench-window-filter-${tag}`, records, filterTopology(input, filterOut));
    const show = (t: Timed): string => `${t.perSec} records/s (start-up ${t.startupMs} ms)`;
    log(`  filter                          ${show(filter)}`);
    const tumbling = await timed(bootstrap, `bench-window-tumbling-${tag}`, records, tumblingTopology(input, tumblingOut, true));
    log(`  tumbling count (5 s, cached)    ${show(tumbling)} -> ${((tumbling.perSec / filter.perSec) * 100).toFixed(0)}% of filter (goal >= 50%)`);
    const session = await timed(bootstrap, `bench-window-session-${tag}`, records, sessionTopology(input, sessionOut));
    log(`  session count (1 s gap, cached) ${show(session)}`);
    const cached = await timed(bootstrap, `bench-window-cached-${tag}`, records, tumblingTopology(repeated, cachedOut, true));
    log(`  20 keys, cache on               ${show(cached)}, ${cached.outputs} records written`);
    const uncached = await timed(bootstrap, `bench-window-uncached-${tag}`, records, tumblingTopology(repeated, uncachedOut, false));
    log(`  20 keys, cache off              ${show(uncached)}, ${uncached.outputs} records written`);
    log(`(load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores)`);
    return {
      backend,
      records,
      filterRecordsPerSec: filter.perSec,
      startupMs: { filter: filter.startupMs, tumbling: tumbling.startupMs, session: session.startupMs, cached: cached.startupMs, uncached: uncached.startupMs },
      tumblingCountRecordsPerSec: tumbling.perSec,
      tumblingToFilterRatio: tumbling.perSec / filter.perSec,
      sessionCountRecordsPerSec: session.perSec,
      repeatedKeysCachedRecordsPerSec: cached.perSec,
      repeatedKeysCachedOutputRecords: cached.outputs,
      repeatedKeysUncachedRecordsPerSec: uncached.perSec,
      repeatedKeysUncachedOutputRecords: uncached.outputs,
    };
  } finally {
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.disconnect();
    if (backend === 'embedded') resetEmbeddedCluster(bootstrap.slice('embedded://'.length));
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(JSON.stringify(await run({ records })));
}
