import type { ResolvedStreamsConfig } from '../config.js';
import type { ConsumedRecord, ProducerRecord, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';
import type { RecordCache } from '../state/record-cache.js';
import type { StateStore } from '../state/state-store.js';

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
  /**
   * The offset of the last record the broker acknowledged for `topic`-`partition` among the
   * records sent through this collector, or undefined when none was (Kafka's
   * `RecordCollector.offsets()`). Tasks read it in `postCommit()` (after the runtime flushed
   * the collector) to checkpoint their changelog partitions. Optional: a collector without it
   * makes tasks checkpoint only what they restored, so a restart re-reads what they wrote.
   */
  acknowledgedOffset?(topic: string, partition: number): number | undefined;
}

export interface TaskEnvironment {
  readonly config: ResolvedStreamsConfig;
  /**
   * The group's committed offsets, with their metadata, of the given partitions: a task reads
   * its partition times and processor metadata back from them before it starts processing.
   * Absent (the TopologyTestDriver): nothing to read back.
   */
  readonly committed?: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>;
  readonly collector: RecordCollector;
  /** Wall-clock time in ms (a mock clock in the TopologyTestDriver). */
  readonly clock: () => number;
  /** Partition count of a topic when known (lets `to()` with a custom partitioner work). */
  readonly partitionsFor?: (topic: string) => number | undefined;
  /** Counters the runtime exposes as metrics (records processed, skipped, dropped ...). */
  readonly metrics?: TaskMetricsSink;
  /**
   * The record cache of the stream thread running the task, shared by all its tasks (Kafka's
   * `ThreadCache`: `new RecordCache(config.cacheMaxBytes / config.numStreamThreads)`). When
   * absent, each task makes its own with the whole `statestore.cache.max.bytes`. With a budget
   * of 0 no store is cached.
   */
  readonly recordCache?: RecordCache;
  /**
   * The global stores of this instance by name (see `GlobalStateTask`); processors get them
   * from `context.getStateStore(name)` without connecting them. Absent: no global stores.
   */
  readonly globalStore?: (name: string) => unknown;
  /**
   * Told of every changelog record a task's stores send (after the collector got it): how
   * interactive queries follow store changes (`QueryHost.subscribeChanges`). Absent: no one is told.
   */
  readonly onChangelogRecord?: (topic: string, partition: number, key: Buffer, value: Buffer | null, timestamp: number) => void;
  /**
   * The warm in-memory stores this task's standby on this instance handed over (by store name),
   * when the task just became active here: the task builds on them and restores only the
   * changelog after their offsets. Absent: every store starts from its checkpoint or empty.
   */
  readonly warmStores?: ReadonlyMap<string, WarmStore>;
}

/**
 * An in-memory logged store of a standby, handed to the task's active copy on the same instance
 * (Kafka Streams recycles a standby's state managers into the active task the same way): its
 * innermost byte store, still open with everything applied, and the offset of the last
 * changelog record applied.
 */
export interface WarmStore {
  readonly store: StateStore;
  readonly offset: number;
}

/**
 * One changelog partition a task restores before it processes (a logged store of the task).
 * The runtime reads `topic`-`partition` from `checkpointOffset + 1` (from the beginning when
 * undefined) up to the end offset it finds when restoration starts (the last stable offset
 * under exactly-once), hands the records to `restoreBatch` in offset order, then calls
 * `markRestored()` once every partition of the task is done.
 */
export interface ChangelogPartition extends TopicPartition {
  /** The logged store whose changelog this is. */
  readonly storeName: string;
  /**
   * Offset of the last changelog record already in the local store (from the task
   * directory's `.checkpoint` file, or advanced by `restoreBatch`); undefined when nothing is
   * known (restore from the beginning).
   */
  readonly checkpointOffset: number | undefined;
  /**
   * True when the changelog is the task's source topic (`reuse.ktable.source.topics`): it is
   * restored, and followed by standbys, only up to the group's committed offset of the partition.
   */
  readonly sourceTopic?: boolean;
}

export interface TaskMetricsSink {
  increment(name: 'process' | 'skipped-records' | 'dropped-records' | 'deserialization-errors' | 'processing-errors' | 'dead-letter-records', taskId: TaskId, by?: number): void;
  /**
   * The consumer lag of one input partition as of the latest fetch (Kafka's `records-lag`: the
   * log end offset seen with the fetch minus the offset after its last record).
   */
  recordLag?(taskId: TaskId, partition: TopicPartition, lag: number): void;
}

export interface StreamTask {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
  /**
   * Opens the task's state: locks `state.dir/<application.id>/<taskId>` (persistent stores
   * only; throws StreamsException `STATE_DIR_LOCKED` when another live instance holds it), reads
   * its `.checkpoint`, opens and inits every store. Then:
   * - a task without logged stores calls every processor's `init()` and is RUNNING;
   * - a task with logged stores is RESTORING: the runtime restores `changelogPartitions()`
   *   through `restoreBatch` and calls `markRestored()`, which inits the processors. `process`
   *   and punctuation before that throw IllegalStateException.
   * Under exactly-once, the checkpoint file is deleted once read (the stores are dirty until
   * the next clean close writes it again), and a persistent store found without a checkpoint
   * is wiped before it opens (it may hold uncommitted writes) and restored from scratch.
   */
  initialize(): Promise<void>;
  /** True after `initialize()` until `markRestored()` (the task waits for its changelogs). */
  readonly restoring: boolean;
  /**
   * The changelog partitions of the task's logged stores, in store registration order, with
   * the offset restoration continues after. Empty for a task without logged stores. Valid
   * after `initialize()`.
   */
  changelogPartitions(): readonly ChangelogPartition[];
  /**
   * Applies changelog records of `topic`-`partition` (one of `changelogPartitions()`, records
   * in offset order) straight to the store's innermost byte store, bypassing its cache and
   * changelog (`null` values delete), and advances that partition's `checkpointOffset` to the
   * last record's offset. Only while restoring.
   * @throws IllegalStateException when the task is not restoring or the partition is not one of its changelogs
   */
  restoreBatch(topic: string, partition: number, records: readonly ConsumedRecord[]): Promise<void>;
  /**
   * The task's store named `name` as processors see it (typed, with its cache and changelog
   * layers), from `initialize()` until `close()`; undefined for another name. Interactive
   * queries and the TopologyTestDriver read stores through it.
   */
  store(name: string): StateStore | undefined;
  /**
   * Ends restoration: writes the checkpoint (at-least-once), calls every processor's `init()`
   * and makes the task RUNNING. A no-op for a task that is RUNNING already.
   */
  markRestored(): Promise<void>;
  /** Buffers fetched records of one of the task's partitions (offset order within the partition). */
  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[], highWatermark?: number): void;
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
  /**
   * Called after the offsets of `prepareCommit` were committed and the collector flushed:
   * under at-least-once, writes the `.checkpoint` file (changelog offsets from
   * `RecordCollector.acknowledgedOffset`).
   */
  postCommit(): Promise<void>;
  /**
   * Closes processors and state. Clean: flushes caches and stores (forwarding what the caches
   * held), closes the processors, writes the checkpoint, closes the stores and releases the
   * task directory lock. `clean: false` (lost task) forwards and flushes nothing further, writes
   * no checkpoint, closes the stores and releases the lock.
   */
  close(clean: boolean): Promise<void>;
}
