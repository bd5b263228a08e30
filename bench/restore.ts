/**
 * Restore speed of a LevelDB key-value store from its changelog on the real broker (not a test):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/restore.ts [keys]
 *
 * The changelog `<application.id>-store-changelog` (1 partition, compacted) is produced directly
 * with `keys` distinct keys, then a KafkaStreams instance with the table `store` over an empty
 * input topic starts on an empty state dir: its task restores the whole changelog before it is
 * RUNNING. The same start with an empty changelog (another application id) is timed too, and the
 * restore time is the difference (group join and task creation are not restore). `run()` returns
 * the numbers for the bench runner.
 */
import { cpus, loadavg, tmpdir } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Materialized } from '../src/dsl/materialized.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { QueryableStoreTypes } from '../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../src/query/store-query-parameters.js';
import { Serdes } from '../src/serde/serdes.js';

export interface RestoreBenchResult {
  readonly keys: number;
  /** start() until RUNNING with the full changelog, ms. */
  readonly startWithRestoreMs: number;
  /** start() until RUNNING with an empty changelog, ms. */
  readonly startWithoutRestoreMs: number;
  /** keys / (startWithRestoreMs - startWithoutRestoreMs). Goal: >= 100,000. */
  readonly restoreRecordsPerSec: number;
  /** keys / startWithRestoreMs (start-up included). */
  readonly restoreRecordsPerSecIncludingStartup: number;
  readonly loadAverage: readonly number[];
  readonly cores: number;
}

async function timedStart(admin: KafkaAdmin, bootstrap: string, appId: string, input: string, keys: number, client: KafkaClient): Promise<number> {
  const changelog = `${appId}-store-changelog`;
  await admin.createTopics([{ name: changelog, partitions: 1, configs: { 'cleanup.policy': 'compact' } }]);
  if (keys > 0) {
    const producer = client.producer({ idempotent: true });
    await producer.connect();
    const value = Buffer.from('v'.repeat(40));
    for (let i = 0; i < keys; i += 50_000) {
      const inFlight: Promise<unknown>[] = [];
      for (let j = i; j < Math.min(keys, i + 50_000); j += 5_000) {
        const n = Math.min(5_000, keys - j);
        inFlight.push(producer.send(Array.from({ length: n }, (_, k) => ({ topic: changelog, key: Buffer.from(`key-${String(j + k).padStart(8, '0')}`), value }))));
      }
      await Promise.all(inFlight);
    }
    await producer.disconnect();
  }
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-restore-'));
  const builder = new StreamsBuilder();
  builder.table<string, string>(input, Materialized.as<string, string>('store'));
  const streams = new KafkaStreams(builder.build(), {
    'application.id': appId,
    'bootstrap.servers': bootstrap,
    'state.dir': stateDir,
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
  });
  try {
    const started = performance.now();
    await streams.start();
    const elapsed = performance.now() - started;
    // RUNNING means restored: the first and the last key of the changelog must be in the store.
    if (keys > 0) {
      const store = streams.store(StoreQueryParameters.fromNameAndType('store', QueryableStoreTypes.keyValueStore<string, string>()));
      for (const k of [0, keys - 1]) {
        if ((await store.get(`key-${String(k).padStart(8, '0')}`)) === undefined) throw new Error(`key ${k} is not in the store after the restore`);
      }
    }
    return elapsed;
  } finally {
    await streams.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

export async function run(options: { bootstrapServers?: string; keys?: number; log?: (line: string) => void } = {}): Promise<RestoreBenchResult> {
  const bootstrap = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrap === undefined || bootstrap === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (e.g. `scripts/kafka-local start` prints it)');
  const keys = options.keys ?? 1_000_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-restore' });
  const admin = client.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const input = `bench-restore-in-${tag}`;
  try {
    await admin.createTopics([{ name: input, partitions: 1 }]);
    const empty = await timedStart(admin, bootstrap, `bench-restore-empty-${tag}`, input, 0, client);
    log(`start with an empty changelog: ${Math.round(empty)} ms; producing ${keys} keys into the changelog ...`);
    const full = await timedStart(admin, bootstrap, `bench-restore-full-${tag}`, input, keys, client);
    const rate = Math.round(keys / (Math.max(1, full - empty) / 1000));
    log(`start with ${keys} keys to restore: ${Math.round(full)} ms → restore ${rate} records/s (goal >= 100,000)`);
    return {
      keys,
      startWithRestoreMs: Math.round(full),
      startWithoutRestoreMs: Math.round(empty),
      restoreRecordsPerSec: rate,
      restoreRecordsPerSecIncludingStartup: Math.round(keys / (full / 1000)),
      loadAverage: loadavg(),
      cores: cpus().length,
    };
  } finally {
    const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.includes(tag));
    await admin.deleteTopics(mine).catch(() => undefined);
    await admin.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const keys = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  run({ keys }).then((r) => console.log(JSON.stringify(r)), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
