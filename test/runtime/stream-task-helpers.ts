import { resolveConfig, type StreamsConfigInput } from '../../src/config.js';
import type { ConsumedRecord, Header, ProducerRecord } from '../../src/kafka/port.js';
import { createStreamTask } from '../../src/runtime/stream-task.js';
import type { TaskEnvironment, TaskId } from '../../src/runtime/task.js';
import type { Topology } from '../../src/topology/topology.js';

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

/**
 * Task `taskId` of `topology` over one input partition, given `records` and processed until it is
 * idle or throws: the test environment, the task, and the error it threw (undefined if none).
 */
export async function processAll(topology: Topology, taskId: TaskId, partition: { topic: string; partition: number }, records: readonly ConsumedRecord[], config: Partial<StreamsConfigInput>) {
  const t = testEnvironment(config);
  const task = createStreamTask(topology, taskId, [partition], t.env);
  await task.initialize();
  task.addRecords(partition, records);
  let error: unknown;
  try {
    while (await task.process(0));
  } catch (e) {
    error = e;
  }
  return { ...t, task, error };
}
