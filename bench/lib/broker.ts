/**
 * The Kafka broker the benchmarks run against.
 *
 * - `KAFKA_BOOTSTRAP_SERVERS` set: that broker, untouched (its version is known when it is a
 *   `scripts/kafka-local` broker of this checkout).
 * - Otherwise the bench broker in `.kafka-local/run/bench`: reused when it already runs (another
 *   bench run owns it, so it is left running), else started fresh on free ports with throughput
 *   JVM flags, tied to this process (`--stop-with`) and stopped at the end with `kafka-local stop`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePortRange, runKafkaLocal, startKafkaLocal, stopKafkaLocal } from '../../scripts/kafka-local.d/control.js';

/**
 * kafka-local's defaults are tuned for fast starts in tests (`-XX:TieredStopAtLevel=1`: no C2
 * compiler). A benchmark wants the broker's steady state: the full JIT and a larger fixed heap;
 * the serial collector stays, since on 2 cores a concurrent collector competes with the clients.
 */
export const BENCH_JVM_OPTS = '-Xms1g -Xmx1g -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Djava.net.preferIPv4Stack=true';

/** The broker in use and how to let go of it. */
export interface BenchBroker {
  readonly bootstrapServers: string;
  /** e.g. 'Apache Kafka 4.1.2', or 'unknown' for an external broker. */
  readonly kafkaVersion: string;
  /** How the runner got it, for the report. */
  readonly origin: string;
  /** Stops the broker if this run started it. */
  release(): Promise<void>;
}

/** `running (1 of 1 node(s), Apache Kafka 4.1.2, DIR)` → `Apache Kafka 4.1.2`, plus the address line. */
async function status(dir: string): Promise<{ running: boolean; version?: string; address?: string }> {
  const result = await runKafkaLocal(['status', '--dir', dir], 60_000);
  const lines = result.stdout.trim().split('\n');
  const version = /(Apache Kafka [\w.-]+)/.exec(result.stdout)?.[1];
  return { running: result.code === 0, version, address: result.code === 0 ? lines.at(-1) : undefined };
}

export async function ensureBenchBroker(repoRoot: string, log: (line: string) => void): Promise<BenchBroker> {
  const given = process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (given !== undefined && given !== '') {
    const shared = await status(join(repoRoot, '.kafka-local/run/default'));
    const version = shared.address === given && shared.version !== undefined ? shared.version : 'unknown';
    return { bootstrapServers: given, kafkaVersion: version, origin: `KAFKA_BOOTSTRAP_SERVERS=${given}`, release: async () => undefined };
  }

  const dir = join(repoRoot, '.kafka-local/run/bench');
  const current = await status(dir);
  if (current.running && current.address !== undefined) {
    log(`bench broker already running at ${current.address} (${dir}); using it and leaving it running`);
    return { bootstrapServers: current.address, kafkaVersion: current.version ?? 'unknown', origin: `scripts/kafka-local (already running, ${dir})`, release: async () => undefined };
  }

  // A fresh run dir: no topics of earlier runs, and no recorded port that may be taken by now.
  await rm(dir, { recursive: true, force: true });
  process.env['KAFKA_LOCAL_JVM_OPTS'] = BENCH_JVM_OPTS;
  const startedAt = performance.now();
  let bootstrapServers: string | undefined;
  for (let attempt = 1; bootstrapServers === undefined; attempt++) {
    try {
      ({ bootstrapServers } = await startKafkaLocal({ dir, port: await freePortRange(2), stopWithPid: process.pid }));
    } catch (error) {
      // A port found free can be taken before the broker binds it: one more try.
      if (attempt >= 2 || !/already in use/.test(String(error))) throw error;
      await rm(dir, { recursive: true, force: true });
    }
  }
  const started = await status(dir);
  log(`started the bench broker at ${bootstrapServers} in ${((performance.now() - startedAt) / 1000).toFixed(1)} s (${dir})`);
  return {
    bootstrapServers,
    kafkaVersion: started.version ?? 'unknown',
    origin: `scripts/kafka-local start --dir .kafka-local/run/bench (single node, JVM: ${BENCH_JVM_OPTS})`,
    release: async () => {
      await stopKafkaLocal(dir);
      log('stopped the bench broker');
    },
  };
}
