/**
 * Small conversions between the port's flat topic-partition lists and kafkajs's per-topic shape.
 */
import type { TopicPartition, TopicPartitionOffset } from '../port.js';

export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition;
}

/** A map key for one partition (topic names cannot contain NUL). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** `[{ topic, partition }]` to kafkajs's `[{ topic, partitions: [..] }]`. */
export function partitionsByTopic(partitions: readonly TopicPartition[]): { topic: string; partitions: number[] }[] {
  const topics = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    let list = topics.get(topic);
    if (list === undefined) topics.set(topic, (list = []));
    list.push(partition);
  }
  return [...topics].map(([topic, ps]) => ({ topic, partitions: ps }));
}

/** Offsets to kafkajs's `[{ topic, partitions: [{ partition, offset }] }]` (offsets as strings). */
export function offsetsByTopic(offsets: readonly TopicPartitionOffset[]): { topic: string; partitions: { partition: number; offset: string; metadata?: string }[] }[] {
  const topics = new Map<string, { partition: number; offset: string; metadata?: string }[]>();
  for (const { topic, partition, offset, metadata } of offsets) {
    let list = topics.get(topic);
    if (list === undefined) topics.set(topic, (list = []));
    // kafkajs's OffsetCommit and TxnOffsetCommit encoders write a partition's `metadata` (null when absent).
    list.push({ partition, offset: String(offset), ...(metadata === undefined ? {} : { metadata }) });
  }
  return [...topics].map(([topic, partitions]) => ({ topic, partitions }));
}

/** `'a', 'b'`: topic or group names for error messages. */
export function quoted(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}
