import type { TopologyOptimization } from '../config.js';
import { TopologyException } from '../errors.js';
import type { ProcessorSupplier } from '../processor/processor.js';
import type { TopicNameExtractor } from '../processor/topic-name-extractor.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBuilder } from '../state/store-builder.js';
import { changelogTopicConfigs, changelogTopicName } from './changelog-topics.js';
import { NodeGrouper } from './node-grouper.js';
import { describeGlobalStore, describeSubtopology, makeTopologyDescription, type TopologyDescription } from './topology-description.js';
import type { GlobalStoreMetadata, InternalTopicSpec, SubtopologyMetadata, TopologyMetadata } from './topology-metadata.js';
import type {
  GlobalStorePlan, ProcessorNodeDef, SinkNodeDef, SinkOptions, SourceNodeDef, SourceOptions, SubtopologyPlan, TaskStorePlan, TopologyNodeDef,
} from './topology-nodes.js';

export type { SinkOptions, SourceOptions } from './topology-nodes.js';

/** Kafka's `RepartitionTopicConfig` defaults (KIP-284: data is kept until the runtime purges it). */
const REPARTITION_TOPIC_CONFIGS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'segment.bytes': '52428800',
  'retention.ms': '-1',
};

/**
 * A processor graph: sources that read topics, processors, and sinks that write topics (Kafka's
 * `Topology`). Build one by hand with `addSource` / `addProcessor` / `addSink`, or get one from
 * `StreamsBuilder.build()`. Run it with `KafkaStreams`, or test it with `TopologyTestDriver`.
 *
 * Nodes connected through parent links form a sub-topology; each sub-topology runs as one task
 * per input partition. A repartition topic splits the graph: the sink that writes it and the
 * source that reads it are in different sub-topologies.
 *
 * @example
 * const topology = new Topology()
 *   .addSource('Source', 'input')
 *   .addProcessor('Upper', () => new UpperCase(), 'Source')
 *   .addSink('Sink', 'output', 'Upper');
 * console.log(topology.describe().toString());
 */
export class Topology {
  // Insertion order is Kafka's "topological order": parents are always added before children.
  readonly #nodes = new Map<string, TopologyNodeDef>();
  readonly #children = new Map<string, string[]>();
  readonly #grouper = new NodeGrouper();
  readonly #sourceTopics = new Set<string>();
  /** Short repartition topic name → fixed partition count (undefined: resolved by the runtime). */
  readonly #repartitionTopics = new Map<string, number | undefined>();
  readonly #copartitionGroups: string[][] = [];
  /** Stores of tasks by name, in the order they were added, with the processors using them. */
  readonly #stores = new Map<string, { readonly builder: StoreBuilder<StateStore>; readonly users: string[] }>();
  /** Stores whose changelog is the source topic they are read from (Kafka's `storeToChangelogTopic` of source stores). */
  readonly #sourceStoreTopics = new Map<string, string>();
  /** The `topology.optimization` the DSL built this topology with (undefined: not built by a StreamsBuilder yet). */
  #optimizations: ReadonlySet<TopologyOptimization> | undefined;
  /** Global stores by name, in the order they were added. */
  readonly #globalStores = new Map<string, { readonly builder: StoreBuilder<StateStore>; readonly source: string; readonly processor: string; readonly topic: string }>();

  /**
   * Adds a source node reading one or more topics.
   *
   * @param name unique node name
   * @param topics topic name(s); each topic can be read by one source only
   * @param options serdes (default: `default.key.serde` / `default.value.serde`), timestamp extractor, offset reset
   * @throws TopologyException on a duplicate name, no topic, or a topic already read by another source
   */
  addSource<K = unknown, V = unknown>(name: string, topics: string | readonly string[], options: SourceOptions<K, V> = {}): this {
    const list = typeof topics === 'string' ? [topics] : [...topics];
    this.#checkNewName(name);
    if (list.length === 0) throw new TopologyException(`You must provide at least one topic for source ${name}`);
    for (const topic of list) {
      if (typeof topic !== 'string' || topic.length === 0) {
        throw new TopologyException(`Topic names of source ${name} must be non-empty strings, but got: ${String(topic)}`);
      }
      if (this.#sourceTopics.has(topic)) throw new TopologyException(`Topic ${topic} has already been registered by another source.`);
    }
    for (const topic of list) this.#sourceTopics.add(topic);
    this.#addNode({ kind: 'source', name, topics: list, options: options as SourceOptions }, []);
    return this;
  }

  /**
   * Adds a processor node, child of the given parents.
   *
   * @param name unique node name
   * @param supplier makes a new processor for each task: `() => new MyProcessor()` or `{ get() {...} }`
   * @param parentNames names of sources or processors already added
   * @throws TopologyException on a duplicate name, no parent, an unknown parent, or a sink as parent
   */
  addProcessor<KIn = unknown, VIn = unknown, KOut = unknown, VOut = unknown>(
    name: string,
    supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>,
    ...parentNames: string[]
  ): this {
    this.#checkNewName(name);
    if (typeof supplier !== 'function' && (typeof supplier !== 'object' || supplier === null || typeof supplier.get !== 'function')) {
      throw new TopologyException(`The supplier of processor ${name} must be a function or an object with get(), but got: ${String(supplier)}`);
    }
    this.#checkParents('Processor', name, parentNames);
    this.#addNode(
      { kind: 'processor', name, parents: [...parentNames], supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, stores: [] },
      parentNames,
    );
    return this;
  }

  /**
   * Adds a sink node writing its input to a topic, fixed or chosen per record.
   * `addSink(name, topic, ...parentNames)` is accepted too (no options).
   *
   * @param name unique node name
   * @param topic the output topic, or a `TopicNameExtractor` choosing it per record
   * @param options serdes (default: the configured defaults) and partitioner
   * @param parentNames names of sources or processors already added
   * @throws TopologyException on a duplicate name, no parent, an unknown parent, or a sink as parent
   */
  addSink<K = unknown, V = unknown>(name: string, topic: string | TopicNameExtractor<K, V>, options?: SinkOptions<K, V> | string, ...parentNames: string[]): this {
    const parents = typeof options === 'string' ? [options, ...parentNames] : parentNames;
    const opts: SinkOptions<K, V> = typeof options === 'object' && options !== null ? options : {};
    this.#checkNewName(name);
    if (typeof topic !== 'function' && (typeof topic !== 'string' || topic.length === 0)) {
      throw new TopologyException(`The topic of sink ${name} must be a non-empty string or a TopicNameExtractor, but got: ${String(topic)}`);
    }
    this.#checkParents('Sink', name, parents);
    this.#addNode(
      { kind: 'sink', name, parents: [...parents], topic: topic as SinkNodeDef['topic'], options: opts as SinkOptions },
      parents,
    );
    return this;
  }

  /**
   * Adds a state store and connects it to the given processors (Kafka's `addStateStore`); each
   * task of the sub-topology of those processors gets its own copy, opened before processing,
   * flushed on commit, and (when logged) written to the changelog topic
   * `<application.id>-<store>-changelog`. Processors get it with `context.getStateStore(name)`.
   *
   * Adding the same builder again only connects processors. Connecting processors of different
   * sub-topologies merges them into one sub-topology (as Kafka Streams does: a store belongs to
   * one task).
   *
   * @param storeBuilder e.g. `Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long())`
   * @param processorNames processors already added that use the store
   * @throws TopologyException when another store (or a global store) has that name, or a processor is unknown or not a processor
   */
  addStateStore(storeBuilder: StoreBuilder<StateStore>, ...processorNames: string[]): this {
    if (storeBuilder === null || typeof storeBuilder !== 'object' || typeof storeBuilder.build !== 'function') {
      throw new TopologyException(`storeBuilder must be a StoreBuilder (e.g. Stores.keyValueStoreBuilder(...)), but got: ${String(storeBuilder)}`);
    }
    const name = storeBuilder.name;
    if (typeof name !== 'string' || name.length === 0) throw new TopologyException(`The store name must be a non-empty string, but got: ${String(name)}`);
    const existing = this.#stores.get(name);
    if (existing !== undefined && existing.builder !== storeBuilder) {
      throw new TopologyException(`A different StateStore has already been added with the name ${name}`);
    }
    if (this.#globalStores.has(name)) throw new TopologyException(`A different GlobalStateStore has already been added with the name ${name}`);
    if (existing === undefined) this.#stores.set(name, { builder: storeBuilder, users: [] });
    for (const processorName of processorNames) this.#connect(processorName, name);
    return this;
  }

  /**
   * Connects processors to stores added before (Kafka's `connectProcessorAndStateStores`).
   * @throws TopologyException when no store is named, a store or the processor is unknown, the
   *   node is a source or sink, or a store is global (processors use global stores without connecting)
   */
  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    if (storeNames.length === 0) throw new TopologyException('stateStoreNames cannot be empty');
    for (const storeName of storeNames) this.#connect(processorName, storeName);
    return this;
  }

  /**
   * Adds a global store (Kafka's `addGlobalStore`): every instance reads all partitions of
   * `topic` into one copy of the store, outside any task, restoring it from `topic` before
   * processing starts; the topic is the store's changelog, so logging is disabled on the builder.
   * `stateUpdateSupplier` makes the processor that writes each record into the store (it forwards
   * nothing). Every processor of the topology reads the store with `context.getStateStore(name)`.
   *
   * @param storeBuilder the store (its logging is turned off)
   * @param sourceName name of the source node reading `topic`
   * @param topic the topic read into the store
   * @param sourceOptions serdes and timestamp extractor of the source (default: the configured serdes)
   * @param processorName name of the update processor node
   * @param stateUpdateSupplier makes the update processor
   * @throws TopologyException on a duplicate node or store name, or a topic already read by a source
   */
  addGlobalStore<K = unknown, V = unknown>(
    storeBuilder: StoreBuilder<StateStore>,
    sourceName: string,
    topic: string,
    sourceOptions: SourceOptions<K, V>,
    processorName: string,
    stateUpdateSupplier: ProcessorSupplier<K, V, void, void>,
  ): this {
    if (storeBuilder === null || typeof storeBuilder !== 'object' || typeof storeBuilder.build !== 'function') {
      throw new TopologyException(`storeBuilder must be a StoreBuilder (e.g. Stores.keyValueStoreBuilder(...)), but got: ${String(storeBuilder)}`);
    }
    const storeName = storeBuilder.name;
    if (this.#stores.has(storeName)) throw new TopologyException(`A different StateStore has already been added with the name ${storeName}`);
    if (this.#globalStores.has(storeName)) throw new TopologyException(`A different GlobalStateStore has already been added with the name ${storeName}`);
    if (typeof topic !== 'string' || topic.length === 0) throw new TopologyException(`The topic of global store ${storeName} must be a non-empty string, but got: ${String(topic)}`);
    if (this.#sourceTopics.has(topic)) throw new TopologyException(`Topic ${topic} has already been registered by another source.`);
    this.#checkNewName(sourceName);
    this.#checkNewName(processorName);
    if (sourceName === processorName) throw new TopologyException(`Processor ${processorName} is already added.`);
    if (typeof stateUpdateSupplier !== 'function' && (typeof stateUpdateSupplier !== 'object' || stateUpdateSupplier === null || typeof stateUpdateSupplier.get !== 'function')) {
      throw new TopologyException(`The supplier of processor ${processorName} must be a function or an object with get(), but got: ${String(stateUpdateSupplier)}`);
    }
    storeBuilder.withLoggingDisabled();
    this.#sourceTopics.add(topic);
    this.#addNode({ kind: 'source', name: sourceName, topics: [topic], options: (sourceOptions ?? {}) as SourceOptions, global: true }, []);
    this.#addNode(
      {
        kind: 'processor',
        name: processorName,
        parents: [sourceName],
        supplier: stateUpdateSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>,
        stores: [storeName],
      },
      [sourceName],
    );
    this.#globalStores.set(storeName, { builder: storeBuilder, source: sourceName, processor: processorName, topic });
    return this;
  }

  /**
   * @internal Used by the DSL (`topology.optimization=reuse.ktable.source.topics`, Kafka's
   * `connectSourceStoreAndTopic`): the key-value store `storeName`, filled from source topic
   * `topic` by its table source, uses that topic as its changelog. Its logging must be disabled
   * (no `<application.id>-<store>-changelog` is created or written); a task restores it from its
   * partition of `topic` up to the group's committed offset, and standbys follow `topic`.
   * @throws TopologyException when the store is unknown, logged, already connected, or `topic` is not read by a source
   */
  connectSourceStoreAndTopic(storeName: string, topic: string): this {
    const store = this.#stores.get(storeName);
    if (store === undefined) throw new TopologyException(`StateStore ${storeName} is not added yet.`);
    if (store.builder.loggingEnabled) throw new TopologyException(`Source store ${storeName} must have logging disabled to use topic ${topic} as its changelog`);
    if (this.#sourceStoreTopics.has(storeName)) throw new TopologyException(`Source store ${storeName} is already added.`);
    if (!this.#sourceTopics.has(topic) || this.#repartitionTopics.has(topic)) throw new TopologyException(`Topic ${topic} is not a source topic of the topology: it cannot be the changelog of store ${storeName}`);
    this.#sourceStoreTopics.set(storeName, topic);
    return this;
  }

  /**
   * @internal Records the optimizations `StreamsBuilder.build(config)` applied. A builder writes
   * its nodes once, so a later `build()` that writes new nodes must ask for the same ones.
   * @throws TopologyException when an earlier build used other optimizations
   */
  recordOptimizations(optimizations: ReadonlySet<TopologyOptimization>): void {
    const before = this.#optimizations;
    if (before !== undefined && (before.size !== optimizations.size || [...before].some((o) => !optimizations.has(o)))) {
      throw new TopologyException(`This topology was built with topology.optimization '${optimizationText(before)}': building it again with '${optimizationText(optimizations)}' would write the new nodes with another setting than the nodes written before; pass the same config to every build()`);
    }
    this.#optimizations = optimizations;
  }

  /** @internal The optimizations the DSL built this topology with; undefined for a topology no StreamsBuilder built. */
  get optimizations(): ReadonlySet<TopologyOptimization> | undefined {
    return this.#optimizations;
  }

  /**
   * @internal Used by the DSL. Declares `topicName` (without the application-id prefix) an internal
   * repartition topic: the runtime creates it as `<application.id>-<topicName>`, and sources and
   * sinks refer to it by the short name.
   * @param partitions a fixed partition count; by default the max partition count of the source
   *   topics of the sub-topology writing it
   */
  markRepartitionTopic(topicName: string, partitions?: number): this {
    if (partitions !== undefined && (!Number.isInteger(partitions) || partitions < 1)) {
      throw new TopologyException(`The partition count of repartition topic ${topicName} must be an integer >= 1, but got: ${partitions}`);
    }
    this.#repartitionTopics.set(topicName, partitions);
    return this;
  }

  /**
   * @internal Used by the DSL for joins. The given topics (short names for repartition topics)
   * must have the same partition count, checked at start (`validateCopartitioning`).
   */
  addCopartitionGroup(topics: readonly string[]): this {
    if (topics.length < 2) throw new TopologyException(`A co-partition group needs at least two topics, but got: [${topics.join(', ')}]`);
    this.#copartitionGroups.push([...topics]);
    return this;
  }

  /** The graph as Kafka Streams prints it: `topology.describe().toString()`. */
  describe(): TopologyDescription {
    const groups = this.#groups();
    const globalIds = new Set(this.#globalGroupIds(groups));
    const subtopologies = groups.filter(([id]) => !globalIds.has(id)).map(([id, nodes]) => describeSubtopology(id, nodes));
    const globalStores = this.globalStorePlans().map((plan) => describeGlobalStore(plan.id, plan.source, plan.processor));
    return makeTopologyDescription(subtopologies, globalStores);
  }

  /**
   * @internal What the runtime needs before it starts: sub-topologies with their (full) source topic
   * names, internal topics to create, co-partition groups and sink topics.
   * @throws TopologyException when the topology has no source, or a repartition topic no sink writes
   */
  metadata(applicationId: string): TopologyMetadata {
    const allGroups = this.#groups();
    const globalIds = new Set(this.#globalGroupIds(allGroups));
    const groups = allGroups.filter(([id]) => !globalIds.has(id));
    if (groups.length === 0 && globalIds.size > 0) {
      throw new TopologyException('The topology has only global stores: add a source (or a stream/table) that tasks process before running it');
    }
    if (groups.length === 0) throw new TopologyException('The topology has no source node: add a source (or a stream/table) before running it');
    const full = (topic: string): string => this.#fullTopicName(applicationId, topic);
    const copartitionGroups = this.#mergedCopartitionGroups().map((g) => g.map(full));
    const subtopologies: SubtopologyMetadata[] = [];
    const writerOf = new Map<string, number>();
    const sinkTopics = new Set<string>();
    for (const [id, nodes] of groups) {
      const sourceTopics: string[] = [];
      for (const node of nodes) {
        if (node.kind === 'source') sourceTopics.push(...node.topics.map(full));
        if (node.kind === 'sink' && typeof node.topic === 'string') {
          if (this.#repartitionTopics.has(node.topic)) writerOf.set(node.topic, id);
          else sinkTopics.add(node.topic);
        }
      }
      const repartitionSourceTopics = nodes.flatMap((n) => (n.kind === 'source' ? n.topics.filter((t) => this.#repartitionTopics.has(t)).map(full) : []));
      const names = new Set(nodes.map((n) => n.name));
      const sourceChangelogTopics = [...this.#sourceStoreTopics]
        .filter(([storeName]) => this.#stores.get(storeName)?.users.some((u) => names.has(u)) === true)
        .map(([, topic]) => full(topic));
      subtopologies.push({
        id,
        sourceTopics,
        repartitionSourceTopics,
        copartitionGroups: copartitionGroups.filter((g) => g.every((t) => sourceTopics.includes(t))),
        ...(sourceChangelogTopics.length > 0 ? { sourceChangelogTopics } : {}),
      });
    }
    const internalTopics: InternalTopicSpec[] = [];
    for (const [topic, partitions] of this.#repartitionTopics) {
      const writer = writerOf.get(topic);
      if (writer === undefined) throw new TopologyException(`Repartition topic ${topic} is not written by any sink`);
      internalTopics.push({
        name: full(topic),
        kind: 'repartition',
        ...(partitions === undefined ? {} : { partitions }),
        writerSubtopology: writer,
        configs: REPARTITION_TOPIC_CONFIGS,
      });
    }
    for (const [storeName, { builder, users }] of this.#stores) {
      if (!builder.loggingEnabled || users.length === 0) continue;
      internalTopics.push({
        name: changelogTopicName(applicationId, storeName),
        kind: 'changelog',
        writerSubtopology: this.#groupIdOf(allGroups, users[0] as string),
        configs: changelogTopicConfigs(builder),
      });
    }
    const globalStores: GlobalStoreMetadata[] = [...this.#globalStores].map(([storeName, g]) => ({ storeName, topic: g.topic }));
    return { applicationId, subtopologies, internalTopics, sinkTopics: [...sinkTopics], ...(globalStores.length > 0 ? { globalStores } : {}) };
  }

  /** @internal The nodes of one sub-topology, ready for a StreamTask to instantiate. */
  subtopologyPlan(id: number, applicationId: string): SubtopologyPlan {
    const groups = this.#groups();
    const group = groups.find(([groupId]) => groupId === id);
    if (group === undefined || this.#globalGroupIds(groups).includes(id)) throw new TopologyException(`The topology has no sub-topology ${id}`);
    const nodes = group[1];
    const sourceByTopic = new Map<string, SourceNodeDef>();
    const sinkTopic = new Map<string, string>();
    const repartitionSourceTopics = new Set<string>();
    const children = new Map<string, readonly string[]>();
    for (const node of nodes) {
      children.set(node.name, this.#children.get(node.name) ?? []);
      if (node.kind === 'source') {
        for (const topic of node.topics) {
          const name = this.#fullTopicName(applicationId, topic);
          sourceByTopic.set(name, node);
          if (this.#repartitionTopics.has(topic)) repartitionSourceTopics.add(name);
        }
      } else if (node.kind === 'sink' && typeof node.topic === 'string') {
        sinkTopic.set(node.name, this.#fullTopicName(applicationId, node.topic));
      }
    }
    const names = new Set(nodes.map((n) => n.name));
    const stores: TaskStorePlan[] = [];
    for (const [storeName, { builder, users }] of this.#stores) {
      if (!users.some((u) => names.has(u))) continue;
      const sourceTopic = this.#sourceStoreTopics.get(storeName);
      if (sourceTopic !== undefined) stores.push({ builder, changelogTopic: this.#fullTopicName(applicationId, sourceTopic), sourceTopicChangelog: true });
      else stores.push({ builder, changelogTopic: builder.loggingEnabled ? changelogTopicName(applicationId, storeName) : undefined, sourceTopicChangelog: false });
    }
    return { id, nodes, sourceByTopic, children, sinkTopic, repartitionSourceTopics, stores };
  }

  /** @internal The global stores with their source and update processor, in the order they were added. */
  globalStorePlans(): GlobalStorePlan[] {
    const groups = this.#groups();
    return [...this.#globalStores.values()].map(({ builder, source, processor, topic }) => ({
      id: this.#groupIdOf(groups, source),
      builder,
      topic,
      source: this.#nodes.get(source) as SourceNodeDef,
      processor: this.#nodes.get(processor) as ProcessorNodeDef,
    }));
  }

  /** @internal Node definitions in the order they were added. */
  nodes(): readonly TopologyNodeDef[] {
    return [...this.#nodes.values()];
  }

  #connect(processorName: string, storeName: string): void {
    if (this.#globalStores.has(storeName)) {
      throw new TopologyException(`Global StateStore ${storeName} can be used by a Processor without being specified; it should not be explicitly passed.`);
    }
    const store = this.#stores.get(storeName);
    if (store === undefined) throw new TopologyException(`StateStore ${storeName} is not added yet.`);
    const node = this.#nodes.get(processorName);
    if (node === undefined) throw new TopologyException(`Processor ${processorName} is not added yet.`);
    if (node.kind !== 'processor' || this.#isGlobalNode(processorName)) {
      throw new TopologyException(`cannot connect a state store ${storeName} to a source node or a sink node.`);
    }
    // Kafka unites the store's users into one sub-topology: a store lives in one task.
    const firstUser = store.users[0];
    if (firstUser !== undefined) this.#grouper.unite(firstUser, [processorName]);
    if (!store.users.includes(processorName)) store.users.push(processorName);
    if (!node.stores.includes(storeName)) node.stores.push(storeName);
  }

  #isGlobalNode(name: string): boolean {
    for (const g of this.#globalStores.values()) if (g.source === name || g.processor === name) return true;
    return false;
  }

  #globalGroupIds(groups: [number, TopologyNodeDef[]][]): number[] {
    return groups.filter(([, nodes]) => nodes.some((n) => n.kind === 'source' && n.global === true)).map(([id]) => id);
  }

  #groupIdOf(groups: [number, TopologyNodeDef[]][], nodeName: string): number {
    const found = groups.find(([, nodes]) => nodes.some((n) => n.name === nodeName));
    if (found === undefined) throw new TopologyException(`Node ${nodeName} is in no sub-topology`);
    return found[0];
  }

  #fullTopicName(applicationId: string, topic: string): string {
    return this.#repartitionTopics.has(topic) ? `${applicationId}-${topic}` : topic;
  }

  #checkNewName(name: string): void {
    if (typeof name !== 'string' || name.length === 0) throw new TopologyException(`Node names must be non-empty strings, but got: ${String(name)}`);
    if (this.#nodes.has(name)) throw new TopologyException(`Processor ${name} is already added.`);
  }

  #checkParents(kind: 'Processor' | 'Sink', name: string, parentNames: readonly string[]): void {
    if (parentNames.length === 0) throw new TopologyException(`${kind} ${name} must have at least one parent`);
    for (const parent of parentNames) {
      if (parent === name) throw new TopologyException(`Processor ${name} cannot be a predecessor of itself.`);
      const node = this.#nodes.get(parent);
      if (node === undefined) throw new TopologyException(`Predecessor processor ${parent} is not added yet for ${name}`);
      if (node.kind === 'sink') throw new TopologyException(`Sink ${parent} cannot be used a parent of ${name}.`);
    }
  }

  #addNode(def: TopologyNodeDef, parentNames: readonly string[]): void {
    this.#nodes.set(def.name, def);
    this.#children.set(def.name, []);
    for (const parent of parentNames) this.#children.get(parent)?.push(def.name);
    this.#grouper.add(def.name);
    this.#grouper.unite(def.name, parentNames);
  }

  /** Kafka's makeNodeGroups: sub-topology ids in the order of each group's first node. */
  #groups(): [number, TopologyNodeDef[]][] {
    const byRoot = new Map<string, TopologyNodeDef[]>();
    for (const node of this.#nodes.values()) {
      const root = this.#grouper.root(node.name);
      let group = byRoot.get(root);
      if (group === undefined) {
        group = [];
        byRoot.set(root, group);
      }
      group.push(node);
    }
    return [...byRoot.values()].map((nodes, id) => [id, nodes]);
  }

  /** Transitive closure of co-partition groups (Kafka's `copartitionGroups()`), short names. */
  #mergedCopartitionGroups(): string[][] {
    const merged: Set<string>[] = [];
    for (const group of this.#copartitionGroups) {
      const overlapping = merged.filter((m) => group.some((t) => m.has(t)));
      const union = new Set<string>(group);
      for (const m of overlapping) {
        for (const t of m) union.add(t);
        merged.splice(merged.indexOf(m), 1);
      }
      merged.push(union);
    }
    return merged.map((m) => [...m]);
  }
}

function optimizationText(optimizations: ReadonlySet<TopologyOptimization>): string {
  return optimizations.size === 0 ? 'none' : [...optimizations].join(',');
}
