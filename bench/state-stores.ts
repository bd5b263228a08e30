/**
 * Micro-benchmark of the byte key-value stores (not a test): put, get and scan throughput of the
 * LevelDB and in-memory stores, 100,000 keys with 100-byte values, keys written in random order.
 *
 * Two figures per operation: operations per wall-clock second, and per CPU second of this
 * process (all its threads, LevelDB's included). On a shared machine the second moves much less
 * with other processes' load.
 *
 *   npx tsx bench/state-stores.ts [keys]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryKeyValueStore } from '../src/state/in-memory-key-value-store.js';
import type { KeyValueStore } from '../src/state/key-value-store.js';
import { LevelKeyValueStore } from '../src/state/level-key-value-store.js';

const KEYS = Number(process.argv[2] ?? 100_000);
const VALUE = Buffer.alloc(100, 0x61);
const BATCH = 1000;

/** Keys in a shuffled order (deterministic), so inserts land all over the key space. */
function shuffledKeys(n: number): Buffer[] {
  const keys = Array.from({ length: n }, (_, i) => Buffer.from(`key-${String(i).padStart(8, '0')}`));
  let seed = 12345;
  for (let i = n - 1; i > 0; i--) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const j = seed % (i + 1);
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return keys;
}

type Result = [label: string, perWallSecond: number, perCpuSecond: number];

async function measure(label: string, operations: number, run: () => Promise<void>): Promise<Result> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  return [label, Math.round(operations / seconds), Math.round(operations / cpuSeconds)];
}

async function benchmark(store: KeyValueStore<Buffer, Buffer>, keys: Buffer[]): Promise<Result[]> {
  const results: Result[] = [];
  await store.init();
  results.push(await measure('put (awaited, one at a time)', keys.length, async () => {
    for (const key of keys) await store.put(key, VALUE);
  }));
  results.push(await measure(`putAll (batches of ${BATCH})`, keys.length, async () => {
    for (let i = 0; i < keys.length; i += BATCH) await store.putAll(keys.slice(i, i + BATCH).map((key) => ({ key, value: VALUE })));
  }));
  results.push(await measure('get (awaited, one at a time)', keys.length, async () => {
    for (const key of keys) if ((await store.get(key)) === undefined) throw new Error('missing key');
  }));
  results.push(await measure('getMany (100 keys per call)', keys.length, async () => {
    for (let i = 0; i < keys.length; i += 100) await store.getMany(keys.slice(i, i + 100));
  }));
  let scanned = 0;
  results.push(await measure('scan all() with for await', keys.length, async () => {
    for await (const _ of store.all()) scanned++;
  }));
  if (scanned !== keys.length) throw new Error(`scan saw ${scanned} of ${keys.length} keys`);
  results.push(await measure('range of 100 keys x 1000 (entries/s)', 100 * 1000, async () => {
    const sorted = [...keys].sort(Buffer.compare);
    for (let i = 0; i < 1000; i++) {
      const from = sorted[(i * 97) % (sorted.length - 100)]!;
      let n = 0;
      for await (const _ of store.range(from)) if (++n === 100) break;
    }
  }));
  results.push(await measure('approximateNumEntries()', 1, async () => {
    if ((await store.approximateNumEntries()) !== keys.length) throw new Error('wrong count');
  }));
  await store.close();
  return results;
}

const directory = await mkdtemp(join(tmpdir(), 'kstreams-bench-'));
try {
  const keys = shuffledKeys(KEYS);
  console.log(`State store micro-benchmark: ${KEYS} keys, ${VALUE.length}-byte values, Node ${process.version}\n`);
  const level = await benchmark(new LevelKeyValueStore('bench', join(directory, 'level')), keys);
  const memory = await benchmark(new InMemoryKeyValueStore('bench'), keys);
  const width = Math.max(...level.map(([label]) => label.length));
  const cell = (n: number): string => n.toLocaleString('en').padStart(12);
  console.log(`${''.padEnd(width)}  ${'LevelDB'.padStart(26)}  ${'in-memory'.padStart(26)}`);
  console.log(`${'operation'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${'ops/CPU-s'.padStart(12)}  ${'ops/s'.padStart(12)}  ${'ops/CPU-s'.padStart(12)}`);
  for (let i = 0; i < level.length; i++) {
    const [label, levelWall, levelCpu] = level[i]!;
    const [, memoryWall, memoryCpu] = memory[i]!;
    console.log(`${label.padEnd(width)}  ${cell(levelWall)}  ${cell(levelCpu)}  ${cell(memoryWall)}  ${cell(memoryCpu)}`);
  }
  console.log(`\nload average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other processes' load lowers ops/s more than ops/CPU-s)`);
} finally {
  await rm(directory, { recursive: true, force: true });
}
