import type { Logger } from 'pino';
import { StreamsException, TaskCorruptedException, TaskMigratedException } from '../errors.js';
import type { ConsumedRecord, GroupConsumer, PartitionOffsets, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';
import type { ChangelogRestorer } from './changelog-restorer.js';
import { isRebalanceError } from './kafka-errors.js';
import type { EosTaskProducers } from './eos-task-producers.js';
import type { OutputQueue } from './record-collector-impl.js';
import type { ThreadMetrics } from './streams-metrics.js';
import type { StreamTask, TaskId } from './task.js';

/** Creates (does not initialize) the task for a task id and its partitions. */
export type TaskFactory = (id: TaskId, partitions: readonly TopicPartition[]) => StreamTask;

export interface TaskManagerOptions {
  readonly createTask: TaskFactory;
  readonly consumer: Pick<GroupConsumer, 'pause' | 'resume' | 'commitOffsets' | 'seek' | 'committed'>;
  /** Earliest and latest offsets of a topic's partitions: where a revived task reads from when its group committed nothing yet. */
  readonly listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>;
  readonly collector: OutputQueue;
  /**
   * Exactly-once: the tasks' transactional producers (opened on assignment, before the tasks
   * initialise, which fences their previous owners) and the group whose offsets the
   * transactions carry. The consumer then commits nothing itself.
   */
  readonly eos?: { readonly producers: EosTaskProducers; readonly groupId: string };
  readonly restorer: ChangelogRestorer;
  readonly metrics: ThreadMetrics;
  readonly log: Logger;
  /** `buffered.records.per.partition`: above it a partition is paused until it drains. */
  readonly maxBufferedPerPartition: number;
}

const key = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * How often in a row a task may be found corrupted (and revived) without committing in between,
 * before the thread gives up on it: a failure that every retry meets again (a broker gone for
 * good, a topic deleted) then stops the thread, as it did before revival existed, instead of
 * rebuilding the task's state forever.
 */
export const MAX_CONSECUTIVE_REVIVALS = 5;

/**
 * The active tasks of one stream thread (Kafka Streams' `TaskManager`, active tasks only for now):
 * creates them on assignment, restores the ones with logged stores from their changelogs (they
 * buffer input meanwhile and are processed once restored), feeds them fetched records with
 * per-partition backpressure, commits the running ones (outputs acknowledged before offsets), and
 * closes them on revocation or shutdown.
 */
export class TaskManager {
  readonly #o: TaskManagerOptions;
  readonly #tasks = new Map<TaskId, StreamTask>();
  readonly #byPartition = new Map<string, StreamTask>();
  readonly #paused = new Map<string, TopicPartition>();
  /** Tasks waiting for their changelogs; the others are in `#running`, the loop's hot list. */
  readonly #restoring = new Set<StreamTask>();
  #running: StreamTask[] = [];
  /** Tasks held until the last revocation: reported in the next subscription so the leader can be sticky. */
  #previouslyOwned: TaskId[] = [];
  /** Revivals of each task since it last committed offsets (see `MAX_CONSECUTIVE_REVIVALS`). */
  readonly #revivals = new Map<TaskId, number>();

  constructor(options: TaskManagerOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#tasks.size;
  }

  tasks(): IterableIterator<StreamTask> {
    return this.#tasks.values();
  }

  /** The tasks that process records (not restoring). */
  running(): readonly StreamTask[] {
    return this.#running;
  }

  get restoringCount(): number {
    return this.#restoring.size;
  }

  /** True when the partition's task is still restoring its state (its input waits). */
  isRestoring(tp: TopicPartition): boolean {
    const task = this.#byPartition.get(key(tp));
    return task !== undefined && this.#restoring.has(task);
  }

  /** The tasks to report as held in a subscription: the current ones, or those just revoked. */
  ownedActiveTaskIds(): TaskId[] {
    return this.#tasks.size > 0 ? [...this.#tasks.keys()] : [...this.#previouslyOwned];
  }

  /**
   * Creates and initializes the assigned tasks. Any task still open here missed its revocation
   * (an adapter that could not announce the rebalance): it is committed if the group still lets
   * us, and closed, so every new task starts from the committed offsets the consumer reads from.
   */
  async handleAssignment(assigned: ReadonlyMap<TaskId, readonly TopicPartition[]>): Promise<void> {
    if (this.#tasks.size > 0) {
      this.#o.log.warn({ tasks: [...this.#tasks.keys()] }, 'assignment arrived while tasks were open; closing them first');
      await this.handleRevocation();
    }
    await this.#createTasks(assigned);
    this.#previouslyOwned = [];
    this.#revivals.clear();
    this.#o.log.info({ tasks: [...assigned.keys()], restoring: [...this.#restoring].map((t) => t.id) }, 'tasks assigned');
  }

  /** Opens the tasks' producers (exactly-once), creates and initializes the tasks, and starts restoring those with changelogs. */
  async #createTasks(assigned: ReadonlyMap<TaskId, readonly TopicPartition[]>): Promise<void> {
    const created: StreamTask[] = [];
    try {
      await this.#o.eos?.producers.open([...assigned.keys()]);
      for (const [id, partitions] of assigned) {
        const task = this.#o.createTask(id, partitions);
        created.push(task);
        await task.initialize();
        this.#tasks.set(id, task);
        for (const tp of task.partitions) this.#byPartition.set(key(tp), task);
      }
    } catch (e) {
      for (const task of created) if (!this.#tasks.has(task.id)) await task.close(false).catch(() => undefined);
      await this.#o.eos?.producers.close([...assigned.keys()].filter((id) => !this.#tasks.has(id)), false);
      throw e;
    }
    const restoring = created.filter((t) => t.restoring);
    const restored = restoring.length > 0 ? await this.#o.restorer.start(restoring) : [];
    for (const task of created) {
      if (restoring.includes(task) && !restored.includes(task)) this.#restoring.add(task);
      else this.#running.push(task);
    }
    this.#o.metrics.recordTaskCreated(created.length);
  }

  /**
   * Exactly-once recovery of tasks whose transaction failed (Kafka Streams' handling of
   * TaskCorruptedException), in this thread and without a rebalance: their input partitions are
   * paused; the tasks are closed dirty (their open transactions aborted, unsent output dropped,
   * no checkpoint written, so their persistent stores are wiped when they open again); their
   * producers are initialised anew, which also completes whatever transaction the broker still
   * had open for them; the tasks are created again and restore their stores from the changelogs
   * (read_committed); their input partitions are sought back to the committed offsets and
   * resumed, so the records since the last commit are processed again.
   *
   * Restoring tasks have no transaction of their own and are left alone. A task revived
   * `MAX_CONSECUTIVE_REVIVALS` times without committing in between makes this throw (the
   * thread dies, as it did before revival existed). Returns how many tasks were revived.
   */
  async reviveCorrupted(error: TaskCorruptedException): Promise<number> {
    const tasks = error.taskIds.map((id) => this.#tasks.get(id)).filter((t): t is StreamTask => t !== undefined && !this.#restoring.has(t));
    if (tasks.length === 0) return 0;
    for (const task of tasks) {
      const revivals = (this.#revivals.get(task.id) ?? 0) + 1;
      if (revivals > MAX_CONSECUTIVE_REVIVALS) {
        throw new StreamsException(`Task ${task.id} failed ${revivals} times in a row without committing; giving up on it: ${error.message}`, 'PROCESSING', { cause: error });
      }
      this.#revivals.set(task.id, revivals);
    }
    const ids = tasks.map((t) => t.id);
    const partitions = tasks.flatMap((t) => t.partitions);
    this.#o.log.warn({ tasks: ids, err: error.message }, 'exactly-once: a transaction failed; closing its tasks dirty, rebuilding their state from the changelogs and reprocessing from the last commit');
    // Nothing may be fetched for these partitions until they are sought back below: a batch
    // fetched from the old position would reach the new task, or be dropped (unowned) and
    // skipped.
    this.#o.consumer.pause(partitions);
    for (const tp of partitions) {
      this.#paused.delete(key(tp));
      this.#byPartition.delete(key(tp));
    }
    for (const id of ids) this.#tasks.delete(id);
    this.#running = this.#running.filter((t) => !ids.includes(t.id));
    for (const task of tasks) {
      try {
        await task.close(false);
      } catch (e) {
        this.#o.log.warn({ task: task.id, err: e }, 'error closing a corrupted task');
      }
    }
    await this.#o.eos?.producers.close(ids, false);
    this.#o.metrics.recordTaskClosed(tasks.length);
    await this.#createTasks(new Map(tasks.map((t) => [t.id, t.partitions])));
    await this.#seekToCommitted(partitions);
    this.#o.consumer.resume(partitions);
    return tasks.length;
  }

  /** Seeks partitions to the group's committed offsets (the log start where nothing is committed, as auto.offset.reset=earliest). */
  async #seekToCommitted(partitions: readonly TopicPartition[]): Promise<void> {
    const committed = await this.#o.consumer.committed(partitions);
    const earliest = new Map<string, number>();
    for (const topic of new Set(committed.filter((c) => c.offset < 0).map((c) => c.topic))) {
      for (const o of await this.#o.listOffsets(topic)) earliest.set(key({ topic, partition: o.partition }), o.earliest);
    }
    for (const c of committed) {
      const offset = c.offset >= 0 ? c.offset : (earliest.get(key(c)) ?? 0);
      this.#o.consumer.seek({ topic: c.topic, partition: c.partition, offset });
    }
  }

  /** One restoration step (see `ChangelogRestorer.step`); tasks that finished start processing. Returns records restored. */
  async restore(maxWaitMs: number): Promise<number> {
    if (this.#restoring.size === 0) return 0;
    const { restored, done } = await this.#o.restorer.step(maxWaitMs);
    for (const task of done) {
      this.#restoring.delete(task);
      this.#running.push(task);
    }
    return restored;
  }

  /** Commits and closes every task (eager rebalancing revokes all). A failed commit closes them as lost. */
  async handleRevocation(): Promise<void> {
    if (this.#tasks.size === 0) return;
    const ids = [...this.#tasks.keys()];
    let clean = true;
    try {
      await this.commit();
    } catch (e) {
      if (!(e instanceof TaskMigratedException) && !(e instanceof TaskCorruptedException)) throw e;
      this.#o.log.warn({ err: e.message, tasks: ids }, 'commit on revocation failed; closing tasks dirty (their records since the last commit will be reprocessed)');
      clean = false;
    }
    await this.closeAll(clean);
    this.#previouslyOwned = ids;
  }

  /**
   * Hands fetched records to their task. Returns 'unowned' when no task owns the partition,
   * 'full' when its buffer is now over `buffered.records.per.partition` (the caller holds the
   * consumer back until it drains, see `isDrained`), else 'ok'.
   */
  addRecords(tp: TopicPartition, records: readonly ConsumedRecord[], highWatermark?: number): 'ok' | 'full' | 'unowned' {
    const task = this.#byPartition.get(key(tp));
    if (task === undefined) return 'unowned';
    task.addRecords(tp, records, highWatermark);
    return task.bufferedCount(tp) > this.#o.maxBufferedPerPartition ? 'full' : 'ok';
  }

  /** True when the partition's buffer is back within the limit (or no task owns it any more). */
  isDrained(tp: TopicPartition): boolean {
    const task = this.#byPartition.get(key(tp));
    return task === undefined || task.bufferedCount(tp) <= this.#o.maxBufferedPerPartition;
  }

  /** Stops fetching a partition until `resumeDrained()` finds its buffer drained. */
  pause(tp: TopicPartition): void {
    const k = key(tp);
    if (this.#paused.has(k) || !this.#byPartition.has(k)) return;
    this.#paused.set(k, { topic: tp.topic, partition: tp.partition });
    this.#o.consumer.pause([tp]);
  }

  /** Resumes paused partitions whose buffers drained back under the limit. */
  resumeDrained(): void {
    if (this.#paused.size === 0) return;
    const resume: TopicPartition[] = [];
    for (const [k, tp] of this.#paused) {
      const task = this.#byPartition.get(k);
      if (task === undefined || task.bufferedCount(tp) <= this.#o.maxBufferedPerPartition) {
        resume.push(tp);
        this.#paused.delete(k);
      }
    }
    if (resume.length > 0) this.#o.consumer.resume(resume);
  }

  commitRequested(): boolean {
    for (const task of this.#running) if (task.commitRequested()) return true;
    return false;
  }

  /**
   * At-least-once commit: every task hands its pending output to the collector and names its
   * progress, the collector's records are acknowledged by the broker, and only then the offsets
   * are committed. Throws `TaskMigratedException` when the group refused the commit (rebalanced).
   * Exactly-once: each task's output and offsets commit in one transaction of its own producer;
   * `TaskMigratedException` when a producer was fenced, StreamsException when a transaction failed
   * (the caller closes the tasks dirty, which aborts the open transactions).
   * Returns the number of partitions committed.
   */
  async commit(): Promise<number> {
    if (this.#tasks.size === 0) return 0;
    const started = performance.now();
    // Restoring tasks have processed nothing yet: nothing of theirs to commit.
    const tasks = [...this.#running];
    const offsets: TopicPartitionOffset[] = [];
    const eos = this.#o.eos;
    if (eos !== undefined) {
      // Exactly-once: each task's output, changelog writes and offsets in one transaction of its producer.
      const entries = [];
      for (const task of tasks) {
        const taskOffsets = await task.prepareCommit();
        offsets.push(...taskOffsets);
        entries.push({ id: task.id, offsets: taskOffsets });
      }
      try {
        await eos.producers.commit(eos.groupId, entries);
      } catch (e) {
        // The other tasks' transactions did commit: finish their commit before the caller revives the failed ones.
        if (e instanceof TaskCorruptedException) for (const entry of entries) if (!e.taskIds.includes(entry.id)) await this.#committed(this.#tasks.get(entry.id), entry.offsets.length > 0);
        throw e;
      }
      for (const entry of entries) if (entry.offsets.length > 0) this.#revivals.delete(entry.id);
    } else {
      for (const task of tasks) offsets.push(...(await task.prepareCommit()));
      await this.#o.collector.flush();
    }
    if (offsets.length > 0 && eos === undefined) {
      try {
        await this.#o.consumer.commitOffsets(offsets);
      } catch (e) {
        if (isRebalanceError(e)) throw new TaskMigratedException(`Offset commit refused because the group rebalanced: ${(e as Error).message}`, { cause: e });
        throw e;
      }
    }
    for (const task of tasks) await task.postCommit();
    this.#o.metrics.recordCommit(performance.now() - started);
    return offsets.length;
  }

  /** After its transaction committed: a task's post-commit work, and its revivals are forgotten once it committed offsets. */
  async #committed(task: StreamTask | undefined, progressed: boolean): Promise<void> {
    if (task === undefined) return;
    if (progressed) this.#revivals.delete(task.id);
    await task.postCommit();
  }

  /**
   * Closes every task. Clean: processors' close() runs and state is flushed (after a commit).
   * Dirty (lost): nothing more is flushed or sent; unsent output is dropped, and since its offsets
   * were never committed the records are reprocessed by the next owner.
   */
  async closeAll(clean: boolean): Promise<void> {
    const tasks = [...this.#tasks.values()];
    this.#tasks.clear();
    this.#byPartition.clear();
    this.#running = [];
    if (this.#restoring.size > 0) {
      this.#restoring.clear();
      await this.#o.restorer.clear();
    }
    if (this.#paused.size > 0) {
      const paused = [...this.#paused.values()];
      this.#paused.clear();
      try {
        this.#o.consumer.resume(paused);
      } catch {
        // In a revocation the kafkajs adapter has already given the partitions up and forgotten
        // their pause state (as Java does), and refuses to resume partitions it no longer owns:
        // there is nothing left to resume. Seen under SIGKILLs of a peer (scripts/crash-test.ts).
      }
    }
    if (!clean) await this.#o.collector.abandon();
    let firstError: unknown;
    for (const task of tasks) {
      try {
        await task.close(clean);
      } catch (e) {
        firstError ??= e;
        this.#o.log.error({ task: task.id, err: e }, 'error closing task');
      }
    }
    // After the tasks: a clean close may still flush into the collectors. Dirty: open transactions abort.
    await this.#o.eos?.producers.close(undefined, clean);
    if (tasks.length > 0) this.#o.metrics.recordTaskClosed(tasks.length);
    if (firstError !== undefined && clean) throw firstError;
  }
}
