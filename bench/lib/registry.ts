/**
 * Which benchmarks `npm run bench` runs, with what sizes and time budgets, and how their results
 * are summarised.
 *
 * Convention: a benchmark is `bench/<name>.ts` exporting
 * `run(options: { bootstrapServers?: string; log?: (line: string) => void; ...sizes })` that
 * resolves with a JSON-serialisable result; the runner imports it in a child process and calls
 * it. Every such file is found and run, with default sizes and budget; an entry below adds its
 * sizes, budget and headline. A benchmark without `run()` runs only through an entry below, as a
 * script whose result is its last stdout line that parses as JSON (or, for the store
 * micro-benchmarks, their printed table); other scripts in bench/ (scratch profiling) are
 * ignored. Planned benchmarks whose file is not there yet are reported as missing, not failed.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { StoreTableRow } from './parse-output.js';

/** One figure of a benchmark's summary; `goal` is checked and shown beside it. */
export interface Headline {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly goal?: { readonly atLeast?: number; readonly atMost?: number; readonly text: string };
}

/** How the runner invokes a benchmark file. */
export type BenchInvocation =
  | { readonly kind: 'run'; readonly options: Readonly<Record<string, unknown>> }
  | { readonly kind: 'script'; readonly args: readonly string[]; readonly output: 'last-json-line' | 'store-table' };

/** A benchmark the runner knows about. */
export interface BenchEntry {
  readonly name: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly description: string;
  /** Needs the Kafka broker (the runner passes `bootstrapServers` / `KAFKA_BOOTSTRAP_SERVERS`). */
  readonly needsBroker: boolean;
  /** Sizes scale with `--scale` (1 = sized so the whole run fits in 15 minutes on 2 cores). */
  invocation(scale: number): BenchInvocation;
  /** Wall-clock budget for the child process; it is stopped when over. */
  readonly budgetMs: number;
  /** The figures worth a line in the summary; without it every numeric leaf of the result is listed. */
  headline?(result: unknown): Headline[];
}

const sized = (n: number, scale: number, min = 1): number => Math.max(min, Math.round(n * scale));
const MINUTE = 60_000;

interface FilterResult {
  records: number;
  bareRecordsPerSec: number;
  streamsRecordsPerSec: number;
  ratio: number;
  bareRecordsPerCpuSec?: number;
  streamsRecordsPerCpuSec?: number;
  sixPartitionsOneThreadRecordsPerSec: number;
  sixPartitionsTwoThreadsRecordsPerSec: number;
  ioBoundRecordsPerSecByThreads?: number[];
}

interface EosPair {
  atLeastOnceRecordsPerSec: number;
  exactlyOnceRecordsPerSec: number;
  ratio: number;
}

interface EosResult {
  filter: EosPair;
  aggregation: EosPair;
  footprint?: { partitions: number; atLeastOnceSockets: number; exactlyOnceSockets: number } | null;
}

interface KafkaPortResult {
  rows: { partitions: number; records: number; produce: { recordsPerSecond: number }; consume: { recordsPerSecond: number } }[];
}

interface QueryResult {
  results: { case: string; requestsPerSecond: number; keysPerSecond: number; p50Ms: number; p99Ms: number; forwardedPerRequest?: number }[];
  latency?: { localP50Ms: number; forwardedP50Ms: number; forwardingAddsP50Ms: number } | null;
  ratios?: { localOverPlainRequests?: number | null };
}

/** Wall-clock rates of both stores per operation (a single timed call, like approximateNumEntries(), is not a rate). */
const storeHeadlines = (result: unknown): Headline[] =>
  (result as { rows: StoreTableRow[] }).rows
    .filter((row) => !/approximateNumEntries/.test(row.operation))
    .flatMap((row) => {
      const unit = /entries\/s/.test(row.operation) ? 'entries/s' : 'ops/s';
      const operation = row.operation.replace(/\s*\(entries\/s\)/, '');
      return [
        { label: `${operation}: LevelDB`, value: row.levelOpsPerSec, unit },
        { label: `${operation}: in-memory`, value: row.memoryOpsPerSec, unit },
      ];
    });

/** The benchmarks of issues 2-8, in the order they run (cheap, broker-less ones first). */
export const knownBenchmarks: readonly BenchEntry[] = [
  {
    name: 'state-stores',
    file: 'bench/state-stores.ts',
    description: 'key-value stores: put, get, scan throughput of LevelDB and in-memory (100-byte values, keys in random order)',
    needsBroker: false,
    invocation: (scale) => ({ kind: 'script', args: [String(sized(50_000, scale, 1_000))], output: 'store-table' }),
    budgetMs: 4 * MINUTE,
    headline: storeHeadlines,
  },
  {
    name: 'window-stores',
    file: 'bench/window-stores.ts',
    description: 'window and session stores: put and fetch throughput of LevelDB and in-memory (keys x 5-second windows)',
    needsBroker: false,
    invocation: (scale) => ({ kind: 'script', args: [String(sized(500, scale, 20)), String(sized(50, scale, 20))], output: 'store-table' }),
    budgetMs: 4 * MINUTE,
    headline: storeHeadlines,
  },
  {
    name: 'query',
    file: 'bench/query.ts',
    description: 'GraphQL query server: keyValue local vs forwarded, keyValues of 100 keys, three instances under autocannon',
    needsBroker: false,
    invocation: (scale) => ({ kind: 'script', args: [String(sized(6, scale, 2))], output: 'last-json-line' }),
    headline: (result) => {
      const r = result as QueryResult;
      const lines = r.results.flatMap((c): Headline[] => {
        const batched = c.case.startsWith('keyValues');
        const forwarded = c.case.includes('forwarded');
        if (batched) {
          return [
            { label: `${c.case}: keys/s`, value: c.keysPerSecond, unit: 'keys/s', goal: { atLeast: 100_000, text: '>= 100,000' } },
            ...(c.forwardedPerRequest === undefined ? [] : [{ label: `${c.case}: forwarded requests per query`, value: c.forwardedPerRequest, unit: '' }]),
          ];
        }
        if (c.case.startsWith('plain')) return [{ label: `${c.case}: requests/s`, value: c.requestsPerSecond, unit: 'req/s' }];
        return [
          { label: `${c.case}: requests/s`, value: c.requestsPerSecond, unit: 'req/s', ...(forwarded ? {} : { goal: { atLeast: 5_000, text: '>= 5,000' } }) },
          { label: `${c.case}: p50`, value: c.p50Ms, unit: 'ms' },
          { label: `${c.case}: p99`, value: c.p99Ms, unit: 'ms', ...(forwarded ? {} : { goal: { atMost: 20, text: '<= 20' } }) },
        ];
      });
      if (r.latency !== undefined && r.latency !== null) {
        lines.push(
          { label: 'keyValue one at a time: local p50', value: r.latency.localP50Ms, unit: 'ms' },
          { label: 'keyValue one at a time: forwarded p50', value: r.latency.forwardedP50Ms, unit: 'ms' },
          { label: 'forwarding adds at p50', value: r.latency.forwardingAddsP50Ms, unit: 'ms', goal: { atMost: 2, text: '<= 2' } },
        );
      }
      const share = r.ratios?.localOverPlainRequests;
      if (share !== undefined && share !== null) lines.push({ label: 'local keyValue requests/s / bare node:http requests/s', value: share, unit: '' });
      return lines;
    },
    budgetMs: 4 * MINUTE,
  },
  {
    name: 'kafka-port',
    file: 'bench/kafka-port.ts',
    description: 'the kafkajs adapter alone: produce and group-consume of 100-byte records, 1 and 6 partitions',
    needsBroker: true,
    invocation: (scale) => ({ kind: 'run', options: { records: sized(100_000, scale, 1_000) } }),
    budgetMs: 4 * MINUTE,
    headline: (result) =>
      (result as KafkaPortResult).rows.flatMap((row): Headline[] => [
        { label: `produce, ${row.partitions} partition(s)`, value: row.produce.recordsPerSecond, unit: 'records/s' },
        { label: `consume, ${row.partitions} partition(s)`, value: row.consume.recordsPerSecond, unit: 'records/s' },
      ]),
  },
  {
    name: 'filter',
    file: 'bench/filter.ts',
    description: 'filter topology end to end on the broker beside a bare kafkajs consume-filter-produce loop (same data, same run); stream threads',
    needsBroker: true,
    invocation: (scale) => ({ kind: 'run', options: { records: sized(50_000, scale, 1_000) } }),
    budgetMs: 6 * MINUTE,
    headline: (result) => {
      const r = result as FilterResult;
      const lines: Headline[] = [
        { label: 'bare kafkajs loop', value: r.bareRecordsPerSec, unit: 'records/s' },
        { label: 'KafkaStreams filter, 1 thread', value: r.streamsRecordsPerSec, unit: 'records/s' },
        { label: 'KafkaStreams / bare', value: r.ratio, unit: 'ratio', goal: { atLeast: 0.8, text: '>= 0.80' } },
      ];
      if (r.bareRecordsPerCpuSec !== undefined && r.streamsRecordsPerCpuSec !== undefined) {
        lines.push({ label: 'KafkaStreams / bare, per client CPU second', value: r.streamsRecordsPerCpuSec / r.bareRecordsPerCpuSec, unit: 'ratio' });
      }
      lines.push(
        { label: '6 partitions, num.stream.threads=1', value: r.sixPartitionsOneThreadRecordsPerSec, unit: 'records/s' },
        { label: '6 partitions, num.stream.threads=2', value: r.sixPartitionsTwoThreadsRecordsPerSec, unit: 'records/s' },
      );
      for (const [i, n] of (r.ioBoundRecordsPerSecByThreads ?? []).entries()) {
        lines.push({ label: `I/O-bound processor (1 ms per record), ${i + 1} thread(s)`, value: n, unit: 'records/s' });
      }
      return lines;
    },
  },
  {
    name: 'eos',
    file: 'bench/eos.ts',
    description: 'filter and count-per-key topologies under exactly_once_v2 beside at_least_once (same run, default commit intervals)',
    needsBroker: true,
    invocation: (scale) => ({ kind: 'run', options: { records: sized(200_000, scale, 1_000) } }),
    budgetMs: 8 * MINUTE,
    headline: (result) => {
      const r = result as EosResult;
      return (
        [
          ['filter', r.filter],
          ['count per key', r.aggregation],
        ] as const
      ).flatMap(([name, p]): Headline[] => [
        { label: `${name}, at_least_once`, value: p.atLeastOnceRecordsPerSec, unit: 'records/s' },
        { label: `${name}, exactly_once_v2`, value: p.exactlyOnceRecordsPerSec, unit: 'records/s' },
        { label: `${name}, exactly-once / at-least-once`, value: p.ratio, unit: 'ratio', goal: { atLeast: 0.6, text: '>= 0.60 (EOS costs <= 40%)' } },
      ]).concat(
        r.footprint == null
          ? []
          : [
              { label: `sockets to the broker, filter over ${r.footprint.partitions} partitions, at_least_once`, value: r.footprint.atLeastOnceSockets, unit: 'sockets' },
              { label: `sockets to the broker, filter over ${r.footprint.partitions} partitions, exactly_once_v2`, value: r.footprint.exactlyOnceSockets, unit: 'sockets' },
            ],
      );
    },
  },
];

/**
 * Benchmarks the issues ask for whose files have not landed yet (expected names; a file of
 * another name is still found by the convention, and then its issue's line here can go).
 */
export const plannedBenchmarks: readonly { readonly name: string; readonly what: string }[] = [
  { name: 'stream-table-join', what: 'stream-table join records/s (issue 4; goal >= 60% of the filter topology)' },
  { name: 'restore', what: 'restore of a 1,000,000-key store from its changelog (issue 4; goal >= 100,000 records/s)' },
  { name: 'record-cache', what: 'hot-key aggregation with and without the record cache (issue 4)' },
  { name: 'window-count', what: 'tumbling count and session aggregation records/s (issue 5; goal >= 50% of filter)' },
];

/** A benchmark file found in `bench/` and how it will be run. */
export interface DiscoveredBenchmark {
  readonly entry: BenchEntry;
  /** False for a file found only by the convention (no entry above): default sizes and budget. */
  readonly known: boolean;
}

/** Every benchmark present under `benchDir`, known entries first (in their order), then the rest by name. */
export async function discoverBenchmarks(repoRoot: string, benchDir = join(repoRoot, 'bench')): Promise<{ present: DiscoveredBenchmark[]; missing: string[]; ignored: string[] }> {
  const files = (await readdir(benchDir, { withFileTypes: true }))
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && d.name !== 'run.ts' && !d.name.endsWith('.d.ts'))
    .map((d) => d.name)
    .sort();
  const present: DiscoveredBenchmark[] = [];
  const ignored: string[] = [];
  for (const entry of knownBenchmarks) if (files.includes(basename(entry.file))) present.push({ entry, known: true });
  for (const file of files) {
    if (knownBenchmarks.some((e) => basename(e.file) === file)) continue;
    const entry = conventionEntry(file, await readFile(join(benchDir, file), 'utf8'));
    if (entry === undefined) ignored.push(`bench/${file}`);
    else present.push({ entry, known: false });
  }
  const names = new Set(files.map((f) => f.replace(/\.ts$/, '')));
  const missing = plannedBenchmarks.filter((p) => !names.has(p.name)).map((p) => `bench/${p.name}.ts: ${p.what}`);
  return { present, missing, ignored };
}

/** An entry for a file that exports `run()` but has no entry above: default sizes, a generous budget. */
function conventionEntry(file: string, text: string): BenchEntry | undefined {
  const exportsRun = /export\s+(async\s+)?function\s+run\s*\(/.test(text) || /export\s+const\s+run\s*=/.test(text);
  if (!exportsRun) return undefined;
  const firstDocLine = /\/\*\*\s*\n\s*\*\s*(.+)/.exec(text)?.[1]?.trim() ?? '';
  return {
    name: file.replace(/\.ts$/, ''),
    file: `bench/${file}`,
    description: firstDocLine || '(no description)',
    needsBroker: /KAFKA_BOOTSTRAP_SERVERS|bootstrapServers/.test(text),
    invocation: () => ({ kind: 'run', options: {} }),
    budgetMs: 5 * MINUTE,
  };
}
