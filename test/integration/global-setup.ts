/**
 * Global setup of the `integration` vitest project: one real Kafka broker per test run.
 *
 * - `KAFKA_BOOTSTRAP_SERVERS` set: the tests use that broker (for example the shared dev broker,
 *   `KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka-local status | tail -1)`); nothing is started.
 * - Otherwise a fresh single-node broker is started with `scripts/kafka-local start` in a new
 *   temp run dir on free ports, and stopped (by the PID the script recorded) in teardown. It is
 *   also tied to this process (`--stop-with`), so a run killed before teardown leaves no broker.
 * - Java or Maven missing: under `CI=true` the run fails; on a developer machine a loud warning
 *   is printed and the suites written with `describeWithBroker` (test/integration/broker.ts)
 *   are reported as skipped.
 *
 * The address reaches test files both as `process.env.KAFKA_BOOTSTRAP_SERVERS` (test workers
 * start after this setup and inherit its environment) and through `inject('kafkaBootstrapServers')`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePortRange, KafkaLocalToolMissingError, startKafkaLocal, stopKafkaLocal } from '../../scripts/kafka-local.d/control.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap list of the run's broker; '' when the integration suites are skipped. */
    kafkaBootstrapServers: string;
    /** Why the integration suites are skipped; '' when a broker is there. */
    kafkaBrokerSkipReason: string;
  }
}

/** Environment flag that tells test/integration/broker.ts why there is no broker. */
export const SKIP_ENV = 'KSTREAMS_INTEGRATION_SKIP';

function banner(lines: readonly string[]): void {
  const rule = '!'.repeat(100);
  console.warn(['', rule, ...lines.map((line) => `!!  ${line}`), rule, ''].join('\n'));
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (given !== undefined && given !== '') {
    console.log(`integration: using the Kafka broker at ${given} (KAFKA_BOOTSTRAP_SERVERS)`);
    project.provide('kafkaBootstrapServers', given);
    project.provide('kafkaBrokerSkipReason', '');
    return undefined;
  }

  const dir = await mkdtemp(join(tmpdir(), 'kstreams-kafka-'));
  const startedAt = performance.now();
  let bootstrapServers: string | undefined;
  try {
    // Two tries: a port found free can be taken by someone else before the broker binds it.
    for (let attempt = 1; bootstrapServers === undefined; attempt++) {
      try {
        const port = await freePortRange(2);
        ({ bootstrapServers } = await startKafkaLocal({ dir, port, stopWithPid: process.pid }));
      } catch (error) {
        if (attempt >= 2 || error instanceof KafkaLocalToolMissingError || !/already in use/.test(String(error))) throw error;
      }
    }
  } catch (error) {
    if (!(error instanceof KafkaLocalToolMissingError)) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
    await rm(dir, { recursive: true, force: true });
    if (process.env.CI === 'true') {
      throw new Error(`CI=true and no Kafka broker: integration suites must run in CI, not skip. ${error.detail}`, { cause: error });
    }
    const reason = `no Kafka broker: ${error.detail}`;
    banner([
      'INTEGRATION SUITES SKIPPED: no real Kafka broker could be started.',
      error.detail,
      'Install a Java 17+ runtime and Apache Maven, or set KAFKA_BOOTSTRAP_SERVERS to a running broker.',
    ]);
    process.env[SKIP_ENV] = reason;
    project.provide('kafkaBootstrapServers', '');
    project.provide('kafkaBrokerSkipReason', reason);
    return undefined;
  }

  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`integration: started a Kafka broker at ${bootstrapServers} in ${seconds}s (scripts/kafka-local, run dir ${dir})`);
  process.env.KAFKA_BOOTSTRAP_SERVERS = bootstrapServers;
  project.provide('kafkaBootstrapServers', bootstrapServers);
  project.provide('kafkaBrokerSkipReason', '');

  return async () => {
    delete process.env.KAFKA_BOOTSTRAP_SERVERS;
    await stopKafkaLocal(dir);
    await rm(dir, { recursive: true, force: true });
  };
}
