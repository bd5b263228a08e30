/** The bench runner's helpers (bench/lib): discovery by convention, output parsing, the Markdown report. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastJsonLine, numericLeaves, storeTable } from '../../bench/lib/parse-output.js';
import { discoverBenchmarks, knownBenchmarks, plannedBenchmarks } from '../../bench/lib/registry.js';
import { headlineOf, markdownReport, type BenchReport } from '../../bench/lib/report.js';

describe('storeTable', () => {
  it('reads the rows the store micro-benchmarks print, labels with digits and parentheses included', () => {
    const printed = [
      'State store micro-benchmark: 50000 keys, 100-byte values, Node v20.20.2',
      '',
      '                                                       LevelDB                   in-memory',
      'operation                                    ops/s     ops/CPU-s         ops/s     ops/CPU-s',
      'put (awaited, one at a time)                       21,034        24,870       301,551       305,112',
      'putAll (batches of 1000)                          181,220       190,003     1,002,441     1,010,000',
      'range of 100 keys x 1000 (entries/s)               30,326        35,000        84,596        90,001',
      'approximateNumEntries()                                 1             2         4,094         5,000',
      '',
      'load average 9.9 10.1 11.0 on 2 CPUs',
    ].join('\n');
    expect(storeTable(printed).rows).toEqual([
      { operation: 'put (awaited, one at a time)', levelOpsPerSec: 21_034, levelOpsPerCpuSec: 24_870, memoryOpsPerSec: 301_551, memoryOpsPerCpuSec: 305_112 },
      { operation: 'putAll (batches of 1000)', levelOpsPerSec: 181_220, levelOpsPerCpuSec: 190_003, memoryOpsPerSec: 1_002_441, memoryOpsPerCpuSec: 1_010_000 },
      { operation: 'range of 100 keys x 1000 (entries/s)', levelOpsPerSec: 30_326, levelOpsPerCpuSec: 35_000, memoryOpsPerSec: 84_596, memoryOpsPerCpuSec: 90_001 },
      { operation: 'approximateNumEntries()', levelOpsPerSec: 1, levelOpsPerCpuSec: 2, memoryOpsPerSec: 4_094, memoryOpsPerCpuSec: 5_000 },
    ]);
  });

  it('headlines both stores\' wall-clock rates, with entries/s where the label says so, and no single-call rows', () => {
    const entry = knownBenchmarks.find((e) => e.name === 'state-stores')!;
    const result = storeTable('put (awaited, one at a time)   10   11   20   21\nscan (entries/s)   30   31   40   41\napproximateNumEntries()   1   1   1   1\n');
    expect(headlineOf(entry, result)).toEqual([
      { label: 'put (awaited, one at a time): LevelDB', value: 10, unit: 'ops/s' },
      { label: 'put (awaited, one at a time): in-memory', value: 20, unit: 'ops/s' },
      { label: 'scan: LevelDB', value: 30, unit: 'entries/s' },
      { label: 'scan: in-memory', value: 40, unit: 'entries/s' },
    ]);
  });
});

describe('lastJsonLine and numericLeaves', () => {
  it('takes the last line that parses as JSON, skipping table lines that start with a bracket', () => {
    expect(lastJsonLine('{"a":1}\nprogress\n{"b":2}\n[table row | 3 ]\n')).toEqual({ b: 2 });
    expect(lastJsonLine('no json here\n')).toBeUndefined();
  });

  it('lists every numeric leaf with its path', () => {
    expect(numericLeaves({ a: 1, b: { c: [2, 'x', { d: 3 }] }, e: 'text', f: null })).toEqual([
      { path: 'a', value: 1 }, { path: 'b.c[0]', value: 2 }, { path: 'b.c[2].d', value: 3 },
    ]);
  });

  it('falls back to numeric leaves when a result does not have the shape the headline expects', () => {
    const filter = knownBenchmarks.find((e) => e.name === 'filter')!;
    expect(headlineOf(filter, { somethingElse: 5 })).toEqual([{ label: 'somethingElse', value: 5, unit: '' }]);
  });
});

describe('discoverBenchmarks', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'kstreams-bench-discovery-'));
    const bench = join(root, 'bench');
    await import('node:fs/promises').then((fs) => fs.mkdir(bench));
    await writeFile(join(bench, 'filter.ts'), 'export async function run() {}');
    await writeFile(join(bench, 'window-count.ts'), '/**\n * Tumbling count throughput.\n */\nexport async function run(o: { bootstrapServers?: string }) {}');
    await writeFile(join(bench, 'scratch.ts'), 'console.log(1);');
    await writeFile(join(bench, 'run.ts'), 'export async function run() {}');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds known entries and run() exporters, ignores scripts without an entry and run.ts, lists planned files that are missing', async () => {
    const { present, missing, ignored } = await discoverBenchmarks(root);
    expect(present.map((p) => [p.entry.name, p.known])).toEqual([['filter', true], ['window-count', false]]);
    const found = present[1]!.entry;
    expect(found.description).toBe('Tumbling count throughput.');
    expect(found.needsBroker).toBe(true);
    expect(found.invocation(1)).toEqual({ kind: 'run', options: {} });
    expect(ignored).toEqual(['bench/scratch.ts']);
    expect(missing).toHaveLength(plannedBenchmarks.length - 1);
    expect(missing.some((m) => m.startsWith('bench/window-count.ts'))).toBe(false);
    expect(missing.some((m) => m.startsWith('bench/restore.ts'))).toBe(true);
  });
});

describe('markdownReport', () => {
  const report: BenchReport = {
    startedAt: '2026-11-26T04:00:00.000Z',
    finishedAt: '2026-11-26T04:09:30.000Z',
    totalSeconds: 570,
    scale: 1,
    machine: { cores: 2, cpuModel: 'Test CPU', memoryGiB: 23.5, os: 'Linux 6.1', node: 'v20.20.2', loadAverage1m: 3.5, loadAverage1mAtEnd: 4.25 },
    broker: { kafkaVersion: 'Apache Kafka 4.1.2', origin: 'scripts/kafka-local' },
    benchmarks: [
      {
        name: 'filter', file: 'bench/filter.ts', description: 'filter', invocation: { kind: 'run' }, status: 'ok', seconds: 119.7,
        headline: [
          { label: 'KafkaStreams / bare', value: 0.75, unit: 'ratio', goal: { atLeast: 0.8, text: '>= 0.80' } },
          { label: 'bare kafkajs loop', value: 15_067.4, unit: 'records/s' },
        ],
      },
      { name: 'query', file: 'bench/query.ts', description: 'query', invocation: {}, status: 'timeout', seconds: 180, error: 'stopped after its budget of 180 s\nlast line', headline: [] },
    ],
    missing: ['bench/restore.ts: restore'],
  };

  it('states cores, Node and Kafka versions, and shows each figure with its goal checked', () => {
    const md = markdownReport(report);
    expect(md).toContain('# kstreams benchmarks, 2026-11-26 04:00 UTC');
    expect(md).toContain('- Machine: 2 cores (Test CPU), 23.5 GiB RAM, Linux 6.1; load average 3.5 at start, 4.25 at end');
    expect(md).toContain('- Node v20.20.2');
    expect(md).toContain('- Kafka: Apache Kafka 4.1.2, scripts/kafka-local');
    expect(md).toContain('- Total time: 9 min 30 s');
    expect(md).toContain('| filter | ok | 2 min 0 s | KafkaStreams / bare | 0.75 | >= 0.80 (**not met**) |');
    expect(md).toContain('|  |  |  | bare kafkajs loop | 15,067 records/s |  |');
    expect(md).toContain('| query | timeout | 3 min 0 s | stopped after its budget of 180 s |  |  |');
    expect(md).toContain('## Not present yet\n\n- bench/restore.ts: restore');
  });
});
