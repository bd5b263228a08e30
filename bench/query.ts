/**
 * Throughput and latency of the GraphQL query server (a script, not a test): three instances in
 * three processes on loopback, each serving its partitions of a 6-partition `address` store of
 * 10,000 keys, load from autocannon in this process against instance 0:
 *
 * - `keyValue` of a key instance 0 owns (served locally),
 * - `keyValue` of a key instance 1 owns (forwarded to it),
 * - `keyValues` of 100 keys spread over the three owners (one local batch + two forwarded requests,
 *   fewer when concurrent queries share them: see `forwardedPerRequest`),
 * - calibration: a bare `node:http` server in its own process sending a local keyValue's answer,
 *   the ceiling this machine reaches in this run (figures on this shared machine move by a
 *   quarter from one run to the next; compare against the ceiling of the same run).
 *
 *   npx tsx bench/query.ts [seconds per case, default 8]
 *
 * With KSTREAMS_BENCH_PROFILE_DIR=<dir>, each instance writes a CPU profile (`--cpu-prof`) there.
 *
 * The instances are fake hosts over in-memory stores (test/query/fake-cluster.ts), not a running
 * KafkaStreams: this measures the query layer (HTTP, GraphQL, routing, forwarding, serdes), which
 * is what the figures are about; the store reads themselves are the in-memory store's.
 * The instances run with NODE_ENV=production (graphql-js and Apollo skip development checks),
 * as JavaScript compiled by `tsc` (bench/tsconfig.query.json, into .bench-build/), which is what
 * an application runs: the package ships `tsc` output. Under tsx, every closure created per
 * request also pays esbuild's keep-names helper (an `Object.defineProperty`), and full tsx keeps a
 * CommonJS require hook that Apollo's per-request `require('crypto')` goes through.
 * Prints a table, then the results as one JSON line, and writes bench/results/query.json.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { startQueryServer } from '../graphql/server.js';
import { HttpJsonClient } from '../graphql/http-json-client.js';
import { FakeCluster } from '../test/query/fake-cluster.js';
import { freePort } from '../test/free-port.js';

const KEYS = 10_000;
const PLAIN_CASE = 'plain node:http, same answer (ceiling)';
const PARTITIONS = 6;
const INSTANCES = 3;
const CONNECTIONS = 16;
/** Sequential requests of each kind in the latency case. */
const LATENCY_REQUESTS = 2_000;
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
  // The group's map is fixed here; a KafkaStreams keeps it from the last rebalance, where the fake
  // would rebuild it from its stores on every query.
  const host = cluster.hosts[index]!;
  const groupMap = cluster.groupMap();
  host.instances = () => groupMap;
  await startQueryServer(host, { port: ports[index]!, host: '127.0.0.1' });
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

interface CaseResult {
  case: string;
  requestsPerSecond: number;
  keysPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  instanceCpuMsPerRequest: number | null;
  forwardedPerRequest: number;
}

/** autocannon against every target at once (connections split between them) for `seconds`, after a 2 s warm-up; figures summed over targets. */
/** Forwarded requests the instances have sent so far (their `kstreams_query_forwarded_requests_total`). */
async function forwardedSoFar(urls: readonly string[]): Promise<number> {
  let total = 0;
  for (const url of urls) {
    const text = await (await fetch(url.replace(/\/graphql$/, '/metrics'))).text();
    for (const m of text.matchAll(/^kstreams_query_forwarded_requests_total\{[^}]*\} (\d+)/gm)) total += Number(m[1]);
  }
  return total;
}

async function loadCase(children: readonly ChildProcess[], urls: readonly string[], name: string, targets: ReadonlyArray<{ url: string; body: string }>, keysPerRequest: number, seconds: number): Promise<CaseResult> {
  const connections = Math.max(1, Math.round(CONNECTIONS / targets.length));
  const fire = (duration: number): Promise<AutocannonResult[]> => Promise.all(targets.map((t) => autocannon({ url: t.url, method: 'POST', headers: { 'content-type': 'application/json' }, body: t.body, connections, duration })));
  await fire(2);
  const forwardedBefore = await forwardedSoFar(urls);
  const cpuBefore = await instancesCpuMs(children);
  const runs = await fire(seconds);
  const cpuMs = (await instancesCpuMs(children)) - cpuBefore;
  const forwarded = (await forwardedSoFar(urls)) - forwardedBefore;
  for (const r of runs) if (r.errors > 0 || r.non2xx > 0) throw new Error(`${name}: ${r.errors} errors, ${r.non2xx} non-2xx answers`);
  const perSecond = runs.reduce((sum, r) => sum + r.requests.average, 0);
  const total = runs.reduce((sum, r) => sum + r.requests.total, 0);
  return {
    case: name, requestsPerSecond: Math.round(perSecond), keysPerSecond: Math.round(perSecond * keysPerRequest),
    p50Ms: Math.max(...runs.map((r) => r.latency.p50)), p99Ms: Math.max(...runs.map((r) => r.latency.p99)),
    // CPU the three instances spent per request: comparable across runs on a loaded machine, where throughput is not.
    instanceCpuMsPerRequest: Number.isNaN(cpuMs) ? null : Number((cpuMs / total).toFixed(3)),
    // Concurrent queries' key batches for the same owner share forwarded requests (KeyBatchCoalescer).
    forwardedPerRequest: Number((forwarded / total).toFixed(2)),
  };
}

interface LatencyResult {
  requests: number;
  localP50Ms: number;
  localP99Ms: number;
  forwardedP50Ms: number;
  forwardedP99Ms: number;
  /** forwarded p50 - local p50: the goal is <= 2 ms. */
  forwardingAddsP50Ms: number;
}

/**
 * `count` local and `count` forwarded `keyValue` requests, one at a time, alternating, over one
 * kept-alive connection each, timed with sub-millisecond resolution (autocannon rounds to ms).
 */
async function alternatingLatency(url: string, local: string, forwarded: string, count: number): Promise<LatencyResult> {
  const client = new HttpJsonClient();
  const headers = { 'content-type': 'application/json' };
  const timed = async (body: string): Promise<number> => {
    const start = process.hrtime.bigint();
    const res = await client.send('POST', url, headers, body, 5_000);
    if (res.status !== 200 || res.body.includes('"errors"')) throw new Error(`latency case: HTTP ${res.status} ${res.body.slice(0, 200)}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  try {
    for (let i = 0; i < 200; i++) await Promise.all([timed(local), timed(forwarded)]);   // warm-up (also opens both connections)
    const [l, f]: [number[], number[]] = [[], []];
    for (let i = 0; i < count; i++) {
      l.push(await timed(local));
      f.push(await timed(forwarded));
    }
    const [lp50, fp50] = [percentile(l, 50), percentile(f, 50)];
    return { requests: count, localP50Ms: lp50, localP99Ms: percentile(l, 99), forwardedP50Ms: fp50, forwardedP99Ms: percentile(f, 99), forwardingAddsP50Ms: Number((fp50 - lp50).toFixed(3)) };
  } finally {
    client.close();
  }
}

/** Compiles this file and what it imports with `tsc` (about 15 s); returns the compiled entry point. */
async function compileInstances(): Promise<string> {
  const here = dirname(fileURLToPath(import.meta.url));
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawn(process.execPath, [tsc, '-p', join(here, 'tsconfig.query.json')], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`tsc -p bench/tsconfig.query.json exited with ${code}`);
  return join(here, '..', '.bench-build', 'bench', 'query.js');
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

function ratio(a: number | undefined, b: number | undefined): number | null {
  return a === undefined || b === undefined || b === 0 ? null : Number((a / b).toFixed(2));
}

async function main(): Promise<void> {
  const seconds = Number(process.argv[2] ?? 8);
  const ports = await Promise.all(Array.from({ length: INSTANCES }, freePort));
  const children: ChildProcess[] = [];
  try {
    const compiled = await compileInstances();
    for (let i = 0; i < INSTANCES; i++) {
      const profile = process.env['KSTREAMS_BENCH_PROFILE_DIR'];
      const child = spawn(process.execPath, [...(profile === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profile}`]), compiled, '--serve', String(i), ports.join(',')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
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
    const urls = ports.map((port) => `http://127.0.0.1:${port}/graphql`);
    const url = urls[0]!;
    const one = (key: string): string => JSON.stringify({ query: 'query($k: String!) { keyValue(store: "address", key: $k) { key value servedBy } }', variables: { k: key } });
    const batch = (keys: string[]): string => JSON.stringify({ query: 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key value servedBy } }', variables: { k: keys } });
    const [local, forwarded] = [one(ownedBy(0)), one(ownedBy(1))];
    const only = process.env['KSTREAMS_BENCH_QUERY_CASES']?.split(',');
    const wanted = (i: number): boolean => only === undefined || only.includes(String(i));
    const results: CaseResult[] = [];
    // 0, 1: throughput under load (16 connections to instance 0).
    if (wanted(0)) results.push(await loadCase(children, urls, 'keyValue, served locally', [{ url, body: local }], 1, seconds));
    if (wanted(1)) results.push(await loadCase(children, urls, 'keyValue, forwarded', [{ url, body: forwarded }], 1, seconds));
    // 2: what forwarding adds to a request's latency: one request at a time, local and forwarded alternating (same load on both).
    const latency = wanted(2) ? await alternatingLatency(url, local, forwarded, LATENCY_REQUESTS) : undefined;
    // 3: keyValues of 100 keys (each instance's own 100, spread over the three owners), load on all three instances at once.
    if (wanted(3)) {
      const targets = urls.map((u, i) => ({ url: u, body: batch(Array.from({ length: 100 }, (_, j) => keyOf((i * 31 + j * 97) % KEYS))) }));
      results.push(await loadCase(children, urls, `keyValues x100 (${owners.size} owners), all ${INSTANCES} instances`, targets, 100, seconds));
    }
    // 4: the machine's ceiling in this run: a bare node:http server (own process, same load) that
    // reads the body and sends a local keyValue's answer, with no GraphQL and no store behind it.
    if (wanted(4)) {
      const answer = await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: local })).text();
      const port = await freePort();
      const plain = spawn(process.execPath, [compiled, '--plain', String(port)], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
      children.push(plain);
      plain.stdin!.end(answer);
      await new Promise<void>((resolve, reject) => {
        plain.once('exit', (code) => reject(new Error(`plain server exited with ${code}`)));
        createInterface({ input: plain.stdout! }).on('line', (line) => line === 'ready' && resolve());
      });
      results.push(await loadCase([plain], [], PLAIN_CASE, [{ url: `http://127.0.0.1:${port}/graphql`, body: local }], 1, seconds));
    }
    console.table(results);
    if (latency !== undefined) console.table([latency]);
    const p50 = (name: string): number | undefined => results.find((r) => r.case === name)?.p50Ms;
    const ratios = {
      // Same run, same load: comparable where absolute figures on a shared machine are not.
      forwardedOverLocalP50Loaded: ratio(p50('keyValue, forwarded'), p50('keyValue, served locally')),
      forwardedOverLocalP50OneAtATime: latency === undefined ? null : Number((latency.forwardedP50Ms / latency.localP50Ms).toFixed(2)),
      // The local keyValue's throughput as a share of what the machine's bare node:http reached in this run.
      localOverPlainRequests: ratio(results.find((r) => r.case === 'keyValue, served locally')?.requestsPerSecond, results.find((r) => r.case === PLAIN_CASE)?.requestsPerSecond),
    };
    const out = {
      bench: 'query', backend: 'three processes, each a fake QueryHost over in-memory stores (test/query/fake-cluster.ts)',
      connections: CONNECTIONS, seconds, keys: KEYS, partitions: PARTITIONS, instances: INSTANCES, cpus: cpus().length, loadavg: loadavg(), results, latency: latency ?? null, ratios,
    };
    const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'query.json');
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out));
  } finally {
    for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGTERM');
  }
}

/** The calibration server of case 4: answers every request with the text read from stdin. */
async function servePlain(port: number): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const answer = Buffer.concat(chunks).toString('utf8');
  const server = createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(body).toString('utf8'));
      res.setHeader('content-type', 'application/json; charset=utf-8');
      res.setHeader('content-length', Buffer.byteLength(answer));
      res.end(answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  process.once('SIGTERM', () => process.exit(0));
  process.stdout.write('ready\n');
}

if (process.argv[2] === '--serve') {
  await serve(Number(process.argv[3]), process.argv[4]!.split(',').map(Number));
} else if (process.argv[2] === '--plain') {
  await servePlain(Number(process.argv[3]));
} else {
  await main();
}
