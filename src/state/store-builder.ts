import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from './key-value-store.js';
import type { StateStore } from './state-store.js';
import type { StoreTaskContext } from './store-task-context.js';

/**
 * Where and for whom a store is built: the runtime (or the test driver) gives this when it
 * creates a task's stores.
 */
export interface StoreBuildContext {
  /**
   * The task's directory, `state.dir/<application.id>/<taskId>`; a persistent store lives in
   * `<taskDirectory>/<store name>`.
   */
  readonly taskDirectory: string;
  /** When given, serdes see the store's changelog topic name `<applicationId>-<store>-changelog`. */
  readonly applicationId?: string;
  /**
   * The topic the store's serdes see instead, when its changelog is another topic: the input
   * topic of a table reusing it (`reuse.ktable.source.topics`), the topic of a global store.
   */
  readonly serdeTopic?: string;
  /** Serdes to use when the builder was given none (`default.key.serde` / `default.value.serde`). */
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  /**
   * The task building the store. With it (and `applicationId`), builders add the changelogging
   * layer (logging enabled) and the record-cache layer (caching enabled and a cache with a
   * budget); without it they build the bare typed store.
   */
  readonly task?: StoreTaskContext;
  /**
   * A byte store to build on instead of a new one from the supplier: the warm in-memory store
   * of this task's standby on this instance, handed over when the task became active here (see
   * `StandbyTask.handOver`). It came from the same builder's supplier, so it is of the kind the
   * supplier makes; it is open and holds the changelog up to the offset the runtime passes on.
   */
  readonly warmByteStore?: StateStore;
  /**
   * The store's changelog is the input topic it is filled from (`topology.optimization=
   * reuse.ktable.source.topics`): its builder has logging disabled, so nothing is sent, yet its
   * writes still reach change subscribers through a changelogging layer that only reports them
   * (`StoreTaskContext.reportChange`).
   */
  readonly sourceTopicChangelog?: boolean;
}

/** The byte store a builder stacks its layers on: `context.warmByteStore` when given, else a new one from `supplier`. */
export function byteStoreFor<S extends StateStore>(context: StoreBuildContext, supplier: { get(context: StoreBuildContext): S }): S {
  return (context.warmByteStore as S | undefined) ?? supplier.get(context);
}

/** Makes the byte store of a key-value store, one per task (Kafka's `KeyValueBytesStoreSupplier`). */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  readonly persistent: boolean;
  /** Names the implementation, as Kafka's `metricsScope()`: `'level'` or `'in-memory'`. */
  readonly metricsScope: string;
  /** A new, unopened byte store for one task. */
  get(context: StoreBuildContext): KeyValueStore<Buffer, Buffer>;
}

/**
 * Describes a store so each task can build its own copy (Kafka's `StoreBuilder`). The `with*`
 * methods change this builder and return it, as in Kafka Streams.
 */
export interface StoreBuilder<T extends StateStore> {
  readonly name: string;
  /** Whether a record cache is to sit in front of the store. */
  readonly cachingEnabled: boolean;
  /** Whether the store is to write a changelog topic. */
  readonly loggingEnabled: boolean;
  /** Topic configs for the changelog topic (e.g. `{ 'min.insync.replicas': '2' }`). */
  readonly logConfig: Readonly<Record<string, string>>;
  withCachingEnabled(): this;
  withCachingDisabled(): this;
  withLoggingEnabled(config?: Readonly<Record<string, string>>): this;
  withLoggingDisabled(): this;
  /** A new, unopened store for one task. */
  build(context: StoreBuildContext): T;
}
