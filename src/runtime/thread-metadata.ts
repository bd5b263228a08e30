import type { TopicPartition } from '../kafka/port.js';
import type { TopologyMetadata } from '../topology/topology-metadata.js';
import type { StreamThreadState } from './stream-thread.js';
import { parseTaskId, type TaskId } from './task.js';

/** A task of a local thread (Kafka Streams' `TaskMetadata`): its id and input partitions. */
export interface TaskMetadata {
  readonly taskId: TaskId;
  readonly topicPartitions: readonly TopicPartition[];
}

/**
 * One stream thread of this client (Kafka Streams' `ThreadMetadata`, from
 * `KafkaStreams.metadataForLocalThreads()`): its name, state, and the tasks it holds.
 */
export interface ThreadMetadata {
  readonly threadName: string;
  readonly threadState: StreamThreadState;
  readonly activeTasks: readonly TaskMetadata[];
  /** Standby tasks the group gave this thread (kept warm by the client's one standby reader). */
  readonly standbyTasks: readonly TaskMetadata[];
}

/** A task's input partitions: its sub-topology's source topics at the task's partition. */
export function taskMetadata(id: TaskId, metadata: TopologyMetadata | undefined): TaskMetadata {
  const { subtopology, partition } = parseTaskId(id);
  const topics = metadata?.subtopologies.find((s) => s.id === subtopology)?.sourceTopics ?? [];
  return { taskId: id, topicPartitions: topics.map((topic) => ({ topic, partition })) };
}

/**
 * The smallest thread index not taken by `names` (`<clientId>-StreamThread-<index>`): as in
 * Kafka Streams, a thread added after one was removed gets the removed one's index back.
 */
export function nextThreadIndex(clientId: string, names: Iterable<string>): number {
  const prefix = `${clientId}-StreamThread-`;
  const used = new Set<number>();
  for (const name of names) if (name.startsWith(prefix)) used.add(Number(name.slice(prefix.length)));
  let index = 1;
  while (used.has(index)) index++;
  return index;
}
