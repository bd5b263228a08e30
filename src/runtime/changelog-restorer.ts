import type { Logger } from 'pino';
import { groupByPartition, isOffsetOutOfRange, partitionKey } from './changelog-batches.js';
import { IllegalStateException } from '../errors.js';
import type { ConsumedRecord, KafkaClient, PartitionOffsets, PartitionReader, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';
import type { StateRestoreListener } from './state-restore-listener.js';
import type { StreamTask } from './task.js';

export interface ChangelogRestorerOptions {
  readonly client: KafkaClient;
  /** Under exactly-once only committed changelog records are restored. */
  readonly readCommitted: boolean;
  /** Earliest and latest offsets of every partition of a topic (the admin's `listOffsets`). */
  readonly listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>;
  /**
   * The application's committed offsets of the given partitions (-1 where none): a changelog
   * that is a source topic is restored only up to its committed offset.
   */
  readonly committedOffsets?: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>;
  readonly log: Logger;
  /** Told about every changelog partition's restoration (the user's listener and the progress report). */
  readonly listener?: StateRestoreListener;
}

interface PendingPartition {
  readonly task: StreamTask;
  readonly storeName: string;
  readonly topic: string;
  readonly partition: number;
  /** Where reading starts: the checkpoint + 1, or the log start. */
  readonly from: number;
  /**
   * Restore up to (excluding) this offset: the log end when restoration started, or for a
   * source-topic changelog the committed offset if lower.
   */
  readonly end: number;
  /** The next offset to restore (advances with every batch). */
  next: number;
  restored: number;
}


/**
 * Brings restoring tasks' stores up to date from their changelogs (Kafka Streams' `StoreChangelogReader`,
 * active tasks only): each changelog partition is read from the task's checkpoint + 1 (or from the
 * start) up to the log end found when restoration began, through one partition reader per thread.
 * A changelog that is the task's source topic (`reuse.ktable.source.topics`) is read only up to
 * the application's committed offset of the partition (none committed: nothing), as Kafka's
 * `StoreChangelogReader` does: the task processes the records after it again, so the store must
 * not hold them yet.
 * The stream thread calls `step()` from its loop, so restoring never blocks the consumer's fetches
 * and heartbeats; tasks that are done are handed back to be processed.
 *
 * A partition is done when the reader's position (which moves past transaction markers and
 * aborted records too) reaches that end, or the last stable offset the latest fetch reported:
 * under exactly-once the log may end in a commit or abort marker, which is never delivered, and
 * only committed records are restored (read_committed).
 */
export class ChangelogRestorer {
  readonly #o: ChangelogRestorerOptions;
  #reader: PartitionReader | undefined;
  readonly #pending = new Map<string, PendingPartition>();
  /** Restoring tasks and how many of their changelog partitions are not done yet. */
  readonly #remaining = new Map<StreamTask, number>();

  constructor(options: ChangelogRestorerOptions) {
    this.#o = options;
  }

  /** True while some task waits for its changelogs. */
  get active(): boolean {
    return this.#remaining.size > 0;
  }

  /**
   * Starts restoring `tasks` (all `restoring`). Tasks with nothing to restore are marked restored
   * at once and returned.
   */
  async start(tasks: readonly StreamTask[]): Promise<StreamTask[]> {
    const done: StreamTask[] = [];
    const offsetsByTopic = new Map<string, readonly PartitionOffsets[]>();
    const committed = await this.#committedOffsetsOfSourceChangelogs(tasks);
    for (const task of tasks) {
      let remaining = 0;
      for (const cp of task.changelogPartitions()) {
        let offsets = offsetsByTopic.get(cp.topic);
        if (offsets === undefined) {
          offsets = await this.#o.listOffsets(cp.topic);
          offsetsByTopic.set(cp.topic, offsets);
        }
        const range = offsets.find((o) => o.partition === cp.partition);
        if (range === undefined) throw new Error(`Changelog partition ${cp.topic}-${cp.partition} of task ${task.id} does not exist`);
        // A checkpoint below the log start (records cleaned) restores what is left.
        const from = Math.max(range.earliest, cp.checkpointOffset === undefined ? range.earliest : cp.checkpointOffset + 1);
        const end = cp.sourceTopic === true ? Math.min(range.latest, Math.max(0, committed.get(partitionKey(cp.topic, cp.partition)) ?? -1)) : range.latest;
        if (from >= end) continue;
        this.#pending.set(partitionKey(cp.topic, cp.partition), { task, storeName: cp.storeName, topic: cp.topic, partition: cp.partition, from, end, next: from, restored: 0 });
        remaining++;
        this.#o.log.info({ task: task.id, store: cp.storeName, changelog: `${cp.topic}-${cp.partition}`, from, to: end, ...(cp.sourceTopic === true ? { sourceTopic: true } : {}) }, 'restoring store from its changelog');
        this.#o.listener?.onRestoreStart({ topic: cp.topic, partition: cp.partition }, cp.storeName, from, end);
      }
      if (remaining === 0) {
        await task.markRestored();
        done.push(task);
      } else {
        this.#remaining.set(task, remaining);
      }
    }
    if (this.#pending.size > 0) {
      this.#reader ??= this.#o.client.reader({ readCommitted: this.#o.readCommitted });
      // Partitions already under way (tasks that started restoring earlier) go on where they are.
      await this.#reader.assign([...this.#pending.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next })));
    }
    return done;
  }

  /** Committed offsets of the source-topic changelogs of `tasks`, by partition key. */
  async #committedOffsetsOfSourceChangelogs(tasks: readonly StreamTask[]): Promise<Map<string, number>> {
    const partitions = tasks.flatMap((t) => t.changelogPartitions().filter((cp) => cp.sourceTopic === true).map((cp) => ({ topic: cp.topic, partition: cp.partition })));
    if (partitions.length === 0) return new Map();
    if (this.#o.committedOffsets === undefined) throw new IllegalStateException('Restoring a store from its source topic needs the committed offsets, but the restorer was given no committedOffsets()');
    const offsets = await this.#o.committedOffsets(partitions);
    return new Map(offsets.map((o) => [partitionKey(o.topic, o.partition), o.offset]));
  }

  /** Reads and applies what is available (waiting at most `maxWaitMs`); returns the records restored and the tasks now done. */
  async step(maxWaitMs: number): Promise<{ restored: number; done: StreamTask[] }> {
    const reader = this.#reader;
    if (reader === undefined || this.#pending.size === 0) return { restored: 0, done: [] };
    let records: ConsumedRecord[];
    try {
      records = await reader.poll(maxWaitMs);
    } catch (e) {
      if (!isOffsetOutOfRange(e)) throw e;
      return { restored: 0, done: await this.#skipDeletedRecords(reader) };
    }
    const byPartition = groupByPartition(records);
    let restored = 0;
    const done: StreamTask[] = [];
    for (const [k, list] of byPartition) {
      const p = this.#pending.get(k);
      if (p === undefined) continue;
      const inRange = list.filter((r) => r.offset < p.end);
      if (inRange.length > 0) {
        await p.task.restoreBatch(p.topic, p.partition, inRange);
        p.restored += inRange.length;
        restored += inRange.length;
        this.#o.listener?.onBatchRestored({ topic: p.topic, partition: p.partition }, p.storeName, (inRange.at(-1) as ConsumedRecord).offset, inRange.length);
      }
    }
    // Every pending partition, also those that returned nothing: a fetch may only have moved
    // the position past a transaction marker.
    for (const [k, p] of [...this.#pending]) {
      const position = reader.position(p.topic, p.partition);
      if (position === undefined) continue;
      p.next = Math.max(p.next, position);
      const stable = reader.endOffset(p.topic, p.partition);
      if (p.next >= p.end || (stable !== undefined && p.next >= stable)) {
        const task = await this.#partitionDone(k, p);
        if (task !== undefined) done.push(task);
      }
    }
    return { restored, done };
  }

  /** Marks one changelog partition restored; returns its task when that was the task's last one. */
  async #partitionDone(k: string, p: PendingPartition): Promise<StreamTask | undefined> {
    this.#pending.delete(k);
    this.#o.log.info({ task: p.task.id, changelog: `${p.topic}-${p.partition}`, records: p.restored }, 'changelog partition restored');
    this.#o.listener?.onRestoreEnd({ topic: p.topic, partition: p.partition }, p.storeName, p.restored);
    const left = (this.#remaining.get(p.task) ?? 1) - 1;
    if (left > 0) {
      this.#remaining.set(p.task, left);
      return undefined;
    }
    this.#remaining.delete(p.task);
    await p.task.markRestored();
    return p.task;
  }

  /**
   * The broker deleted changelog records the restoration had not read yet: a windowed store's
   * changelog is `compact,delete` with a time retention, so segments whose records are older than
   * the store's retention plus a day go while we read. Those records belong to windows the store
   * would have expired anyway, so restoration goes on from the new log start (Kafka Streams wipes
   * the store and restores from the log start; what we restored before the gap is as expired as
   * what was deleted, and the store drops it by retention). Partitions with nothing left are done.
   */
  async #skipDeletedRecords(reader: PartitionReader): Promise<StreamTask[]> {
    const done: StreamTask[] = [];
    const byTopic = new Map<string, readonly PartitionOffsets[]>();
    for (const [k, p] of [...this.#pending]) {
      let offsets = byTopic.get(p.topic);
      if (offsets === undefined) byTopic.set(p.topic, (offsets = await this.#o.listOffsets(p.topic)));
      const earliest = offsets.find((o) => o.partition === p.partition)?.earliest ?? p.next;
      if (earliest <= p.next) continue;
      this.#o.log.warn({ task: p.task.id, changelog: `${p.topic}-${p.partition}`, from: p.next, logStart: earliest }, 'changelog records were deleted by retention during restoration; restoring from the new log start');
      p.next = earliest;
      if (p.next >= p.end) {
        const task = await this.#partitionDone(k, p);
        if (task !== undefined) done.push(task);
      }
    }
    await reader.assign([...this.#pending.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next })));
    return done;
  }

  /** Forgets every restoration (the tasks were closed): each unfinished partition is reported suspended. */
  async clear(): Promise<void> {
    this.#suspendPending();
    this.#remaining.clear();
    if (this.#reader !== undefined) await this.#reader.assign([]);
  }

  async close(): Promise<void> {
    this.#suspendPending();
    this.#remaining.clear();
    const reader = this.#reader;
    this.#reader = undefined;
    await reader?.close();
  }

  #suspendPending(): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) this.#o.listener?.onRestoreSuspended?.({ topic: p.topic, partition: p.partition }, p.storeName, p.restored);
  }
}
