/**
 * What the runtime needs to know about a built topology, independent of how the graph is
 * represented inside `topology/`. `Topology` produces it for a given application id
 * (internal topic names carry the application id as a prefix, as in Kafka Streams).
 */

export interface InternalTopicSpec {
  /** Full topic name, e.g. `<application.id>-KSTREAM-REPARTITION-0000000003-repartition`. */
  readonly name: string;
  readonly kind: 'repartition' | 'changelog';
  /**
   * A fixed partition count (set with `Repartitioned.withNumberOfPartitions` / `repartition()`),
   * or undefined: then the count is the max partition count of the source topics of the
   * sub-topology that writes into it (Kafka Streams' rule), which the runtime resolves.
   */
  readonly partitions?: number;
  /** Which sub-topology writes into this topic (repartition) or owns the store (changelog). */
  readonly writerSubtopology: number;
  readonly configs: Readonly<Record<string, string>>;
}

export interface SubtopologyMetadata {
  readonly id: number;
  /** All topics this sub-topology reads (user topics and full internal topic names). */
  readonly sourceTopics: readonly string[];
  /** The subset of `sourceTopics` that are internal repartition topics. */
  readonly repartitionSourceTopics: readonly string[];
  /** Groups of topics that must have the same partition count (joins); each group ⊆ sourceTopics. */
  readonly copartitionGroups: readonly (readonly string[])[];
  /**
   * The subset of `sourceTopics` that are also the changelog of a store of the sub-topology
   * (`topology.optimization=reuse.ktable.source.topics`); such a sub-topology is stateful (its
   * tasks restore and get standbys) though it may create no changelog topic. Absent: none.
   */
  readonly sourceChangelogTopics?: readonly string[];
}

export interface TopologyMetadata {
  readonly applicationId: string;
  readonly subtopologies: readonly SubtopologyMetadata[];
  /** Every internal topic (repartition, changelog) the runtime must create before starting. */
  readonly internalTopics: readonly InternalTopicSpec[];
  /** User topics written by sinks with a fixed name (dynamic `to(extractor)` topics are not known). */
  readonly sinkTopics: readonly string[];
  /**
   * Global stores: every instance reads all partitions of each topic into its store, outside any
   * task (the runtime runs them through a `GlobalStateTask`). Absent or empty: none. Their topics
   * are in no sub-topology's `sourceTopics`.
   */
  readonly globalStores?: readonly GlobalStoreMetadata[];
}

export interface GlobalStoreMetadata {
  readonly storeName: string;
  /** The topic the store is read from (and restored from: it is the store's changelog). */
  readonly topic: string;
}
