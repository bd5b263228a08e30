import type { TopologyOptimization } from '../../config.js';
import { TopologyException } from '../../errors.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode, RootNode } from './graph-node.js';
import { mergeRepartitionTopics } from './merge-repartition-topics.js';
import { STATE_STORE_INFIX } from './name-prefixes.js';
import { RepartitionNode } from './repartition-node.js';
import { StreamSourceNode } from './stream-source-node.js';
import { StreamStreamJoinNode } from './stream-stream-join-node.js';
import { TableSourceNode } from './table-source-node.js';

/**
 * The state behind one `StreamsBuilder` (Kafka's `InternalStreamsBuilder`): the name counter,
 * the logical graph, and the step that writes the graph into the `Topology`.
 *
 * This is the API the DSL's operators (and the stateful operators built on them) use:
 * - `newProcessorName(prefix)` / `newStoreName(prefix)`: Kafka's generated names, one counter
 *   shared by processors and stores, `%010d` (SEMANTICS §13.1);
 * - `addGraphNode(parents, child)`: attach a node; its build priority is the order of addition;
 * - `sourceTopicsOf(sourceNodeNames)`: the topics behind a stream's sub-topology sources, for
 *   co-partitioning joins;
 * - `buildTopology()`: write every node not written yet, in build-priority order.
 */
export class InternalStreamsBuilder {
  readonly root: GraphNode = new RootNode();
  #index = 0;
  #buildPriority = 0;
  readonly #sourceTopics = new Map<string, readonly string[]>();

  constructor(readonly topology: Topology) {}

  /** `prefix` + the next index as 10 digits, e.g. `KSTREAM-FILTER-0000000001`. */
  newProcessorName(prefix: string): string {
    return prefix + String(this.#index++).padStart(10, '0');
  }

  /** `prefix` + `STATE-STORE-` + the next index, e.g. `KSTREAM-AGGREGATE-STATE-STORE-0000000002`. */
  newStoreName(prefix: string): string {
    return prefix + STATE_STORE_INFIX + String(this.#index++).padStart(10, '0');
  }

  /** Makes `child` a child of every parent (a merge has several) and gives it the next build priority. */
  addGraphNode(parents: GraphNode | readonly GraphNode[], child: GraphNode): void {
    const list = parents instanceof GraphNode ? [parents] : parents;
    if (list.length === 0) throw new Error(`Graph node ${child.nodeName} needs at least one parent`);
    for (const parent of list) parent.addChild(child);
    child.buildPriority = this.#buildPriority++;
    const topics = child.readsTopics();
    if (topics.length > 0) this.#sourceTopics.set(child.nodeName, topics);
  }

  /** The topics read by the given source nodes (repartition topics by their short names). */
  sourceTopicsOf(sourceNodeNames: Iterable<string>): string[] {
    const topics: string[] = [];
    for (const name of sourceNodeNames) topics.push(...(this.#sourceTopics.get(name) ?? []));
    return topics;
  }

  /**
   * Writes the nodes added since the last call into the topology, in build-priority order.
   * Parents always have a lower priority than their children, so this is the order of Kafka's
   * priority-queue walk in `buildAndOptimizeTopology`, after Kafka's `optimizeTopology`.
   */
  buildTopology(optimizations: ReadonlySet<TopologyOptimization> = new Set()): Topology {
    // Nothing new to write: the topology is what earlier builds made it, whatever this one asks.
    if (this.topology.optimizations !== undefined && !this.#hasUnwrittenNodes()) return this.topology;
    this.topology.recordOptimizations(optimizations);
    this.#mergeDuplicateSourceNodes();
    if (optimizations.has('merge.repartition.topics')) this.#mergeRepartitionTopics();
    this.#relaxNullKeyFiltersUpstreamOfLeftJoins();
    if (optimizations.has('reuse.ktable.source.topics')) this.#reuseKTableSourceTopics();
    if (optimizations.has('single.store.self.join')) this.#rewriteSingleStoreSelfJoins();
    const pending = [...this.#unwrittenNodes()];
    pending.sort((a, b) => a.buildPriority - b.buildPriority);
    for (const node of pending) {
      node.writeTo(this.topology);
      node.written = true;
    }
    return this.topology;
  }

  #hasUnwrittenNodes(): boolean {
    return !this.#unwrittenNodes().next().done;
  }

  /** The graph's nodes not yet written to the topology (each once, in depth-first order). */
  *#unwrittenNodes(): Generator<GraphNode> {
    const seen = new Set<GraphNode>();
    const stack: GraphNode[] = [this.root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      if (node !== this.root && !node.written) yield node;
      stack.push(...node.children);
    }
  }

  /**
   * Kafka's `mergeRepartitionTopics` (see `merge-repartition-topics.ts`); like Kafka's
   * `maybeUpdateCopartitionSourceGroups`, a join naming a replaced node co-partitions on the merged topic.
   */
  #mergeRepartitionTopics(): void {
    mergeRepartitionTopics({
      root: this.root,
      newProcessorName: (prefix) => this.newProcessorName(prefix),
      replaced: (replaced, merged) => {
        this.#sourceTopics.set(replaced.nodeName, merged.readsTopics());
        this.#sourceTopics.set(merged.nodeName, merged.readsTopics());
      },
    });
  }

  /** Kafka's `reuseKTableSourceTopics`: every `builder.table()` source uses its topic as its store's changelog. */
  #reuseKTableSourceTopics(): void {
    for (const node of this.root.children) {
      if (node instanceof TableSourceNode && !node.global && !node.written) node.reuseSourceTopicForChangelog = true;
    }
  }

  /** Kafka's `rewriteSingleStoreSelfJoin` (KIP-862): inner joins of a stream with itself keep one window store. */
  #rewriteSingleStoreSelfJoins(): void {
    for (const node of [...this.#unwrittenNodes()]) {
      if (node instanceof StreamStreamJoinNode) node.rewriteAsSelfJoin();
    }
  }

  /**
   * Kafka's `rewriteRepartitionNodes` (KIP-962): a repartition topic upstream of a join that keeps
   * null-key records (left stream-table and stream-global joins, labelled
   * `NULL_KEY_RELAXED_JOIN`) lets null keys through its filter; every other one drops them.
   */
  #relaxNullKeyFiltersUpstreamOfLeftJoins(): void {
    const visited = new Set<GraphNode>();
    const upstreamOfRelaxedJoin = new Set<GraphNode>();
    const visit = (node: GraphNode): void => {
      if (visited.has(node)) return;
      for (const child of node.children) {
        visit(child);
        if (child.labels.has('NULL_KEY_RELAXED_JOIN') || upstreamOfRelaxedJoin.has(child)) upstreamOfRelaxedJoin.add(node);
      }
      visited.add(node);
    };
    visit(this.root);
    for (const node of visited) {
      if (node instanceof RepartitionNode && upstreamOfRelaxedJoin.has(node)) node.filtersNullKeys = false;
    }
  }

  /**
   * Kafka's `mergeDuplicateSourceNodes`: `stream('t')` called twice gives one source node for `t`;
   * the later node's children move to the first, and the later one is never written (its index
   * stays used). Sources whose topic lists overlap without being equal cannot be merged.
   */
  #mergeDuplicateSourceNodes(): void {
    const byTopic = new Map<string, StreamSourceNode>();
    for (const node of [...this.root.children]) {
      if (!(node instanceof StreamSourceNode)) continue;
      const main = node.topics.map((t) => byTopic.get(t)).find((n) => n !== undefined);
      if (main === undefined) {
        for (const topic of node.topics) byTopic.set(topic, node);
        continue;
      }
      const sameTopics = main.topics.length === node.topics.length && main.topics.every((t) => node.topics.includes(t));
      if (!sameTopics) {
        throw new TopologyException(`Two source nodes are subscribed to overlapping but not equal input topics: ${main.nodeName} [${main.topics.join(', ')}] and ${node.nodeName} [${node.topics.join(', ')}]`);
      }
      if (node.written) continue;
      for (const child of [...node.children]) {
        node.removeChild(child);
        main.addChild(child);
      }
      this.root.removeChild(node);
    }
  }
}
