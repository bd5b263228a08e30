/**
 * `npm run bench`: every benchmark in bench/, one command.
 *
 *   npm run bench                      # all, sized to finish in under 15 minutes on 2 cores
 *   npm run bench -- --only filter,query
 *   npm run bench -- --scale 4         # bigger inputs, for a quiet machine
 *   npm run bench -- --list
 *
 * Starts the local Kafka broker when needed (see bench/lib/broker.ts), runs each benchmark in its
 * own process within its time budget (bench/lib/registry.ts), and writes
 * bench/results/<date>.json and bench/results/<date>.md. Exits non-zero when a benchmark failed
 * or ran over its budget; missing goals are reported, not failures.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError } from 'commander';
import { ensureBenchBroker, type BenchBroker } from './lib/broker.js';
import { machineInfo } from './lib/machine.js';
import { discoverBenchmarks } from './lib/registry.js';
import { headlineOf, markdownReport, type BenchReport, type BenchReportEntry } from './lib/report.js';
import { runBenchmark } from './lib/run-child.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const program = new Command('bench')
  .description('run every kstreams benchmark and write bench/results/<date>.json and .md')
  .option('--only <names>', 'comma-separated benchmark names to run', (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
  .option('--scale <factor>', 'multiply input sizes (1: fits 15 minutes on 2 cores)', (v: string) => {
    const n = Number(v);
    if (!(n > 0)) throw new InvalidArgumentError(`must be a positive number, but got '${v}'`);
    return n;
  }, 1)
  .option('--list', 'list the benchmarks found and exit')
  .option('--out-dir <dir>', 'where to write the results', join(repoRoot, 'bench/results'))
  .parse();
const options = program.opts<{ only?: string[]; scale: number; list?: boolean; outDir: string }>();

const log = (line: string): void => console.log(`bench: ${line}`);
const { present, missing, ignored } = await discoverBenchmarks(repoRoot);

if (options.list === true) {
  for (const { entry, known } of present) console.log(`${entry.name.padEnd(16)} ${entry.file.padEnd(26)} ${entry.needsBroker ? 'broker ' : '       '}${known ? '' : '(found by convention) '}${entry.description}`);
  for (const line of missing) console.log(`${'(missing)'.padEnd(16)} ${line}`);
  for (const file of ignored) console.log(`${'(ignored)'.padEnd(16)} ${file}: exports no run() and has no entry in bench/lib/registry.ts`);
  process.exit(0);
}

const unknown = (options.only ?? []).filter((name) => !present.some((p) => p.entry.name === name));
if (unknown.length > 0) {
  console.error(`bench: no benchmark named ${unknown.join(', ')} (found: ${present.map((p) => p.entry.name).join(', ')})`);
  process.exit(2);
}
const selected = present.filter((p) => options.only === undefined || options.only.includes(p.entry.name));

const startedAt = new Date();
const machine = machineInfo();
log(`${selected.length} benchmark(s) on ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage1m}`);

let broker: BenchBroker | undefined;
const entries: BenchReportEntry[] = [];
let interrupted = false;
const onSignal = (signal: NodeJS.Signals): void => {
  // The benchmark in flight is in its own process group and gets the same Ctrl-C from the
  // terminal; this process finishes the report with what it has and stops the broker.
  interrupted = true;
  log(`${signal}: stopping after the current benchmark`);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  if (selected.some((p) => p.entry.needsBroker)) broker = await ensureBenchBroker(repoRoot, log);
  for (const { entry } of selected) {
    const invocation = entry.invocation(options.scale);
    if (interrupted) {
      entries.push({ name: entry.name, file: entry.file, description: entry.description, invocation, status: 'skipped', seconds: 0, error: 'interrupted', headline: [] });
      continue;
    }
    log(`${entry.name}: ${entry.file} ${JSON.stringify(invocation)} (budget ${entry.budgetMs / 1000} s)`);
    const outcome = await runBenchmark(entry, {
      repoRoot,
      scale: options.scale,
      bootstrapServers: broker?.bootstrapServers,
      onLine: (line) => console.log(`  [${entry.name}] ${line}`),
    });
    log(`${entry.name}: ${outcome.status} after ${outcome.seconds} s`);
    entries.push({
      name: entry.name,
      file: entry.file,
      description: entry.description,
      invocation,
      status: outcome.status,
      seconds: outcome.seconds,
      ...(outcome.result !== undefined ? { result: outcome.result } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      headline: outcome.status === 'ok' ? headlineOf(entry, outcome.result) : [],
    });
  }
} finally {
  await broker?.release().catch((e: unknown) => log(`stopping the broker failed: ${(e as Error).message}`));
}

const finishedAt = new Date();
const report: BenchReport = {
  startedAt: startedAt.toISOString(),
  finishedAt: finishedAt.toISOString(),
  totalSeconds: Number(((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(1)),
  scale: options.scale,
  machine: { ...machine, loadAverage1mAtEnd: Number(loadavg()[0]!.toFixed(2)) },
  broker: broker === undefined ? null : { kafkaVersion: broker.kafkaVersion, origin: broker.origin },
  benchmarks: entries,
  missing,
};
// One file pair per run: the date, and the time so that two runs of a day both stay.
const stamp = startedAt.toISOString().slice(0, 19).replace(/:/g, '-');
await mkdir(options.outDir, { recursive: true });
const markdown = markdownReport(report);
await writeFile(join(options.outDir, `${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
await writeFile(join(options.outDir, `${stamp}.md`), markdown);
console.log(`\n${markdown}`);
log(`wrote ${join(options.outDir, `${stamp}.json`)} and .md in ${report.totalSeconds} s`);
process.exit(entries.every((e) => e.status === 'ok') ? 0 : 1);
