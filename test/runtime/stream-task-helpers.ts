import { resolveConfig, type StreamsConfigInput } from '../../src/config.js';
import type { ConsumedRecord, Header, ProducerRecord } from '../../src/kafka/port.js';
import type { TaskEnvironment } from '../../src/runtime/task.js';

/** A task environment that records what the task sends and counts, for StreamTask unit tests. */
export function testEnvironment(config: Partial<StreamsConfigInput> = {}, partitions: (topic: string) => number | undefined = () => undefined) {
  const sent: ProducerRecord[] = [];
  const metrics = new Map<string, number>();
  let now = 1_000_000;
  const env: TaskEnvironment = {
    config: resolveConfig({ 'application.id': 'task-test', 'bootstrap.servers': 'localhost:9092', ...config }),
    collector: { send: (r) => void sent.push(r) },
    clock: () => now,
    partitionsFor: partitions,
    metrics: { increment: (name, _task, by = 1) => void metrics.set(name, (metrics.get(name) ?? 0) + by) },
  };
  return { env, sent, metrics, setNow: (ms: number) => void (now = ms) };
}

export function consumed(topic: string, partition: number, offset: number, value: string | Buffer | null, timestamp: number, key: string | null = null, headers: Header[] = []): ConsumedRecord {
  return {
    topic,
    partition,
    offset,
    key: key === null ? null : Buffer.from(key),
    value: value === null ? null : typeof value === 'string' ? Buffer.from(value) : value,
    timestamp,
    headers,
  };
}
