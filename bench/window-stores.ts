/**
 * Micro-benchmark of the byte window and session stores (not a test): put and fetch throughput
 * of the LevelDB and in-memory implementations.
 *
 * Workload (a windowed count's): 1,000 keys x 100 tumbling 5-second windows = 100,000 windows with
 * 8-byte values, written window by window (stream-time order) with keys shuffled within each window.
 * Retention covers all windows (500 s: segments of 250 s, so 2 segments for LevelDB), except in the
 * "streaming with retention" line, where retention is 60 s and segments (of 60 s) are created and
 * dropped as the run goes. Sessions: the same keys, 100 one-second sessions each, 5 s apart; the
 * "step" line is a session aggregation's per-record work (merge search, then put) in time order.
 *
 * Two figures per operation: per wall-clock second and per CPU second of this process (all its
 * threads, LevelDB's included); the second moves less with other processes' load.
 *
 *   npx tsx bench/window-stores.ts [keys] [windows]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemorySessionStore } from '../src/state/in-memory-session-store.js';
import { InMemoryWindowStore } from '../src/state/in-memory-window-store.js';
import { LevelSessionStore } from '../src/state/level-session-store.js';
import { LevelWindowStore } from '../src/state/level-window-store.js';
import type { SessionStore } from '../src/state/session-store.js';
import type { WindowStore } from '../src/state/window-store.js';
import { SessionWindow, Windowed } from '../src/state/windowed.js';

const KEYS = Number(process.argv[2] ?? 1000);
const WINDOWS = Number(process.argv[3] ?? 100);
const SIZE = 5000;
const RETENTION = WINDOWS * SIZE;
const VALUE = Buffer.from('0000000000000001', 'hex');
const BATCH = 1000;

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const keys = Array.from({ length: KEYS }, (_, i) => Buffer.from(`customer-${String(i).padStart(6, '0')}`));
/** (key, window start) in stream-time order, keys shuffled within each window. */
const writes = Array.from({ length: WINDOWS }, (_, w) => shuffled(keys, w + 1).map((key) => ({ key, windowStartMs: w * SIZE }))).flat();
const total = writes.length;

type Result = [label: string, perWallSecond: number, perCpuSecond: number];

async function measure(label: string, operations: number, run: () => Promise<void>): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return [label, Math.round(operations / seconds), Math.round(operations / ((used.user + used.system) / 1e6))];
}

async function windowBenchmark(open: (retentionMs: number) => WindowStore<Buffer, Buffer>): Promise<Result[]> {
  const results: Result[] = [];
  let store = open(RETENTION);
  await store.init();
  results.push(await measure('window put (awaited, one at a time)', total, async () => {
    for (const { key, windowStartMs } of writes) await store.put(key, VALUE, windowStartMs);
  }));
  results.push(await measure(`window putAll (batches of ${BATCH}), overwriting`, total, async () => {
    for (let i = 0; i < total; i += BATCH) await store.putAll(writes.slice(i, i + BATCH).map(({ key, windowStartMs }) => ({ key, value: VALUE, windowStartMs })));
  }));
  const lookups = shuffled(writes, 99);
  results.push(await measure('window fetch(key, start) point lookups', total, async () => {
    for (const { key, windowStartMs } of lookups) if ((await store.fetch(key, windowStartMs)) === undefined) throw new Error('missing window');
  }));
  const perKey = 10;
  results.push(await measure(`window fetch(key, from, to) of ${perKey} windows (entries/s)`, KEYS * perKey * 10, async () => {
    for (let round = 0; round < 10; round++) {
      for (const key of keys) {
        const from = ((round * 7) % (WINDOWS - perKey)) * SIZE;
        let n = 0;
        for await (const _ of store.fetch(key, from, from + (perKey - 1) * SIZE)) n++;
        if (n !== perKey) throw new Error(`fetched ${n} windows`);
      }
    }
  }));
  let scanned = 0;
  results.push(await measure('window fetchAll(from, to) over all windows (entries/s)', total, async () => {
    for await (const _ of store.fetchAll(0, RETENTION)) scanned++;
  }));
  if (scanned !== total) throw new Error(`fetchAll saw ${scanned} of ${total}`);
  await store.close();

  store = open(60_000);
  await store.init();
  results.push(await measure('window put, streaming with 60 s retention', total, async () => {
    for (const { key, windowStartMs } of writes) await store.put(key, VALUE, windowStartMs);
  }));
  let live = 0;
  for await (const _ of store.all()) live++;
  if (live !== KEYS * (60_000 / SIZE)) throw new Error(`retention kept ${live} windows`);
  await store.close();
  return results;
}

async function sessionBenchmark(open: (run: number) => SessionStore<Buffer, Buffer>): Promise<Result[]> {
  const results: Result[] = [];
  const sessions = writes.map(({ key, windowStartMs }) => new Windowed(key, new SessionWindow(windowStartMs, windowStartMs + 1000)));
  let store = open(0);
  await store.init();
  results.push(await measure('session put (awaited, one at a time)', total, async () => {
    for (const session of sessions) await store.put(session, VALUE);
  }));
  await store.close();
  // A session aggregation's step, records in time order: search t ± gap for sessions to merge, then put.
  store = open(1);
  await store.init();
  results.push(await measure('session step: findSessions(key, t - gap, t + gap) + put', total, async () => {
    for (const session of sessions) {
      const t = session.window().start();
      for await (const _ of store.findSessions(session.key(), t - 2000, t + 2000)) throw new Error('sessions are 4 s apart');
      await store.put(session, VALUE);
    }
  }));
  // Out-of-order records: a search at a random past time reads every later session of the key
  // (end >= t - gap), as in Kafka Streams' layout, and keeps those with start <= t + gap.
  const searches = shuffled(writes, 7).slice(0, total / 10);
  results.push(await measure('session findSessions at random past times', searches.length, async () => {
    for (const { key, windowStartMs } of searches) {
      const t = windowStartMs + 500;
      let n = 0;
      for await (const _ of store.findSessions(key, t - 2000, t + 2000)) n++;
      if (n !== 1) throw new Error(`found ${n} sessions`);
    }
  }));
  await store.close();
  return results;
}

const directory = await mkdtemp(join(tmpdir(), 'kstreams-bench-window-'));
try {
  console.log(`Window/session store micro-benchmark: ${KEYS} keys x ${WINDOWS} windows = ${total} entries, Node ${process.version}\n`);
  let run = 0;
  const level = [
    ...(await windowBenchmark((retentionPeriodMs) => new LevelWindowStore('bench', join(directory, `w${run++}`), { retentionPeriodMs, windowSizeMs: SIZE }))),
    ...(await sessionBenchmark((n) => new LevelSessionStore('bench', join(directory, `s${n}`), { retentionPeriodMs: RETENTION }))),
  ];
  const memory = [
    ...(await windowBenchmark((retentionPeriodMs) => new InMemoryWindowStore('bench', { retentionPeriodMs, windowSizeMs: SIZE }))),
    ...(await sessionBenchmark(() => new InMemorySessionStore('bench', { retentionPeriodMs: RETENTION }))),
  ];
  const width = Math.max(...level.map(([label]) => label.length));
  const cell = (n: number): string => n.toLocaleString('en').padStart(12);
  console.log(`${''.padEnd(width)}  ${'LevelDB'.padStart(26)}  ${'in-memory'.padStart(26)}`);
  console.log(`${'operation'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${'ops/CPU-s'.padStart(12)}  ${'ops/s'.padStart(12)}  ${'ops/CPU-s'.padStart(12)}`);
  for (let i = 0; i < level.length; i++) {
    const [label, levelWall, levelCpu] = level[i]!;
    const [, memoryWall, memoryCpu] = memory[i]!;
    console.log(`${label.padEnd(width)}  ${cell(levelWall)}  ${cell(levelCpu)}  ${cell(memoryWall)}  ${cell(memoryCpu)}`);
  }
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
