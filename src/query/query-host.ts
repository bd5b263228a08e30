import type { TopicPartition } from '../kafka/port.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import type { WindowStore } from '../state/window-store.js';

/**
 * The narrow view of a running instance that interactive queries need, and nothing more:
 * `KafkaStreams` implements it for real, tests implement it with fakes. Everything in
 * `src/query/` and `graphql/` reads the instance only through this interface.
 */
export interface QueryHost {
  /** This instance's `application.server` (`host:port`), or undefined when it has none. */
  readonly endpoint: string | undefined;
  /** The application's `query.auth.token`, if set: the shared secret its query server requires by default. */
  readonly authToken?: string | undefined;
  /** The client's lifecycle state (`KafkaStreams.state()`: CREATED, REBALANCING, RUNNING, ...). */
  state(): string;
  /** Every queryable store of the topology, whether or not this instance holds a partition of it. */
  stores(): readonly QueryableStoreInfo[];
  /**
   * Every client of the group with an `application.server`, with its active and standby
   * partitions, as the group leader told this instance at the last rebalance (never what a
   * request says: forwarding targets come only from here).
   */
  instances(): readonly HostPartitions[];
  /** This instance's local partitions of store `name` (active tasks and standbys), in partition order. */
  localStores(name: string): readonly LocalStorePartition[];
  /**
   * Calls `listener` with every change this instance's active tasks make to a store (as their
   * caches flush), until the returned function is called. Optional: without it, subscriptions
   * see no changes from this instance.
   */
  subscribeChanges?(listener: (change: StoreChange) => void): () => void;
}

/** One change of a key-value or window store's entry, in bytes, as a task wrote it. */
export interface StoreChange {
  readonly store: string;
  readonly partition: number;
  /** The record key (of a window store: without the window). */
  readonly key: Buffer;
  /** The start of the window the change is in (window stores only). */
  readonly windowStart?: number;
  /** The new stored bytes (timestamped stores: with their timestamp), `null` for a delete. */
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/** What kind of store answers a query, as Kafka Streams' `QueryableStoreType`. */
export type QueryableStoreKind = 'keyValue' | 'window' | 'session';

/** A store as queries see it: its kind, how it is partitioned and how its bytes are read. */
export interface QueryableStoreInfo {
  readonly name: string;
  readonly kind: QueryableStoreKind;
  /**
   * The source topics of the store's sub-topology: store partition `p` is task partition `p`,
   * and the instance holding `{ topic: any of these, partition: p }` holds the store's partition.
   */
  readonly sourceTopics: readonly string[];
  /** Number of partitions (tasks) the store is split into. */
  readonly partitions: number;
  /** Serde of the keys (the partitioner hashes the bytes it writes). */
  readonly keySerde: Serde<unknown>;
  /** Serde of the plain values (without the timestamp of a timestamped store). */
  readonly valueSerde: Serde<unknown>;
  /** The topic name serdes are called with (the changelog topic, by convention). */
  readonly serdeTopic: string;
  /** True when stored value bytes start with an 8-byte timestamp (`ValueAndTimestamp`, KTable stores). */
  readonly timestamped: boolean;
  /** Window size in ms (window stores only), to build each result's window end. */
  readonly windowSizeMs?: number;
  /** Reads a key given as text (GraphQL arguments); default: the text, else a number, else JSON. */
  readonly parseKey?: (text: string) => unknown;
  /** Writes a key as text; default: strings as they are, numbers in decimal, else JSON. */
  readonly formatKey?: (key: unknown) => string;
}

/** One client of the group and the partitions it holds. */
export interface HostPartitions {
  readonly endpoint: string;
  readonly active: readonly TopicPartition[];
  readonly standby: readonly TopicPartition[];
}

/** Byte stores of any kind, as `LocalStorePartition.store` holds them. */
export type ByteStore = KeyValueStore<Buffer, Buffer> | WindowStore<Buffer, Buffer> | SessionStore<Buffer, Buffer>;

/** One local partition of a store: the byte store of a task, and whether it may be read now. */
export interface LocalStorePartition {
  readonly partition: number;
  /** True for an active task's store, false for a standby replica. */
  readonly active: boolean;
  /** RUNNING: up to date, may be read. RESTORING: catching up on its changelog (stale). */
  readonly state: 'RUNNING' | 'RESTORING';
  /** The store as bytes (cache included where the task has one), of the kind of its `QueryableStoreInfo`. */
  readonly store: ByteStore;
  /** Changelog records this copy is behind (standbys and restoring tasks), when known. */
  readonly offsetLag?: number;
}
