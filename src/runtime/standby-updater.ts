import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { groupByPartition, isOffsetOutOfRange, partitionKey } from './changelog-batches.js';
import type { ConsumedRecord, KafkaClient, PartitionOffsets, PartitionReader, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';
import { CheckpointFile } from '../state/checkpoint-file.js';
import { IdleSignal } from './idle-signal.js';
import { Mutex } from './mutex.js';
import type { StandbyTask } from './standby-task.js';
import type { TaskId, WarmStore } from './task.js';

export interface StandbyUpdaterOptions {
  readonly client: KafkaClient;
  /** Under exactly-once only committed changelog records are applied. */
  readonly readCommitted: boolean;
  readonly createTask: (id: TaskId) => StandbyTask;
  /** Earliest and latest offsets of a topic's partitions (the admin's `listOffsets`). */
  readonly listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>;
  /**
   * The application's committed offsets of the given partitions (-1 where none): a standby whose
   * changelog is a source topic applies it only up to the committed offset.
   */
  readonly committedOffsets: (partitions: readonly TopicPartition[]) => Promise<readonly TopicPartitionOffset[]>;
  /** `state.dir/<application.id>`: where task directories with checkpoints are found. */
  readonly applicationStateDir: string;
  /** How often standbys checkpoint and the log end offsets (for lags) are refreshed. */
  readonly commitIntervalMs: number;
  readonly log: Logger;
}

/** Where one changelog partition of a standby stands. */
interface Position {
  readonly task: StandbyTask;
  readonly store: string;
  readonly topic: string;
  readonly partition: number;
  /** The next offset to apply. */
  next: number;
  /** The log end offset last seen (for the lag). */
  end: number;
  /**
   * For a changelog that is a source topic (`reuse.ktable.source.topics`): apply only records
   * before this offset, the application's committed offset when last looked at (Kafka's
   * `restoreLimitOffset` of a standby); undefined for a changelog topic.
   */
  limit: number | undefined;
  /** Records read past `limit`, in offset order, applied once the limit moves past them. */
  buffered: ConsumedRecord[];
}

/** One store partition of a standby, as `lags()` reports it. */
export interface StandbyStoreLag {
  readonly taskId: TaskId;
  readonly store: string;
  /** The store's changelog topic (its source topic under `reuse.ktable.source.topics`). */
  readonly topic: string;
  readonly partition: number;
  /** The next changelog offset the standby will apply: everything before it is in the store. */
  readonly position: number;
  /** The changelog's end offset when last looked at. */
  readonly end: number;
}

/** Longest wait of one read of the changelogs (ms): how long a promotion may wait for the reader. */
const POLL_MS = 100;
/** How long to wait before retrying a standby whose directory another task of this process still holds. */
const RETRY_OPEN_MS = 500;


/**
 * Runs the standby tasks of one `KafkaStreams` client (Kafka Streams keeps them in each stream
 * thread's task manager and updates them with its restore consumer; here one updater serves all
 * threads of the client, since they share one event loop and one state directory). It reads the
 * changelog partitions of every standby with one partition reader, in its own loop, and applies
 * the records to the standby's stores; it checkpoints every commit interval.
 *
 * Threads report each assignment (`onAssignment`) before they create their active tasks: a
 * standby whose task became active on this client is closed first (checkpoint written, directory
 * released), so the active task opens the warm stores and restores only what it lacks. Its
 * in-memory stores are not closed but handed over (`takeWarmStores`), as they cannot be reopened.
 */
export class StandbyUpdater {
  readonly #o: StandbyUpdaterOptions;
  readonly #mutex = new Mutex();
  readonly #wake = new IdleSignal();
  /** Standbys each thread was assigned, and active tasks each thread holds. */
  readonly #wanted = new Map<string, ReadonlySet<TaskId>>();
  readonly #activeHere = new Map<string, ReadonlySet<TaskId>>();
  readonly #tasks = new Map<TaskId, StandbyTask>();
  readonly #positions = new Map<string, Position>();
  /** Wanted standbys that could not open yet (their directory was still locked). */
  readonly #unopened = new Set<TaskId>();
  /** Warm in-memory stores of promoted standbys, until their active task takes them (`takeWarmStores`). */
  readonly #handedOver = new Map<TaskId, Map<string, WarmStore>>();
  #reader: PartitionReader | undefined;
  #readerStale = false;
  #lastCheckpoint = Date.now();
  #lastRetry = 0;
  #stopped = false;
  #loop: Promise<void> = Promise.resolve();
  #applied = 0;

  constructor(options: StandbyUpdaterOptions) {
    this.#o = options;
  }

  /** Changelog records applied to standbys since the start. */
  get recordsApplied(): number {
    return this.#applied;
  }

  start(): void {
    this.#loop = this.#run();
  }

  /**
   * A thread's new assignment: it now holds `active` and should keep `standby` warm. Standbys
   * this client no longer wants (or whose task is active here now) are closed, new ones opened.
   */
  async onAssignment(thread: string, active: readonly TaskId[], standby: readonly TaskId[]): Promise<void> {
    await this.#mutex.run(async () => {
      this.#activeHere.set(thread, new Set(active));
      this.#wanted.set(thread, new Set(standby));
      await this.#reconcile();
    });
    this.#wake.notify();
  }

  /** A thread left (shut down or replaced): its standbys are no longer wanted. */
  async forgetThread(thread: string): Promise<void> {
    await this.#mutex.run(async () => {
      this.#activeHere.delete(thread);
      this.#wanted.delete(thread);
      await this.#reconcile();
    });
  }

  /**
   * The warm in-memory stores of task `id`'s standby, handed over when the task became active
   * here (see `StandbyTask.handOver`); each is given out once. Undefined when there are none.
   */
  takeWarmStores(id: TaskId): ReadonlyMap<string, WarmStore> | undefined {
    const warm = this.#handedOver.get(id);
    this.#handedOver.delete(id);
    return warm;
  }

  /** The standbys of `thread` that run now (reported in its subscription). */
  standbyTaskIds(thread: string): TaskId[] {
    return [...(this.#wanted.get(thread) ?? [])].filter((id) => this.#tasks.has(id));
  }

  /** The open standby tasks (interactive queries read their stores when stale reads are allowed). */
  tasks(): StandbyTask[] {
    return [...this.#tasks.values()];
  }

  /** Changelog records standby `taskId`'s store `store` is behind, as last measured. */
  offsetLag(taskId: TaskId, store: string): number | undefined {
    for (const p of this.#positions.values()) if (p.task.id === taskId && p.store === store) return Math.max(0, p.end - p.next);
    return undefined;
  }

  /** Every store partition of every standby with its position and the log end last seen. */
  lags(): StandbyStoreLag[] {
    return [...this.#positions.values()].map((p) => ({ taskId: p.task.id, store: p.store, topic: p.topic, partition: p.partition, position: p.next, end: Math.max(p.end, p.next) }));
  }

  /**
   * Kafka Streams' task offset sums: for every task whose state this client has (open standbys,
   * and task directories with a checkpoint), the sum of the changelog offsets held. Active tasks
   * of this client are left out (they are reported as held). Read synchronously: the group
   * protocol builds subscriptions without waiting.
   */
  taskOffsetSums(): Record<TaskId, number> {
    const active = new Set([...this.#activeHere.values()].flatMap((s) => [...s]));
    const sums: Record<TaskId, number> = {};
    let dirs: string[] = [];
    try {
      dirs = readdirSync(this.#o.applicationStateDir).filter((d) => /^\d+_\d+$/.test(d));
    } catch {
      // No state directory yet: nothing on disk.
    }
    for (const id of dirs) {
      if (active.has(id) || this.#tasks.has(id)) continue;
      const entries = new CheckpointFile(join(this.#o.applicationStateDir, id)).readSyncOrEmpty();
      if (entries.length > 0) sums[id] = entries.reduce((n, e) => n + e.offset + 1, 0);
    }
    const open = new Map<TaskId, number>();
    for (const p of this.#positions.values()) open.set(p.task.id, (open.get(p.task.id) ?? 0) + p.next);
    for (const [id, sum] of open) sums[id] = sum;
    return sums;
  }

  /** Stops the loop and closes every standby (checkpoints written). */
  async close(): Promise<void> {
    this.#stopped = true;
    this.#wake.notify();
    await this.#loop;
    await this.#mutex.run(async () => {
      for (const task of [...this.#tasks.values()]) await this.#closeTask(task);
      for (const id of [...this.#handedOver.keys()]) await this.#dropHandedOver(id);
      const reader = this.#reader;
      this.#reader = undefined;
      await reader?.close().catch((e: unknown) => this.#o.log.warn({ err: e }, 'error closing the standby reader'));
    });
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      try {
        if (this.#tasks.size === 0 && this.#unopened.size === 0) {
          await this.#wake.wait(1_000);
          continue;
        }
        const applied = await this.#mutex.run(() => this.#step());
        // Let the stream threads (and a waiting promotion) in between reads.
        if (applied === 0) await this.#wake.wait(10);
        else await new Promise((resolve) => setImmediate(resolve));
      } catch (e) {
        // A standby is a best-effort copy: on error it is reopened from its checkpoint later.
        this.#o.log.warn({ err: e }, 'updating standby tasks failed; retrying');
        await this.#mutex.run(async () => {
          for (const task of [...this.#tasks.values()]) {
            await this.#closeTask(task);
            this.#unopened.add(task.id);
          }
        });
        await this.#wake.wait(RETRY_OPEN_MS);
      }
    }
  }

  async #step(): Promise<number> {
    if (this.#unopened.size > 0 && Date.now() - this.#lastRetry >= RETRY_OPEN_MS) {
      this.#lastRetry = Date.now();
      await this.#openWanted();
    }
    if (this.#readerStale) await this.#assignReader();
    const reader = this.#reader;
    if (reader === undefined || this.#positions.size === 0) return 0;
    let records: ConsumedRecord[];
    try {
      records = await reader.poll(POLL_MS);
    } catch (e) {
      if (!isOffsetOutOfRange(e)) throw e;
      // Records the standby had not read were deleted (retention): go on from the log start.
      await this.#refreshEnds(true);
      await this.#assignReader();
      return 0;
    }
    const byPartition = groupByPartition(records);
    let applied = 0;
    for (const [k, list] of byPartition) {
      const p = this.#positions.get(k);
      if (p === undefined) continue;
      const after = p.buffered.at(-1)?.offset ?? p.next - 1;
      const fresh = list.filter((r) => r.offset > after);
      if (fresh.length === 0) continue;
      if (p.limit === undefined) {
        applied += await this.#apply(p, fresh);
      } else {
        p.buffered.push(...fresh);
        applied += await this.#applyBuffered(p);
      }
    }
    if (Date.now() - this.#lastCheckpoint >= this.#o.commitIntervalMs) {
      this.#lastCheckpoint = Date.now();
      // Kafka moves a source-topic standby's limit once per commit interval, when it holds records past it.
      if ([...this.#positions.values()].some((p) => p.buffered.length > 0)) {
        await this.#refreshLimits();
        for (const p of this.#positions.values()) applied += await this.#applyBuffered(p);
      }
      for (const task of this.#tasks.values()) await task.checkpoint(false);
      await this.#refreshEnds(false);
    }
    this.#applied += applied;
    return applied;
  }

  async #apply(p: Position, records: readonly ConsumedRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    await p.task.update(p.topic, p.partition, records);
    p.next = (records.at(-1) as ConsumedRecord).offset + 1;
    p.end = Math.max(p.end, p.next);
    return records.length;
  }

  /** Applies the buffered records of a source-topic changelog that are below its limit. */
  async #applyBuffered(p: Position): Promise<number> {
    if (p.limit === undefined || p.buffered.length === 0) return 0;
    const limit = p.limit;
    const count = p.buffered.findIndex((r) => r.offset >= limit);
    const ready = p.buffered.splice(0, count === -1 ? p.buffered.length : count);
    return this.#apply(p, ready);
  }

  /** Reads the committed offsets of the source-topic changelogs: their new limits. */
  async #refreshLimits(): Promise<void> {
    const sourced = [...this.#positions.values()].filter((p) => p.limit !== undefined);
    if (sourced.length === 0) return;
    const committed = await this.#o.committedOffsets(sourced.map((p) => ({ topic: p.topic, partition: p.partition })));
    for (const p of sourced) {
      const offset = committed.find((o) => o.topic === p.topic && o.partition === p.partition)?.offset ?? -1;
      p.limit = Math.max(p.limit ?? 0, offset, 0);
    }
  }

  /** Closes unwanted standbys and opens wanted ones; the reader follows at the next step. */
  async #reconcile(): Promise<void> {
    const active = new Set([...this.#activeHere.values()].flatMap((s) => [...s]));
    const target = new Set([...this.#wanted.values()].flatMap((s) => [...s]).filter((id) => !active.has(id)));
    // Handed over earlier but not taken by an active task (its assignment failed or moved on).
    for (const id of [...this.#handedOver.keys()]) if (!active.has(id)) await this.#dropHandedOver(id);
    for (const [id, task] of [...this.#tasks]) {
      if (target.has(id)) continue;
      if (active.has(id)) {
        await this.#promote(task);
        continue;
      }
      await this.#closeTask(task);
      this.#o.log.info({ task: id, promoted: false }, 'standby task closed: no longer assigned');
    }
    for (const id of [...this.#unopened]) if (!target.has(id)) this.#unopened.delete(id);
    for (const id of target) if (!this.#tasks.has(id)) this.#unopened.add(id);
    await this.#openWanted();
  }

  async #openWanted(): Promise<void> {
    const opened: StandbyTask[] = [];
    for (const id of [...this.#unopened]) {
      const task = this.#o.createTask(id);
      try {
        await task.initialize();
      } catch (e) {
        // Usually the directory is still held by the active task being closed by another thread.
        this.#o.log.info({ task: id, err: (e as Error).message }, 'standby task cannot open yet; retrying');
        continue;
      }
      this.#unopened.delete(id);
      this.#tasks.set(id, task);
      opened.push(task);
    }
    if (opened.length === 0) return;
    const byTopic = new Map<string, readonly PartitionOffsets[]>();
    for (const task of opened) {
      for (const cp of task.changelogPartitions()) {
        let offsets = byTopic.get(cp.topic);
        if (offsets === undefined) byTopic.set(cp.topic, (offsets = await this.#o.listOffsets(cp.topic)));
        const range = offsets.find((o) => o.partition === cp.partition);
        const earliest = range?.earliest ?? 0;
        const next = Math.max(earliest, cp.checkpointOffset === undefined ? earliest : cp.checkpointOffset + 1);
        this.#positions.set(partitionKey(cp.topic, cp.partition), {
          task, store: cp.storeName, topic: cp.topic, partition: cp.partition, next, end: Math.max(next, range?.latest ?? next),
          limit: cp.sourceTopic === true ? 0 : undefined, buffered: [],
        });
      }
      this.#o.log.info({ task: task.id, changelogs: task.changelogPartitions().map((c) => `${c.topic}-${c.partition}`) }, 'standby task started');
    }
    try {
      await this.#refreshLimits();
    } catch (e) {
      // Limits stay where they are (0 for new ones): records wait in the buffer until the next refresh.
      this.#o.log.warn({ err: e }, 'reading the committed offsets of source-topic changelogs failed; retrying at the next commit interval');
    }
    this.#readerStale = true;
  }

  async #closeTask(task: StandbyTask): Promise<void> {
    this.#forget(task);
    try {
      await task.close();
    } catch (e) {
      this.#o.log.warn({ task: task.id, err: e }, 'closing a standby task failed');
    }
  }

  /** A standby whose task is active here now: closed, its warm in-memory stores kept for the active task. */
  async #promote(task: StandbyTask): Promise<void> {
    this.#forget(task);
    try {
      const warm = await task.handOver();
      if (warm.size > 0) this.#handedOver.set(task.id, warm);
      this.#o.log.info({ task: task.id, promoted: true, warmStores: [...warm.keys()] }, 'standby task closed: it is active here now');
    } catch (e) {
      this.#o.log.warn({ task: task.id, err: e }, 'closing a standby task failed');
    }
  }

  #forget(task: StandbyTask): void {
    this.#tasks.delete(task.id);
    for (const [k, p] of [...this.#positions]) if (p.task === task) this.#positions.delete(k);
    this.#readerStale = true;
  }

  async #dropHandedOver(id: TaskId): Promise<void> {
    const warm = this.#handedOver.get(id);
    this.#handedOver.delete(id);
    for (const [name, { store }] of warm ?? []) {
      await store.close().catch((e: unknown) => this.#o.log.warn({ task: id, store: name, err: e }, 'closing a warm store failed'));
    }
  }

  async #assignReader(): Promise<void> {
    this.#readerStale = false;
    if (this.#positions.size === 0 && this.#reader === undefined) return;
    this.#reader ??= this.#o.client.reader({ readCommitted: this.#o.readCommitted });
    // Reading starts again at each position's next offset: what was buffered past a limit comes again.
    for (const p of this.#positions.values()) p.buffered = [];
    await this.#reader.assign([...this.#positions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next })));
  }

  /** Reads the log end (and, after deleted records, the log start) of every standby changelog. */
  async #refreshEnds(skipToStart: boolean): Promise<void> {
    const byTopic = new Map<string, readonly PartitionOffsets[]>();
    for (const p of this.#positions.values()) {
      let offsets = byTopic.get(p.topic);
      if (offsets === undefined) byTopic.set(p.topic, (offsets = await this.#o.listOffsets(p.topic)));
      const range = offsets.find((o) => o.partition === p.partition);
      if (range === undefined) continue;
      if (skipToStart && range.earliest > p.next) p.next = range.earliest;
      p.end = Math.max(p.next, range.latest);
    }
  }
}
