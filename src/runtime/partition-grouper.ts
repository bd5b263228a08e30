import type { TopicPartition } from '../kafka/port.js';
import type { SubtopologyMetadata } from '../topology/topology-metadata.js';
import { taskIdOf, type TaskId } from './task.js';

/**
 * Tasks from partitions, as Kafka Streams' `PartitionGrouper`: one task per sub-topology per
 * partition number, holding that partition of every topic the sub-topology reads. Co-partitioned
 * topics therefore always travel together: partition 2 of `order` and of `address` are one task.
 * A sub-topology reading topics of different sizes gets max(count) tasks; task p holds partition p
 * of each topic that has one.
 */
export function groupPartitionsIntoTasks(
  subtopologies: readonly SubtopologyMetadata[],
  partitionsPerTopic: ReadonlyMap<string, number>,
): { tasks: Map<TaskId, TopicPartition[]>; missingTopics: string[] } {
  const tasks = new Map<TaskId, TopicPartition[]>();
  const missingTopics: string[] = [];
  for (const sub of subtopologies) {
    let count = 0;
    for (const topic of sub.sourceTopics) {
      const n = partitionsPerTopic.get(topic);
      if (n === undefined) missingTopics.push(topic);
      else count = Math.max(count, n);
    }
    for (let p = 0; p < count; p++) {
      const partitions: TopicPartition[] = [];
      for (const topic of sub.sourceTopics) {
        if ((partitionsPerTopic.get(topic) ?? 0) > p) partitions.push({ topic, partition: p });
      }
      tasks.set(taskIdOf(sub.id, p), partitions);
    }
  }
  return { tasks, missingTopics };
}

/** Which sub-topology reads a topic (a topic has exactly one reader in a topology). */
export function subtopologyBySourceTopic(subtopologies: readonly SubtopologyMetadata[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const sub of subtopologies) for (const topic of sub.sourceTopics) out.set(topic, sub.id);
  return out;
}

/** Groups assigned partitions into their tasks, e.g. to build tasks when no assignment userData arrived. */
export function tasksOfPartitions(
  partitions: readonly TopicPartition[],
  subtopologyOf: ReadonlyMap<string, number>,
): Map<TaskId, TopicPartition[]> {
  const out = new Map<TaskId, TopicPartition[]>();
  for (const tp of partitions) {
    const sub = subtopologyOf.get(tp.topic);
    if (sub === undefined) continue;
    const id = taskIdOf(sub, tp.partition);
    const list = out.get(id);
    if (list) list.push(tp);
    else out.set(id, [tp]);
  }
  return out;
}
