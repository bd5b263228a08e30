/**
 * The exactly-once crash test (issue 6), shared by `scripts/crash-test.ts` (the full run: 200,000
 * records, 10+ kills) and test/integration/eos-crash.test.ts (a short one in `npm test`).
 *
 * Against a real broker: fresh 6-partition topics; 2-3 instances of apps/eos-crash-app.ts in
 * child processes; the known input produced while a random instance is SIGKILLed at random
 * moments and restarted on its state dir; then, once the group committed every input and
 * repartitioned record, the output topics (read_committed) and the stores (GraphQL) are checked
 * against the truth computed from the input. Under exactly_once_v2 any duplicate or loss fails the
 * run; under at_least_once duplicates are expected and counted, loss still fails.
 */
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { drainStatus } from './drain.js';
import { Fleet } from './fleet.js';
import { keyOf, recentInputModel, timestampOf, truth, valueOf, type InputModel, type Truth } from './input-model.js';
import { readKeyValueStore, readWindowStore, withRetries } from './store-query.js';
import { checkAggregate, checkMapped, checkStore, readCommitted, type AggregateCheck, type MappedCheck } from './verify.js';

export type Guarantee = 'at_least_once' | 'exactly_once_v2';

export interface CrashTestOptions {
  readonly bootstrapServers: string;
  readonly guarantee: Guarantee;
  readonly records: number;
  readonly kills: number;
  /** Instances (child processes); default 3. */
  readonly instances?: number;
  /** Seed of the random choices (which instance, how long between kills); default: from the clock. */
  readonly seed?: number;
  /** Gap between kills, drawn uniformly from [min, max] ms; default 2,000-7,000. */
  readonly killGapMs?: readonly [number, number];
  readonly sessionTimeoutMs?: number;
  readonly commitIntervalMs?: number;
  /** How long the application may take to catch up after the last kill; default 10 minutes. */
  readonly drainTimeoutMs?: number;
  /** The instances' log level (default 'error'; 'warn' shows the rebalances and retries). */
  readonly appLogLevel?: string;
  readonly log?: (line: string) => void;
}

export interface CrashTestSummary {
  readonly guarantee: Guarantee;
  readonly seed: number;
  readonly records: number;
  readonly instances: number;
  readonly kills: number;
  readonly durationMs: number;
  readonly mapped: MappedCheck;
  readonly sumsOutput: AggregateCheck;
  readonly windowsOutput: AggregateCheck;
  readonly sumsStore: AggregateCheck;
  readonly windowsStore: AggregateCheck;
  /** Input records seen twice in the output, plus aggregation keys whose output or store value ever exceeded the truth. */
  readonly duplicatesFound: number;
  /** Input records missing from the output, plus aggregation keys whose final output or store value is below the truth. */
  readonly missingFound: number;
  readonly passed: boolean;
  readonly failures: readonly string[];
}

const PARTITIONS = 6;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** mulberry32: a small seeded generator, so a run's choices can be replayed with --seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Produces the model's records in chunks of 2,000, spread over about `spreadMs` so kills find work in flight. */
export async function produceInput(kafka: Kafka, topic: string, model: InputModel, spreadMs: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const chunk = 2_000;
    const chunks = Math.ceil(model.records / chunk);
    const started = Date.now();
    for (let c = 0; c < chunks; c++) {
      const from = c * chunk;
      const to = Math.min(model.records, from + chunk);
      const messages = [];
      for (let i = from; i < to; i++) messages.push({ key: keyOf(i), value: valueOf(i), timestamp: String(timestampOf(model, i)) });
      await producer.send({ topic, messages });
      const due = started + ((c + 1) * spreadMs) / chunks;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  } finally {
    await producer.disconnect();
  }
}

export async function deleteRunTopics(admin: Admin, prefix: string): Promise<void> {
  const mine = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.startsWith(prefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine }).catch(() => undefined);
}

/** Waits until the group committed every input and repartitioned record (see drain.ts); fails early when an instance died. */
export async function waitDrained(admin: Admin, bootstrapServers: string, appId: string, input: string, fleet: Fleet, timeoutMs: number, log: (line: string) => void): Promise<void> {
  const repartition = `${appId}-by-group-repartition`;
  const deadline = Date.now() + timeoutMs;
  let lastLog = Date.now();
  for (;;) {
    const crashed = fleet.crashed();
    if (crashed !== undefined) throw new Error(crashed);
    const status = await drainStatus(admin, bootstrapServers, appId, input, repartition);
    if (status.done) return;
    if (Date.now() > deadline) throw new Error(`not drained in time: ${JSON.stringify(status)}\n${fleet.describe()}`);
    if (Date.now() - lastLog > 15_000) {
      log(`[crash-test]   committed input ${status.inputCommitted}/${status.inputEnd}, repartition ${status.repartitionCommitted}/${status.repartitionEnd}\n${fleet.describe(0)}`);
      lastLog = Date.now();
    }
    await sleep(1_000);
  }
}

export interface RunChecks {
  readonly mapped: MappedCheck;
  readonly sumsOutput: AggregateCheck;
  readonly windowsOutput: AggregateCheck;
  readonly sumsStore: AggregateCheck;
  readonly windowsStore: AggregateCheck;
  readonly duplicatesFound: number;
  readonly missingFound: number;
  /** Output records or store keys that no input record explains. */
  readonly unknown: number;
}

/** Reads the outputs (read_committed) and the stores (GraphQL) of a drained run and compares them with the truth. */
export async function verifyRun(bootstrapServers: string, topics: { mapped: string; sums: string; windows: string }, fleet: Fleet, records: number, expected: Truth): Promise<RunChecks> {
  const [mappedRecords, sumsRecords, windowRecords] = await Promise.all([topics.mapped, topics.sums, topics.windows].map((t) => readCommitted(bootstrapServers, t)));
  const mapped = checkMapped(mappedRecords ?? [], records);
  const sumsOutput = checkAggregate(sumsRecords ?? [], expected.sums);
  const windowsOutput = checkAggregate(windowRecords ?? [], expected.windowCounts);
  await fleet.waitAllRunning(0, 120_000);
  const sumsStore = checkStore(await withRetries(fleet.endpoints, 120_000, (e) => readKeyValueStore(e, 'sums')), expected.sums);
  const windowsStore = checkStore(await withRetries(fleet.endpoints, 120_000, (e) => readWindowStore(e, 'window-counts')), expected.windowCounts);
  return {
    mapped, sumsOutput, windowsOutput, sumsStore, windowsStore,
    duplicatesFound: mapped.duplicates + sumsOutput.intermediateAbove + windowsOutput.intermediateAbove + sumsStore.finalAbove + windowsStore.finalAbove,
    missingFound: mapped.missing + sumsOutput.finalBelow + windowsOutput.finalBelow + sumsStore.finalBelow + windowsStore.finalBelow,
    unknown: mapped.unknown + sumsOutput.unknown + windowsOutput.unknown + sumsStore.unknown + windowsStore.unknown,
  };
}

/**
 * Creates the run's topics and waits until the broker names a leader for every partition.
 * kafkajs's own wait (`waitForLeaders`) retries only LEADER_NOT_AVAILABLE and gives up on the
 * UNKNOWN_TOPIC_OR_PARTITION a KRaft broker answers for a moment after a creation (seen right
 * after the previous run's topics were deleted, on a loaded machine).
 */
async function createRunTopics(admin: Admin, names: readonly string[]): Promise<void> {
  await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: PARTITIONS })), waitForLeaders: false });
  const deadline = Date.now() + 60_000;
  for (;;) {
    let ready = false;
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
      ready = topics.length === names.length && topics.every((t) => t.partitions.length === PARTITIONS && t.partitions.every((p) => p.leader >= 0));
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (ready) return;
    if (Date.now() > deadline) throw new Error(`the run's topics ${names.join(', ')} have no leaders after 60 s`);
    await sleep(200);
  }
}

export async function runCrashTest(options: CrashTestOptions): Promise<CrashTestSummary> {
  const log = options.log ?? ((line: string) => console.log(line));
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const rand = random(seed);
  const size = options.instances ?? 3;
  const [gapMin, gapMax] = options.killGapMs ?? [2_000, 7_000];
  const started = Date.now();
  const appId = `crash-${options.guarantee.replace(/_/g, '-')}-${started.toString(36)}-${seed.toString(36)}`;
  const topics = { input: `${appId}-input`, mapped: `${appId}-mapped`, sums: `${appId}-sums`, windows: `${appId}-windows` };
  const kafka = new Kafka({ clientId: 'crash-test', brokers: options.bootstrapServers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let fleet: Fleet | undefined;
  try {
    await createRunTopics(admin, Object.values(topics));
    const model = recentInputModel(options.records);
    const expected = truth(model);
    log(`[crash-test] ${options.guarantee}: ${options.records} records over ${PARTITIONS} partitions (${expected.sums.size} groups, ${expected.windowCounts.size} key-windows), ${size} instances, ${options.kills} kills, seed ${seed}, app ${appId}`);

    fleet = await Fleet.start(
      { bootstrapServers: options.bootstrapServers, appId, guarantee: options.guarantee, topics, sessionTimeoutMs: options.sessionTimeoutMs ?? 6_000, logLevel: options.appLogLevel ?? 'error', ...(options.commitIntervalMs === undefined ? {} : { commitIntervalMs: options.commitIntervalMs }) },
      size,
      180_000,
    );
    await fleet.waitAllRunning(started, 180_000);
    log(`[crash-test] ${size} instances RUNNING after ${Date.now() - started} ms; producing input and killing`);

    // The input arrives over most of the kill phase, so every kill lands while work is in flight.
    const producing = produceInput(kafka, topics.input, model, options.kills * ((gapMin + gapMax) / 2) * 0.8);
    let producingDone = false;
    void producing.then(() => (producingDone = true), () => (producingDone = true));
    let kills = 0;
    const victims: string[] = [];
    while (kills < options.kills) {
      await sleep(gapMin + rand() * (gapMax - gapMin));
      const crashed = fleet.crashed();
      if (crashed !== undefined) throw new Error(crashed);
      const victim = Math.floor(rand() * size);
      const progress = fleet.process(victim).last('progress');
      await fleet.killAndRestart(victim);
      kills++;
      victims.push(`${victim}@${String(progress?.['processed'] ?? 0)}`);
    }
    await producing;
    log(`[crash-test] ${kills} kills (instance@records it had processed: ${victims.join(' ')}); input ${producingDone ? 'complete' : 'pending'}; waiting for the group to commit everything`);

    await waitDrained(admin, options.bootstrapServers, appId, topics.input, fleet, options.drainTimeoutMs ?? 600_000, log);
    log(`[crash-test] drained after ${Date.now() - started} ms; reading outputs (read_committed) and stores (GraphQL)`);
    const checks = await verifyRun(options.bootstrapServers, topics, fleet, options.records, expected);
    const { mapped, sumsOutput, windowsOutput, sumsStore, windowsStore, duplicatesFound, missingFound } = checks;
    const failures: string[] = [];
    if (missingFound > 0) failures.push(`${missingFound} missing (lost) records or aggregate values`);
    if (options.guarantee === 'exactly_once_v2' && duplicatesFound > 0) failures.push(`${duplicatesFound} duplicates under exactly_once_v2`);
    if (checks.unknown > 0) failures.push(`${checks.unknown} output records or store keys the input does not explain`);
    if (options.guarantee === 'exactly_once_v2' && mapped.zombie > 0) failures.push(`${mapped.zombie} records written by a zombie reached a read_committed reader`);
    return {
      guarantee: options.guarantee, seed, records: options.records, instances: size, kills, durationMs: Date.now() - started,
      mapped, sumsOutput, windowsOutput, sumsStore, windowsStore, duplicatesFound, missingFound, passed: failures.length === 0, failures,
    };
  } finally {
    await fleet?.stopAll();
    await deleteRunTopics(admin, appId);
    await admin.disconnect();
  }
}

/** The summary as printable lines. */
export function formatSummary(s: CrashTestSummary): string[] {
  const agg = (name: string, c: AggregateCheck): string =>
    `  ${name.padEnd(22)} ${c.keys} keys: ${c.finalBelow} below truth (loss), ${c.finalAbove} above (over-count ${c.overCount}), ${c.intermediateAbove} ever above${c.examples.length > 0 ? `; e.g. ${c.examples.slice(0, 3).join(', ')}` : ''}`;
  return [
    `crash test, ${s.guarantee}: ${s.records} records, ${s.instances} instances, ${s.kills} kills (SIGKILL), seed ${s.seed}, ${(s.durationMs / 1000).toFixed(0)} s`,
    `  mapped output          ${s.mapped.records} records: ${s.mapped.duplicates} duplicates, ${s.mapped.missing} missing, ${s.mapped.zombie} from a zombie`,
    agg('sums output', s.sumsOutput),
    agg('window-counts output', s.windowsOutput),
    agg('sums store', s.sumsStore),
    agg('window-counts store', s.windowsStore),
    `  duplicates found: ${s.duplicatesFound}${s.guarantee === 'at_least_once' ? ' (allowed under at_least_once)' : ''}; missing found: ${s.missingFound}`,
    s.passed ? '  PASSED' : `  FAILED: ${s.failures.join('; ')}`,
  ];
}
