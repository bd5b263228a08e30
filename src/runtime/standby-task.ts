import type { Logger } from 'pino';
import type { ResolvedStreamsConfig } from '../config.js';
import { IllegalStateException } from '../errors.js';
import type { ConsumedRecord } from '../kafka/port.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreTaskContext } from '../state/store-task-context.js';
import type { Topology } from '../topology/topology.js';
import { parseTaskId, type ChangelogPartition, type RecordCollector, type TaskId, type WarmStore } from './task.js';
import { TaskStateManager } from './task-state-manager.js';

/** A standby never writes: its stores change only by applying changelog records. */
const NO_OUTPUT: RecordCollector = {
  send: () => {
    throw new IllegalStateException('A standby task does not process records and writes no changelog');
  },
};

/**
 * A warm replica of another instance's active task (Kafka Streams' `StandbyTask`): it opens the
 * same stores in the same task directory (`state.dir/<application.id>/<taskId>`) and keeps
 * them current by applying the records of their changelog partitions as they arrive. It runs no
 * processor. It checkpoints what it applied, so when it is closed for the task to become active
 * here, the active task restores only what came after; in-memory stores, which a checkpoint
 * cannot keep, are handed over to the active task as they are (`handOver`).
 */
export class StandbyTask {
  readonly id: TaskId;
  readonly #state: TaskStateManager;
  #open = false;

  constructor(topology: Topology, id: TaskId, config: ResolvedStreamsConfig, log: Logger) {
    this.id = id;
    const { subtopology, partition } = parseTaskId(id);
    const plan = topology.subtopologyPlan(subtopology, config.applicationId);
    const context: StoreTaskContext = {
      taskId: id,
      partition,
      cache: undefined,
      recordContext: () => ({ topic: undefined, partition: -1, offset: -1, timestamp: -1, headers: [] }),
      logChange: (topic) => NO_OUTPUT.send({ topic, partition, key: null, value: null }),
      forwardWithContext: async () => undefined,
    };
    this.#state = new TaskStateManager(id, partition, plan.stores, config, NO_OUTPUT, context, log.child({ standby: id }));
  }

  /** Locks the task directory, reads the checkpoint and opens the stores. */
  async initialize(): Promise<void> {
    await this.#state.open();
    this.#open = true;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** The changelog partitions of its logged stores, with the offset of the last record applied. */
  changelogPartitions(): readonly ChangelogPartition[] {
    return this.#state.changelogPartitions();
  }

  /** Applies changelog records of one of its changelog partitions (offset order). */
  async update(topic: string, partition: number, records: readonly ConsumedRecord[]): Promise<void> {
    if (!this.#open) throw new IllegalStateException(`Standby task ${this.id} is not open`);
    await this.#state.restoreBatch(topic, partition, records);
  }

  /** The store named `name` (for stale interactive queries), or undefined. */
  store(name: string): StateStore | undefined {
    return this.#open ? this.#state.store(name) : undefined;
  }

  /** Flushes the stores and writes the checkpoint (unless `force`, only once enough was applied since the last one). */
  async checkpoint(force: boolean): Promise<void> {
    if (!this.#open) return;
    await this.#state.flush();
    await this.#state.checkpoint(force);
  }

  /**
   * Closes for the task to become active on this instance: persistent stores close as in
   * `close()` (checkpoint written, directory released; the active task reopens them from disk),
   * while in-memory logged stores stay open and are returned with the changelog offset they hold,
   * for the active task to adopt instead of restoring them from the start.
   */
  async handOver(): Promise<Map<string, WarmStore>> {
    if (!this.#open) return new Map();
    this.#open = false;
    try {
      await this.#state.flush();
    } catch (e) {
      await this.#state.close(false);
      throw e;
    }
    return this.#state.closeHandingOver();
  }

  /** Flushes, checkpoints and closes the stores, releasing the task directory. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    let failure: unknown;
    try {
      await this.#state.flush();
    } catch (e) {
      failure = e;
    }
    await this.#state.close(failure === undefined);
    if (failure !== undefined) throw failure;
  }
}
