import type { StreamsConfigInput } from '../../src/config.js';
import type { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import type { TestOutputTopic } from '../../src/test-driver/test-output-topic.js';
import { stringDefaults } from './string-config.js';

/** What the stateful DSL tests compare: key, value and timestamp of each output record, in order. */
export interface KeyValueTimestamp<K, V> {
  readonly key: K | null;
  readonly value: V | null;
  readonly timestamp: number;
}

/** Drains an output topic into `{ key, value, timestamp }` records. */
export function readAll<K, V>(output: TestOutputTopic<K, V>): KeyValueTimestamp<K, V>[] {
  return output.readRecordsToList().map(({ key, value, timestamp }) => ({ key, value, timestamp }));
}

/** `{ key, value, timestamp }`, short. */
export function kvt<K, V>(key: K | null, value: V | null, timestamp: number): KeyValueTimestamp<K, V> {
  return { key, value, timestamp };
}

/** Caching on (Kafka's default 10 MiB) or off (`statestore.cache.max.bytes` = 0, SEMANTICS §5.1). */
export const cacheModes = [
  ['uncached', 0],
  ['cached', 10 * 1024 * 1024],
] as const;

/** A test driver with string default serdes and the given cache size; close it with `await using`. */
export function stringDriver(builder: StreamsBuilder, cacheMaxBytes = 0, config: Partial<StreamsConfigInput> = {}): TopologyTestDriver {
  return new TopologyTestDriver(builder.build(), { ...stringDefaults, 'application.id': 'app', 'statestore.cache.max.bytes': cacheMaxBytes, ...config });
}

/** One input record for {@link pipeAndRead}: topic, key, value, timestamp. */
export type Input = readonly [topic: string, key: string | null, value: string | null, timestamp: number];

/**
 * Pipes each input (string keys and values) and reads what `output` got after it, so a test can
 * say which input produced which records.
 */
export async function pipeAndRead<V>(driver: TopologyTestDriver, output: TestOutputTopic<string, V>, inputs: readonly Input[]): Promise<KeyValueTimestamp<string, V>[][]> {
  const results: KeyValueTimestamp<string, V>[][] = [];
  for (const [topic, key, value, timestamp] of inputs) {
    await driver.createInputTopic(topic, Serdes.String(), Serdes.String()).pipeInput(key, value, timestamp);
    results.push(readAll(output));
  }
  return results;
}
