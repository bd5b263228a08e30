import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ResolvedStreamsConfig } from '../config.js';
import { IllegalStateException } from '../errors.js';
import type { ConsumedRecord, TopicPartitionOffset } from '../kafka/port.js';
import { findChangelogRestorer, SourceTopicRestorer, type ChangelogRestorer } from '../state/changelog-restorer.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { KeyValueStoreBuilder } from '../state/key-value-store-builder.js';
import type { StoreBuilder } from '../state/store-builder.js';
import { TimestampedKeyValueStoreBuilder } from '../state/timestamped-key-value-store-builder.js';
import { CheckpointFile, type CheckpointEntry } from '../state/checkpoint-file.js';
import { lockTaskDirectory, taskDirectoryPath, type TaskDirectoryLock } from '../state/state-directory.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreTaskContext } from '../state/store-task-context.js';
import type { TaskStorePlan } from '../topology/topology-nodes.js';
import type { ChangelogPartition, RecordCollector, WarmStore } from './task.js';

/**
 * Kafka's `OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT`: under at-least-once a commit rewrites the
 * checkpoint only once some changelog moved this many records past the last one written (a
 * crash then restores at most that many records more); closing always writes it.
 */
export const CHECKPOINT_OFFSET_DELTA = 10_000;

interface ManagedStore {
  readonly store: StateStore;
  readonly changelogTopic: string | undefined;
  /** The changelog is the task's source topic (`reuse.ktable.source.topics`); nothing writes it for the store. */
  readonly sourceTopic: boolean;
  readonly restorer: ChangelogRestorer | undefined;
  /** Offset of the last changelog record known to be in the local store (checkpoint, restore, acknowledged writes). */
  offset: number | undefined;
}

/**
 * The state of one task (Kafka's `ProcessorStateManager` with the task's part of
 * `StateDirectory`): builds and opens the task's stores in registration order under
 * `state.dir/<application.id>/<taskId>`, holds the directory lock while any persistent store is
 * open, restores logged stores from changelog records, and keeps the `.checkpoint` file.
 */
export class TaskStateManager {
  readonly #taskId: string;
  readonly #plans: readonly TaskStorePlan[];
  readonly #config: ResolvedStreamsConfig;
  readonly #collector: RecordCollector;
  readonly #storeContext: StoreTaskContext;
  readonly #partition: number;
  readonly #log: Logger;
  readonly #directory: string;
  readonly #checkpoint: CheckpointFile;
  readonly #stores = new Map<string, ManagedStore>();
  #lock: TaskDirectoryLock | undefined;
  /** Offsets of the last checkpoint written (or read), to apply the delta threshold. */
  #lastCheckpoint = new Map<string, number>();
  #checkpointWritten = false;
  #open = false;
  /** Warm stores handed over by this task's standby, until `open()` adopts (or closes) them. */
  readonly #warm: Map<string, WarmStore>;

  constructor(
    taskId: string,
    partition: number,
    plans: readonly TaskStorePlan[],
    config: ResolvedStreamsConfig,
    collector: RecordCollector,
    storeContext: StoreTaskContext,
    log: Logger,
    warm?: ReadonlyMap<string, WarmStore>,
  ) {
    this.#warm = new Map(warm ?? []);
    this.#taskId = taskId;
    this.#partition = partition;
    this.#plans = plans;
    this.#config = config;
    this.#collector = collector;
    this.#storeContext = storeContext;
    this.#log = log;
    this.#directory = taskDirectoryPath(config.stateDir, config.applicationId, taskId);
    this.#checkpoint = new CheckpointFile(this.#directory);
  }

  get hasStores(): boolean {
    return this.#plans.length > 0;
  }

  get directory(): string {
    return this.#directory;
  }

  #eos(): boolean {
    return this.#config.processingGuarantee === 'exactly_once_v2';
  }

  /**
   * Locks the directory (when a store is persistent), reads the checkpoint, builds and inits the
   * stores. Under exactly-once the checkpoint is deleted once read, and a persistent logged store
   * without a checkpointed offset is wiped first (it may hold writes of an aborted transaction).
   * On failure everything opened so far is closed again and the lock released.
   */
  async open(): Promise<void> {
    if (this.#open) return;
    if (this.#plans.length === 0) {
      this.#open = true;
      return;
    }
    const built = this.#plans.map((plan) => ({ plan, store: plan.builder.build(this.#buildContext(plan.builder.name, plan.sourceTopicChangelog, plan.changelogTopic)) }));
    // A warm store is adopted when the builder built on it (a custom builder may not); else dropped.
    const adopted = new Map<string, number>();
    for (const { store } of built) {
      const warm = this.#warm.get(store.name);
      if (warm !== undefined && innermost(store) === warm.store) adopted.set(store.name, warm.offset);
    }
    for (const [name, warm] of this.#warm) {
      if (!adopted.has(name)) await warm.store.close().catch((e: unknown) => this.#log.warn({ err: e, store: name }, 'closing an unused warm store failed'));
    }
    this.#warm.clear();
    if (adopted.size > 0) this.#log.info({ stores: Object.fromEntries(adopted) }, 'adopted the warm in-memory stores of this task\'s standby; restoring after their offsets');
    const persistent = built.some(({ store }) => store.persistent);
    try {
      if (persistent) this.#lock = await lockTaskDirectory(this.#directory);
      const checkpointed = persistent ? await this.#checkpoint.read() : [];
      if (persistent && this.#eos()) await this.#checkpoint.delete();
      const offsetOf = new Map(checkpointed.map((e) => [`${e.topic}:${e.partition}`, e.offset]));
      for (const { plan, store } of built) {
        const topic = plan.changelogTopic;
        const offset = store.persistent && topic !== undefined ? offsetOf.get(`${topic}:${this.#partition}`) : topic !== undefined ? adopted.get(store.name) : undefined;
        if (store.persistent && topic !== undefined && offset === undefined && this.#eos()) await this.#wipe(store.name);
        const restorer = topic === undefined ? undefined : plan.sourceTopicChangelog ? sourceTopicRestorer(plan.builder, store, topic) : findChangelogRestorer(store);
        this.#stores.set(store.name, { store, changelogTopic: topic, sourceTopic: plan.sourceTopicChangelog, restorer, offset });
        if (offset !== undefined) this.#lastCheckpoint.set(store.name, offset);
        await store.init();
      }
      this.#checkpointWritten = checkpointed.length > 0 && !this.#eos();
      this.#open = true;
    } catch (error) {
      await this.#closeStores();
      await this.#releaseLock();
      throw error;
    }
  }

  /** A store of this task by name. */
  store(name: string): StateStore | undefined {
    return this.#stores.get(name)?.store;
  }

  /** Stores in registration order. */
  stores(): StateStore[] {
    return [...this.#stores.values()].map((m) => m.store);
  }

  changelogPartitions(): ChangelogPartition[] {
    const partitions: ChangelogPartition[] = [];
    for (const m of this.#stores.values()) {
      if (m.changelogTopic === undefined) continue;
      partitions.push({ topic: m.changelogTopic, partition: this.#partition, storeName: m.store.name, checkpointOffset: m.offset, ...(m.sourceTopic ? { sourceTopic: true } : {}) });
    }
    return partitions;
  }

  async restoreBatch(topic: string, partition: number, records: readonly ConsumedRecord[]): Promise<void> {
    const managed = partition === this.#partition ? [...this.#stores.values()].find((m) => m.changelogTopic === topic) : undefined;
    if (managed === undefined || managed.restorer === undefined) {
      throw new IllegalStateException(`Task ${this.#taskId} has no changelog partition ${topic}-${partition} to restore`);
    }
    if (records.length === 0) return;
    await managed.restorer.restore(records);
    managed.offset = (records[records.length - 1] as ConsumedRecord).offset;
  }

  /**
   * The task committed `offsets` (next offsets to read) of its input partitions: a store whose
   * changelog is one of those source topics holds it up to the record before (Kafka's
   * `updateChangelogOffsets` with the task's committed source offsets), which the next checkpoint
   * records. Only committed offsets count, as a restore stops at the committed offset too.
   */
  updateSourceTopicOffsets(offsets: readonly TopicPartitionOffset[]): void {
    for (const m of this.#stores.values()) {
      if (!m.sourceTopic) continue;
      const committed = offsets.find((o) => o.topic === m.changelogTopic && o.partition === this.#partition);
      if (committed !== undefined && committed.offset > 0 && (m.offset === undefined || committed.offset - 1 > m.offset)) m.offset = committed.offset - 1;
    }
  }

  /** Flushes every store in registration order (a cached store writes and forwards its dirty entries). */
  async flush(): Promise<void> {
    for (const m of this.#stores.values()) await m.store.flush();
  }

  /**
   * Writes the checkpoint of the persistent logged stores: for each, the offset of the last
   * record it holds (acknowledged changelog writes, else what was restored). Unless `force`d,
   * only when none was written yet or an offset moved by {@link CHECKPOINT_OFFSET_DELTA}.
   */
  async checkpoint(force: boolean): Promise<void> {
    if (!this.#open || this.#lock === undefined) return;
    const entries: CheckpointEntry[] = [];
    let moved = false;
    for (const m of this.#stores.values()) {
      if (!m.store.persistent || m.changelogTopic === undefined) continue;
      const acknowledged = m.sourceTopic ? undefined : this.#collector.acknowledgedOffset?.(m.changelogTopic, this.#partition);
      if (acknowledged !== undefined && (m.offset === undefined || acknowledged > m.offset)) m.offset = acknowledged;
      if (m.offset === undefined) continue;
      entries.push({ topic: m.changelogTopic, partition: this.#partition, offset: m.offset });
      const last = this.#lastCheckpoint.get(m.store.name);
      if (last === undefined || m.offset - last >= CHECKPOINT_OFFSET_DELTA) moved = true;
    }
    if (!force && this.#checkpointWritten && !moved) return;
    if (entries.length === 0) return;
    await this.#checkpoint.write(entries);
    this.#checkpointWritten = true;
    for (const m of this.#stores.values()) if (m.offset !== undefined) this.#lastCheckpoint.set(m.store.name, m.offset);
  }

  /**
   * Closes the stores and releases the lock. Clean: the caller flushed; the checkpoint is
   * written (under exactly-once too: the stores now hold exactly what was committed).
   */
  async close(clean: boolean): Promise<void> {
    // Handed over but never opened (the task failed before open()): nobody else will close them.
    for (const [name, warm] of this.#warm) await warm.store.close().catch((e: unknown) => this.#log.warn({ err: e, store: name }, 'closing an unused warm store failed'));
    this.#warm.clear();
    if (!this.#open) return;
    let failure: unknown;
    if (clean) {
      try {
        await this.checkpoint(true);
      } catch (error) {
        failure = error;
      }
    }
    this.#open = false;
    await this.#closeStores();
    await this.#releaseLock();
    if (failure !== undefined) throw failure;
  }

  /**
   * Closes like a clean `close(true)` (the caller flushed), except for the in-memory logged stores
   * that hold something: those stay open and are returned for the task's active copy here to
   * adopt (see {@link WarmStore}). What wraps them (typed and changelogging layers of this
   * manager's task, no cache) holds nothing of its own and is dropped.
   */
  async closeHandingOver(): Promise<Map<string, WarmStore>> {
    const warm = new Map<string, WarmStore>();
    if (!this.#open) return warm;
    for (const m of [...this.#stores.values()]) {
      if (m.store.persistent || m.changelogTopic === undefined || m.offset === undefined) continue;
      warm.set(m.store.name, { store: innermost(m.store), offset: m.offset });
      this.#stores.delete(m.store.name);
    }
    await this.close(true);
    return warm;
  }

  #buildContext(storeName: string, sourceTopicChangelog: boolean, changelogTopic: string | undefined) {
    const warm = this.#warm.get(storeName);
    return {
      taskDirectory: this.#directory,
      applicationId: this.#config.applicationId,
      defaultKeySerde: this.#config.defaultKeySerde,
      defaultValueSerde: this.#config.defaultValueSerde,
      task: this.#storeContext,
      sourceTopicChangelog,
      // A reused input topic is the changelog the store's serdes see, as in Kafka.
      ...(sourceTopicChangelog && changelogTopic !== undefined ? { serdeTopic: changelogTopic } : {}),
      ...(warm === undefined ? {} : { warmByteStore: warm.store }),
    };
  }

  async #wipe(storeName: string): Promise<void> {
    const dir = join(this.#directory, storeName);
    const present = await readdir(dir).then((names) => names.length > 0, () => false);
    if (!present) return;
    this.#log.warn({ store: storeName }, 'exactly-once: no checkpoint for a persistent store, wiping it to restore from the changelog');
    await rm(dir, { recursive: true, force: true });
  }

  async #closeStores(): Promise<void> {
    const stores = this.#stores.size > 0 ? [...this.#stores.values()].map((m) => m.store) : [];
    for (const store of stores) {
      try {
        await store.close();
      } catch (error) {
        this.#log.warn({ err: error, store: store.name }, 'closing a store failed');
      }
    }
    this.#stores.clear();
  }

  async #releaseLock(): Promise<void> {
    const lock = this.#lock;
    this.#lock = undefined;
    await lock?.release();
  }
}

/**
 * The restorer of a store whose changelog is a source topic: it has no changelogging layer, so
 * records go to its byte store in the format of a key-value store of that builder (the DSL uses
 * this for table sources, whose stores are timestamped key-value stores).
 */
function sourceTopicRestorer(builder: StoreBuilder<StateStore>, store: StateStore, topic: string): ChangelogRestorer {
  const timestamped = builder instanceof TimestampedKeyValueStoreBuilder;
  if (!timestamped && !(builder instanceof KeyValueStoreBuilder)) {
    throw new IllegalStateException(`Store ${store.name} uses source topic ${topic} as its changelog, but only key-value stores can; got a ${builder.constructor.name}`);
  }
  return new SourceTopicRestorer(innermost(store) as KeyValueStore<Buffer, Buffer>, topic, timestamped);
}

/** The innermost layer of a store (every layer of ours exposes the store it wraps as `inner`). */
function innermost(store: StateStore): StateStore {
  let layer = store;
  for (let below = (layer as { inner?: StateStore }).inner; below !== undefined; below = (layer as { inner?: StateStore }).inner) layer = below;
  return layer;
}
