import type { TopicNameExtractor } from '../processor/topic-name-extractor.js';
import { hashSetCapacityFromCollection, hashSetCapacityIncremental, javaHashOrder, JavaTreeSet } from './java-order.js';
import type { TopologyNodeDef } from './topology-nodes.js';

/**
 * What `Topology.describe()` returns (Kafka's `TopologyDescription`): sub-topologies with their
 * nodes, and a `toString()` that prints exactly as Kafka Streams does, so tests can assert on it.
 */
export interface TopologyDescription {
  readonly subtopologies: readonly SubtopologyDescription[];
  readonly globalStores: readonly GlobalStoreDescription[];
  /** Kafka's text form: `Topologies:\n   Sub-topology: 0\n    Source: ...`. */
  toString(): string;
}

export interface SubtopologyDescription {
  readonly id: number;
  /** In Kafka's print order: larger subtrees first, then by name. */
  readonly nodes: readonly NodeDescription[];
  toString(): string;
}

export interface GlobalStoreDescription {
  readonly id: number;
  readonly source: SourceNodeDescription;
  readonly processor: ProcessorNodeDescription;
  toString(): string;
}

interface NodeDescriptionBase {
  readonly name: string;
  /** Names of the parent nodes, in Kafka's print order. */
  readonly predecessors: readonly string[];
  /** Names of the child nodes, in Kafka's print order. */
  readonly successors: readonly string[];
  toString(): string;
}

export interface SourceNodeDescription extends NodeDescriptionBase {
  readonly type: 'source';
  /** Topic names (short names for repartition topics), in Kafka's print order. */
  readonly topics: readonly string[];
}

export interface ProcessorNodeDescription extends NodeDescriptionBase {
  readonly type: 'processor';
  readonly stores: readonly string[];
}

export interface SinkNodeDescription extends NodeDescriptionBase {
  readonly type: 'sink';
  /** The fixed topic, or undefined when a TopicNameExtractor chooses it. */
  readonly topic: string | undefined;
  readonly topicNameExtractor: TopicNameExtractor<unknown, unknown> | undefined;
}

export type NodeDescription = SourceNodeDescription | ProcessorNodeDescription | SinkNodeDescription;

/** A node while being described: sizes change as edges are added, as in Kafka's `AbstractNode`. */
interface DescribedNode {
  readonly def: TopologyNodeDef;
  size: number;
  readonly predecessors: JavaTreeSet<DescribedNode>;
  readonly successors: JavaTreeSet<DescribedNode>;
}

// Kafka's NodeComparator: larger subtree first, then name.
function compareNodes(a: DescribedNode, b: DescribedNode): number {
  if (a === b) return 0;
  if (a.size !== b.size) return b.size - a.size;
  return a.def.name < b.def.name ? -1 : a.def.name > b.def.name ? 1 : 0;
}

function updateSize(node: DescribedNode, delta: number): void {
  node.size += delta;
  for (const p of node.predecessors.values()) updateSize(p, delta);
}

function names(nodes: readonly string[]): string {
  return nodes.length === 0 ? 'none' : nodes.join(', ');
}

function extractorLabel(extractor: TopicNameExtractor<unknown, unknown>): string {
  return extractor.name.length > 0 ? extractor.name : 'anonymous';
}

function freeze(node: DescribedNode): NodeDescription {
  const def = node.def;
  const predecessors = node.predecessors.values().map((n) => n.def.name);
  const successors = node.successors.values().map((n) => n.def.name);
  switch (def.kind) {
    case 'source': {
      const topics = javaHashOrder(def.topics, hashSetCapacityFromCollection(def.topics.length));
      const text = `Source: ${def.name} (topics: [${topics.join(', ')}])\n      --> ${names(successors)}`;
      return { type: 'source', name: def.name, topics, predecessors, successors, toString: () => text };
    }
    case 'processor': {
      const stores = javaHashOrder(def.stores, hashSetCapacityFromCollection(def.stores.length));
      const text = `Processor: ${def.name} (stores: [${stores.join(', ')}])\n      --> ${names(successors)}\n      <-- ${names(predecessors)}`;
      return { type: 'processor', name: def.name, stores, predecessors, successors, toString: () => text };
    }
    case 'sink': {
      const topic = typeof def.topic === 'string' ? def.topic : undefined;
      const extractor = typeof def.topic === 'string' ? undefined : def.topic;
      const target = extractor === undefined ? `topic: ${String(topic)}` : `extractor class: ${extractorLabel(extractor)}`;
      const text = `Sink: ${def.name} (${target})\n      <-- ${names(predecessors)}`;
      return { type: 'sink', name: def.name, topic, topicNameExtractor: extractor, predecessors, successors, toString: () => text };
    }
  }
}

/**
 * Describes one sub-topology as Kafka's `describeSubtopology` does: nodes are visited in the
 * iteration order of Kafka's HashMap of node names, and each edge updates subtree sizes while the
 * TreeSets of predecessors/successors are being filled.
 */
export function describeSubtopology(id: number, nodesInAddOrder: readonly TopologyNodeDef[]): SubtopologyDescription {
  const byName = new Map<string, DescribedNode>();
  for (const def of nodesInAddOrder) {
    byName.set(def.name, { def, size: 1, predecessors: new JavaTreeSet(compareNodes), successors: new JavaTreeSet(compareNodes) });
  }
  const visitOrder = javaHashOrder(nodesInAddOrder.map((d) => d.name), hashSetCapacityIncremental(nodesInAddOrder.length));
  for (const name of visitOrder) {
    const node = byName.get(name);
    if (node === undefined || node.def.kind === 'source') continue;
    for (const parentName of node.def.parents) {
      const parent = byName.get(parentName);
      if (parent === undefined) continue;
      node.predecessors.add(parent);
      parent.successors.add(node);
      updateSize(parent, node.size);
    }
  }
  const nodes = [...byName.values()].sort(compareNodes).map(freeze);
  const text = `Sub-topology: ${id}\n${nodes.map((n) => `    ${n.toString()}\n`).join('')}\n`;
  return { id, nodes, toString: () => text };
}

/** Kafka's `TopologyDescription.toString`: sub-topologies and global stores interleaved by id. */
export function makeTopologyDescription(subtopologies: readonly SubtopologyDescription[], globalStores: readonly GlobalStoreDescription[] = []): TopologyDescription {
  const parts = [...subtopologies, ...globalStores].sort((a, b) => a.id - b.id);
  const text = `Topologies:\n ${parts.map((p) => `  ${p.toString()}`).join('')}`;
  return { subtopologies: [...subtopologies], globalStores: [...globalStores], toString: () => text };
}

/**
 * Describes a global store as Kafka's `GlobalStore` does: its source and update processor under
 * `Sub-topology: N for global store (will not generate tasks)`, numbered with the sub-topologies.
 */
export function describeGlobalStore(id: number, source: TopologyNodeDef, processor: TopologyNodeDef): GlobalStoreDescription {
  const nodes = describeSubtopology(id, [source, processor]).nodes;
  const sourceDescription = nodes.find((n): n is SourceNodeDescription => n.type === 'source') as SourceNodeDescription;
  const processorDescription = nodes.find((n): n is ProcessorNodeDescription => n.type === 'processor') as ProcessorNodeDescription;
  const text = `Sub-topology: ${id} for global store (will not generate tasks)\n    ${sourceDescription.toString()}\n    ${processorDescription.toString()}\n`;
  return { id, source: sourceDescription, processor: processorDescription, toString: () => text };
}
