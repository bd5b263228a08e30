/**
 * The exactly-once crash test against a real broker (issue 6; see README "Exactly-once"):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx scripts/crash-test.ts --guarantee exactly_once_v2 --records 200000 --kills 10
 *   npx tsx scripts/crash-test.ts --guarantee at_least_once      # duplicates expected and counted
 *
 * Options: --guarantee exactly_once_v2|at_least_once (default exactly_once_v2), --records
 * (default 200000), --kills (default 10), --instances (default 3), --seed (replays the random
 * choices), --min-gap-ms / --max-gap-ms (time between kills, default 2000 / 7000),
 * --commit-interval-ms (default: the guarantee's), --app-log-level (the instances', default error),
 * --bootstrap (default KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:19092).
 *
 * Prints a summary (records, kills, duplicates found, missing found) and exits 1 on any loss,
 * on any duplicate under exactly_once_v2, or when the run could not finish; 0 otherwise.
 * The harness itself is test/integration/crash/harness.ts.
 */
import { parseArgs } from 'node:util';
import { stopLiveAppProcesses } from '../test/integration/apps/app-process.js';
import { formatSummary, runCrashTest, type Guarantee } from '../test/integration/crash/harness.js';

// Stopped by a signal (Ctrl-C, a CI timeout, kill PID): stop the instances by PID first, or they
// outlive the harness, keep their group membership and ports, and go on processing.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[crash-test] ${signal}: stopping the instances`);
    void stopLiveAppProcesses(5_000).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

const { values } = parseArgs({
  options: {
    guarantee: { type: 'string', default: 'exactly_once_v2' },
    records: { type: 'string', default: '200000' },
    kills: { type: 'string', default: '10' },
    instances: { type: 'string', default: '3' },
    seed: { type: 'string' },
    'min-gap-ms': { type: 'string', default: '2000' },
    'max-gap-ms': { type: 'string', default: '7000' },
    'commit-interval-ms': { type: 'string' },
    'app-log-level': { type: 'string', default: 'error' },
    bootstrap: { type: 'string', default: process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092' },
  },
});

const guarantee = values.guarantee === 'exactly_once' ? 'exactly_once_v2' : values.guarantee;
if (guarantee !== 'exactly_once_v2' && guarantee !== 'at_least_once') {
  console.error(`--guarantee must be exactly_once_v2 or at_least_once, got ${String(values.guarantee)}`);
  process.exit(2);
}
const num = (name: string, v: string | undefined): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${String(v)}`);
    process.exit(2);
  }
  return n;
};

try {
  const summary = await runCrashTest({
    bootstrapServers: values.bootstrap,
    guarantee: guarantee as Guarantee,
    records: num('records', values.records),
    kills: num('kills', values.kills),
    instances: num('instances', values.instances),
    ...(values.seed === undefined ? {} : { seed: num('seed', values.seed) }),
    ...(values['commit-interval-ms'] === undefined ? {} : { commitIntervalMs: num('commit-interval-ms', values['commit-interval-ms']) }),
    appLogLevel: values['app-log-level'],
    killGapMs: [num('min-gap-ms', values['min-gap-ms']), num('max-gap-ms', values['max-gap-ms'])],
  });
  for (const line of formatSummary(summary)) console.log(line);
  console.log(JSON.stringify(summary));
  process.exit(summary.passed ? 0 : 1);
} catch (e) {
  console.error(`crash test could not finish: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
}
