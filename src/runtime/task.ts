import type { ResolvedStreamsConfig } from '../config.js';
import type { ConsumedRecord, ProducerRecord, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';

/**
 * The boundary between the runtime (threads, consumers, commits, rebalances) and the task
 * that runs one sub-topology over one partition group. `KafkaStreams` and the
 * `TopologyTestDriver` run the same StreamTask; only the environment differs.
 */

/** Kafka Streams' task id, `<subtopology>_<partition>`, e.g. `0_2`. */
export type TaskId = string;

export function taskIdOf(subtopology: number, partition: number): TaskId {
  return `${subtopology}_${partition}`;
}

export function parseTaskId(id: TaskId): { subtopology: number; partition: number } {
  const [s, p] = id.split('_');
  return { subtopology: Number(s), partition: Number(p) };
}

/** Where a task's output goes: sinks and error handlers send through it, the runtime flushes it. */
export interface RecordCollector {
  /** Queues a record; it is sent by the runtime and acknowledged before offsets are committed. */
  send(record: ProducerRecord): void;
}

export interface TaskEnvironment {
  readonly config: ResolvedStreamsConfig;
  readonly collector: RecordCollector;
  /** Wall-clock time in ms (a mock clock in the TopologyTestDriver). */
  readonly clock: () => number;
  /** Partition count of a topic when known (lets `to()` with a custom partitioner work). */
  readonly partitionsFor?: (topic: string) => number | undefined;
  /** Counters the runtime exposes as metrics (records processed, skipped, dropped ...). */
  readonly metrics?: TaskMetricsSink;
}

export interface TaskMetricsSink {
  increment(name: 'process' | 'skipped-records' | 'dropped-records' | 'deserialization-errors' | 'processing-errors' | 'dead-letter-records', taskId: TaskId, by?: number): void;
}

export interface StreamTask {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
  /** Opens state and calls every processor's init(). */
  initialize(): Promise<void>;
  /** Buffers fetched records of one of the task's partitions (offset order within the partition). */
  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[]): void;
  /** Records buffered and not yet processed for a partition (the runtime pauses a partition over its limit). */
  bufferedCount(partition: TopicPartition): number;
  /**
   * Processes the next record: the head with the smallest timestamp across the task's partitions.
   * Resolves false when nothing is buffered. Deserialization and processing errors go to the
   * configured handlers; a 'fail' decision rejects with a StreamsException naming topic, partition, offset.
   */
  process(wallClockMs: number): Promise<boolean>;
  /** Fires due stream-time punctuators (stream time only advances as records are processed). */
  maybePunctuateStreamTime(): Promise<boolean>;
  /** Fires due wall-clock punctuators. */
  maybePunctuateSystemTime(wallClockMs: number): Promise<boolean>;
  /** True once a processor called `context.commit()` since the last commit. */
  commitRequested(): boolean;
  /**
   * Flushes caches and stores, so everything processed so far has been handed to the collector,
   * and returns the offsets to commit (next offset to read) of partitions that progressed.
   */
  prepareCommit(): Promise<TopicPartitionOffset[]>;
  /** Called after the offsets of `prepareCommit` were committed (checkpoints state). */
  postCommit(): Promise<void>;
  /** Closes processors and state. `clean: false` (lost task) must not flush anything further. */
  close(clean: boolean): Promise<void>;
}
