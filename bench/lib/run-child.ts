/**
 * Runs one benchmark in its own process, within a time budget, and collects its result.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchEntry } from './registry.js';
import { lastJsonLine, storeTable } from './parse-output.js';

/** How one benchmark ended. */
export interface BenchOutcome {
  readonly status: 'ok' | 'failed' | 'timeout';
  readonly seconds: number;
  readonly result?: unknown;
  /** Why it failed (exit code and the last lines of its output). */
  readonly error?: string;
  /** Everything it printed (stdout and stderr interleaved as they came). */
  readonly output: string;
}

/** Options of {@link runBenchmark}. */
export interface RunOptions {
  readonly repoRoot: string;
  readonly scale: number;
  readonly bootstrapServers: string | undefined;
  /** Each output line as it comes (the runner prefixes and prints it). */
  readonly onLine: (line: string) => void;
}

const STOP_GRACE_MS = 10_000;

/**
 * Spawns the benchmark (`run()` through bench/lib/child.ts, or the file as a script) as a
 * process-group leader, so that on timeout the benchmark and any processes it started (the query
 * benchmark starts three servers) are stopped together: SIGTERM to the group, SIGKILL after a grace.
 */
export async function runBenchmark(entry: BenchEntry, options: RunOptions): Promise<BenchOutcome> {
  const invocation = entry.invocation(options.scale);
  const work = await mkdtemp(join(tmpdir(), `kstreams-bench-${entry.name}-`));
  const resultFile = join(work, 'result.json');
  const args = invocation.kind === 'run'
    ? ['--import', 'tsx', join(options.repoRoot, 'bench/lib/child.ts'), join(options.repoRoot, entry.file), resultFile]
    : ['--import', 'tsx', join(options.repoRoot, entry.file), ...invocation.args];
  const env: NodeJS.ProcessEnv = { ...process.env, KSTREAMS_LOG_LEVEL: process.env['KSTREAMS_LOG_LEVEL'] ?? 'warn' };
  if (options.bootstrapServers !== undefined) env['KAFKA_BOOTSTRAP_SERVERS'] = options.bootstrapServers;
  if (invocation.kind === 'run') env['BENCH_OPTIONS'] = JSON.stringify(invocation.options);

  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: options.repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const take = (chunk: string): void => {
    output += chunk;
    for (const line of chunk.split('\n')) if (line.trim() !== '') options.onLine(line);
  };
  child.stdout!.setEncoding('utf8').on('data', take);
  child.stderr!.setEncoding('utf8').on('data', take);
  let timedOut = false;
  let exited = false;
  // Signals go to the group only while its leader (our child) is alive, so the group id is
  // certainly still ours; a benchmark that exits normally stops its own helpers.
  const killGroup = (signal: NodeJS.Signals): void => {
    if (exited) return;
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  const budget = setTimeout(() => {
    timedOut = true;
    killGroup('SIGTERM');
    setTimeout(() => killGroup('SIGKILL'), STOP_GRACE_MS).unref();
  }, entry.budgetMs);
  child.once('exit', () => (exited = true));
  // 'close' comes after 'exit' once the output pipes are drained too.
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(budget);
  const seconds = Number(((performance.now() - started) / 1000).toFixed(1));

  try {
    const tail = output.trim().split('\n').slice(-15).join('\n');
    if (timedOut) return { status: 'timeout', seconds, output, error: `stopped after its budget of ${entry.budgetMs / 1000} s\n${tail}` };
    if (code !== 0) return { status: 'failed', seconds, output, error: `exit code ${code}\n${tail}` };
    let result: unknown;
    if (invocation.kind === 'run') result = JSON.parse(await readFile(resultFile, 'utf8')) as unknown;
    else if (invocation.output === 'store-table') result = storeTable(output);
    else result = lastJsonLine(output);
    if (result === undefined || (invocation.kind === 'script' && invocation.output === 'store-table' && (result as { rows: unknown[] }).rows.length === 0)) {
      return { status: 'failed', seconds, output, error: `finished but printed no result to read\n${tail}` };
    }
    return { status: 'ok', seconds, output, result };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
