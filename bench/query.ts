/**
 * Throughput and latency of the GraphQL query server (a script, not a test): three instances in
 * three processes on loopback, each serving its partitions of a 6-partition `address` store of
 * 10,000 keys, load from autocannon in this process against instance 0:
 *
 * - `keyValue` of a key instance 0 owns (served locally),
 * - `keyValue` of a key instance 1 owns (forwarded to it),
 * - `keyValues` of 100 keys spread over the three owners (one local batch + two forwarded requests).
 *
 *   npx tsx bench/query.ts [seconds per case, default 8]
 *
 * With KSTREAMS_BENCH_PROFILE_DIR=<dir>, each instance writes a CPU profile (`--cpu-prof`) there.
 *
 * The instances are fake hosts over in-memory stores (test/query/fake-cluster.ts), not a running
 * KafkaStreams: this measures the query layer (HTTP, GraphQL, routing, forwarding, serdes), which
 * is what the figures are about; the store reads themselves are the in-memory store's.
 * The instances run with NODE_ENV=production (graphql-js and Apollo skip development checks).
 * Prints a table, then the results as one JSON line, and writes bench/results/query.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startQueryServer } from '../graphql/server.js';
import { FakeCluster } from '../test/query/fake-cluster.js';

const KEYS = 10_000;
const PARTITIONS = 6;
const INSTANCES = 3;
const CONNECTIONS = 16;
/** Linux's USER_HZ, the unit of /proc/<pid>/stat times (100 on every common platform). */
const CLOCK_TICKS_PER_SECOND = 100;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  errors: number;
  non2xx: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const keyOf = (i: number): string => `user-${String(i).padStart(5, '0')}`;

/** One instance: a fake cluster in which only host `index` is served, on `ports[index]`. */
async function serve(index: number, ports: number[]): Promise<void> {
  const cluster = await FakeCluster.create(INSTANCES, PARTITIONS);
  cluster.hosts.forEach((h, i) => (h.endpoint = `127.0.0.1:${ports[i]}`));
  for (let i = 0; i < KEYS; i++) {
    const key = keyOf(i);
    if (cluster.owner('address', key).index === index) await cluster.put('address', key, { street: `${i} Main St`, city: 'Springfield' });
  }
  await startQueryServer(cluster.hosts[index]!, { port: ports[index]!, host: '127.0.0.1' });
  // Exit (rather than die) on SIGTERM so that --cpu-prof writes its profile.
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write('ready\n');
}

/** User + system CPU time of the instance processes so far, in ms (Linux /proc; NaN elsewhere). */
async function instancesCpuMs(children: readonly ChildProcess[]): Promise<number> {
  let total = 0;
  for (const child of children) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name): utime, stime in clock ticks.
      const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS_PER_SECOND);
    } catch {
      return Number.NaN;
    }
  }
  return total;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const ports = await Promise.all(Array.from({ length: INSTANCES }, freePort));
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      const profile = process.env['KSTREAMS_BENCH_PROFILE_DIR'];
      const child = spawn(process.execPath, [...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]), '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', String(i), ports.join(',')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`instance ${i} exited with ${code}`)));
        createInterface({ input: child.stdout! }).on('line', (line) => line === 'ready' && resolve());
      });
    }
    const probe = await FakeCluster.create(INSTANCES, PARTITIONS);
    const ownedBy = (owner: number): string => keyOf([...Array(KEYS).keys()].find((i) => probe.owner('address', keyOf(i)).index === owner)!);
    const hundred = Array.from({ length: 100 }, (_, i) => keyOf(i * 97));
    const owners = new Set(hundred.map((k) => probe.owner('address', k).index));
    await probe.close();
    const url = `http://127.0.0.1:${ports[0]}/graphql`;
    const one = (key: string): string => JSON.stringify({ query: 'query($k: String!) { keyValue(store: "address", key: $k) { key value servedBy } }', variables: { k: key } });
    const cases = [
      { name: 'keyValue, served locally', body: one(ownedBy(0)), keysPerRequest: 1 },
      { name: 'keyValue, forwarded', body: one(ownedBy(1)), keysPerRequest: 1 },
      { name: `keyValues x100 (${owners.size} owners)`, body: JSON.stringify({ query: 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key value servedBy } }', variables: { k: hundred } }), keysPerRequest: 100 },
    ];
    const only = process.env['KSTREAMS_BENCH_QUERY_CASES']?.split(',');
    const results = [];
    for (const c of cases.filter((_, i) => only === undefined || only.includes(String(i)))) {
      await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body, connections: CONNECTIONS, duration: 2 });   // warm-up
      const cpuBefore = await instancesCpuMs(children);
      const r = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body: c.body, connections: CONNECTIONS, duration: seconds });
      const cpuMs = (await instancesCpuMs(children)) - cpuBefore;
      if (r.errors > 0 || r.non2xx > 0) throw new Error(`${c.name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
      results.push({
        case: c.name, requestsPerSecond: Math.round(r.requests.average), keysPerSecond: Math.round(r.requests.average * c.keysPerRequest), p50Ms: r.latency.p50, p99Ms: r.latency.p99,
        // CPU the three instances spent per request: comparable across runs on a loaded machine, where throughput is not.
        instanceCpuMsPerRequest: Number.isNaN(cpuMs) ? null : Number((cpuMs / r.requests.total).toFixed(3)),
      });
    }
    console.table(results);
    const out = { bench: 'query', connections: CONNECTIONS, seconds, keys: KEYS, partitions: PARTITIONS, instances: INSTANCES, cpus: cpus().length, loadavg: loadavg(), results };
    const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'query.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out));
  } finally {
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
}

if (process.argv[2] === '--serve') {
  await serve(Number(process.argv[3]), process.argv[4]!.split(',').map(Number));
} else {
  await main();
}
