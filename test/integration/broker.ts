/**
 * What integration tests need of the run's real Kafka broker (see global-setup.ts): its address,
 * a way to skip visibly when there is none, unique topic names, and plain kafkajs clients for
 * test code that sets up or inspects topics outside the code under test.
 */
import { Kafka, logLevel, type ITopicConfig } from 'kafkajs';
import { describe, inject } from 'vitest';
import { SKIP_ENV } from './global-setup.js';

/** Why there is no broker in this run (Java/Maven missing off CI), or undefined when there is one. */
export function brokerSkipReason(): string | undefined {
  const reason = inject('kafkaBrokerSkipReason') || process.env[SKIP_ENV];
  return reason !== undefined && reason !== '' ? reason : undefined;
}

/**
 * The run's bootstrap list (`127.0.0.1:port[,...]`).
 * @throws Error when the run has no broker; use {@link describeWithBroker} to skip instead
 */
export function bootstrapServers(): string {
  const address = inject('kafkaBootstrapServers') || process.env.KAFKA_BOOTSTRAP_SERVERS;
  if (address === undefined || address === '') {
    throw new Error(
      `no Kafka broker in this run (${brokerSkipReason() ?? 'KAFKA_BOOTSTRAP_SERVERS is not set and the integration global setup did not run'})`,
    );
  }
  return address;
}

/**
 * `describe` for suites that need the real broker: reported as skipped, with the reason in the
 * suite's name, when the run has none (Java/Maven missing on a developer machine; under CI=true
 * the global setup fails the run instead).
 */
export function describeWithBroker(name: string, body: () => void): void {
  const reason = brokerSkipReason();
  describe.skipIf(reason !== undefined)(reason === undefined ? name : `${name} [SKIPPED: ${reason}]`, body);
}

/** A topic name no other test or run uses: `<label>-<time>-<random>`. */
export function uniqueTopic(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** A kafkajs client on the run's broker for test plumbing (quiet: tests assert, they do not log). */
export function testKafka(clientId = 'kstreams-integration-test', brokers = bootstrapServers()): Kafka {
  return new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });
}

/** Options of {@link createTestTopic}. */
export interface TestTopicOptions {
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
  readonly brokers?: string;
}

/** Creates a uniquely named topic (waiting for its leaders) and returns its name. */
export async function createTestTopic(label: string, options: TestTopicOptions = {}): Promise<string> {
  const topic = uniqueTopic(label);
  const spec: ITopicConfig = {
    topic,
    numPartitions: options.partitions ?? 1,
    replicationFactor: options.replicationFactor ?? 1,
    configEntries: Object.entries(options.configs ?? {}).map(([name, value]) => ({ name, value })),
  };
  const admin = testKafka('kstreams-integration-admin', options.brokers).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [spec], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  return topic;
}

/** Deletes topics, ignoring ones already gone. */
export async function deleteTestTopics(topics: readonly string[], brokers?: string): Promise<void> {
  if (topics.length === 0) return;
  const admin = testKafka('kstreams-integration-admin', brokers).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [...topics] });
  } catch {
    // cleanup only: a topic that is already gone is what we wanted
  } finally {
    await admin.disconnect();
  }
}
