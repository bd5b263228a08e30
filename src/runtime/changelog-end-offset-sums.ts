import type { PartitionOffsets } from '../kafka/port.js';
import type { TopologyMetadata } from '../topology/topology-metadata.js';
import { parseTaskId, type TaskId } from './task.js';

/**
 * For each stateful task, the sum over its changelog partitions (changelog topics of its
 * sub-topology's stores, and source topics reused as changelogs) of their end offsets: the
 * offset sum a client's copy of the task's state would report once fully caught up (clients
 * report the next offset to restore, summed the same way). One `listOffsets` per topic.
 */
export async function changelogEndOffsetSums(
  tasks: readonly TaskId[],
  metadata: TopologyMetadata,
  listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>,
): Promise<Map<TaskId, number>> {
  const topicsOf = new Map<number, string[]>();
  for (const t of metadata.internalTopics) if (t.kind === 'changelog') (topicsOf.get(t.writerSubtopology) ?? topicsOf.set(t.writerSubtopology, []).get(t.writerSubtopology)!).push(t.name);
  for (const s of metadata.subtopologies) for (const topic of s.sourceChangelogTopics ?? []) (topicsOf.get(s.id) ?? topicsOf.set(s.id, []).get(s.id)!).push(topic);
  const needed = new Set(tasks.flatMap((t) => topicsOf.get(parseTaskId(t).subtopology) ?? []));
  const ends = new Map<string, Map<number, number>>();
  await Promise.all([...needed].map(async (topic) => ends.set(topic, new Map((await listOffsets(topic)).map((o) => [o.partition, o.latest])))));
  const sums = new Map<TaskId, number>();
  for (const task of tasks) {
    const { subtopology, partition } = parseTaskId(task);
    const topics = topicsOf.get(subtopology);
    if (topics === undefined) continue;
    sums.set(task, topics.reduce((sum, topic) => sum + (ends.get(topic)?.get(partition) ?? 0), 0));
  }
  return sums;
}
