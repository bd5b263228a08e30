/**
 * Child-process side of the bench runner for benchmarks that export `run()`:
 *
 *   node --import tsx bench/lib/child.ts <bench file> <result file>
 *
 * with the options as JSON in `BENCH_OPTIONS`. Calls `run({ ...options, bootstrapServers, log })`
 * and writes what it resolves with, as JSON, to the result file. Logs go to stdout, which the
 * runner shows and keeps; the result travels in the file, so nothing a benchmark prints can be
 * mistaken for it.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [file, resultFile] = process.argv.slice(2);
if (file === undefined || resultFile === undefined) {
  console.error('usage: child.ts <bench file> <result file>');
  process.exit(2);
}
const options = JSON.parse(process.env['BENCH_OPTIONS'] ?? '{}') as Record<string, unknown>;
const bootstrapServers = process.env['KAFKA_BOOTSTRAP_SERVERS'];
const module = (await import(pathToFileURL(resolve(file)).href)) as { run?: (options: Record<string, unknown>) => Promise<unknown> };
if (typeof module.run !== 'function') {
  console.error(`${file} exports no run() function`);
  process.exit(2);
}
const result = await module.run({
  ...options,
  ...(bootstrapServers !== undefined && bootstrapServers !== '' ? { bootstrapServers } : {}),
  log: (line: string) => console.log(line),
});
await writeFile(resultFile, `${JSON.stringify(result ?? null)}\n`);
// Kafka clients may leave sockets and timers behind after disconnecting; the benchmark is done.
process.exit(0);
