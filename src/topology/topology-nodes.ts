import type { ProcessorSupplier } from '../processor/processor.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBuilder } from '../state/store-builder.js';
import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import type { TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { TopicNameExtractor } from '../processor/topic-name-extractor.js';
import type { Serde } from '../serde/serde.js';

/**
 * The node definitions a `Topology` holds (Kafka's `NodeFactory`s). Internal: the StreamTask
 * builds running nodes from them; users see only `TopologyDescription`.
 */

/** Options of `Topology.addSource`. Serdes default to `default.key.serde` / `default.value.serde`. */
export interface SourceOptions<K = unknown, V = unknown> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Defaults to `default.timestamp.extractor`, else `FailOnInvalidTimestamp`. */
  readonly timestampExtractor?: TimestampExtractor;
  /** Where to start when the group has no committed offset for the topic; default 'earliest'. */
  readonly offsetReset?: 'earliest' | 'latest';
}

/** Options of `Topology.addSink`. Serdes default to `default.key.serde` / `default.value.serde`. */
export interface SinkOptions<K = unknown, V = unknown> {
  readonly keySerde?: Serde<K>;
  readonly valueSerde?: Serde<V>;
  /** Chooses the output partition; default: Kafka's default partitioner on the serialized key. */
  readonly partitioner?: StreamPartitioner<K, V>;
}

export interface SourceNodeDef {
  readonly kind: 'source';
  readonly name: string;
  /** Topic names as given (short names for repartition topics). */
  readonly topics: readonly string[];
  readonly options: SourceOptions;
  /** True for the source of a global store (read by every instance, outside tasks). */
  readonly global?: boolean;
}

export interface ProcessorNodeDef {
  readonly kind: 'processor';
  readonly name: string;
  readonly parents: readonly string[];
  readonly supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  /** State stores connected to the processor (names). */
  readonly stores: string[];
}

export interface SinkNodeDef {
  readonly kind: 'sink';
  readonly name: string;
  readonly parents: readonly string[];
  /** A fixed topic (short name for repartition topics) or a per-record extractor. */
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly options: SinkOptions;
}

export type TopologyNodeDef = SourceNodeDef | ProcessorNodeDef | SinkNodeDef;

/**
 * One sub-topology, ready to run: what a StreamTask instantiates for each of its tasks.
 * Topic names are full names (repartition topics carry the application id prefix).
 */
export interface SubtopologyPlan {
  readonly id: number;
  /** Nodes in the order they were added (parents always before children). */
  readonly nodes: readonly TopologyNodeDef[];
  /** Full source topic name → source node. */
  readonly sourceByTopic: ReadonlyMap<string, SourceNodeDef>;
  /** Children of each node, in the order they were connected. */
  readonly children: ReadonlyMap<string, readonly string[]>;
  /** Full topic name of each sink with a fixed topic. */
  readonly sinkTopic: ReadonlyMap<string, string>;
  /** Full names of this sub-topology's repartition source topics (FailOnInvalidTimestamp applies). */
  readonly repartitionSourceTopics: ReadonlySet<string>;
  /**
   * The stores connected to the sub-topology's processors, in the order they were added to the
   * topology (the order a task opens and flushes them), with their changelog topic when logged.
   */
  readonly stores: readonly TaskStorePlan[];
}

/** A state store of a sub-topology, as a task builds it. */
export interface TaskStorePlan {
  readonly builder: StoreBuilder<StateStore>;
  /**
   * Full changelog topic name `<application.id>-<store>-changelog`, or the source topic the
   * store is read from when that is its changelog (`sourceTopicChangelog`), or undefined when
   * the store is not logged.
   */
  readonly changelogTopic: string | undefined;
  /**
   * True when `changelogTopic` is a source topic of the task (`topology.optimization=
   * reuse.ktable.source.topics`): nothing writes it for the store, and it is restored only up to
   * the group's committed offset of the task's partition (later records are processed again).
   */
  readonly sourceTopicChangelog: boolean;
}

/** A global store: its source and update processor, run by every instance over all partitions of `topic`. */
export interface GlobalStorePlan {
  readonly id: number;
  readonly builder: StoreBuilder<StateStore>;
  readonly topic: string;
  readonly source: SourceNodeDef;
  readonly processor: ProcessorNodeDef;
}
