import type { Topology } from '../../topology/topology.js';

/**
 * A node of the DSL's logical graph (Kafka's `GraphNode`). Operators add nodes as they are
 * called; `StreamsBuilder.build()` writes them into the physical `Topology` in the order they were
 * added (their build priority), which is the order Kafka Streams writes them in, so sub-topology
 * numbers and `describe()` come out as Kafka prints them.
 *
 * Keeping a logical graph (rather than writing the Topology as operators are called) lets later
 * operators decide things about earlier nodes before anything is written: e.g. a left join
 * downstream relaxes the null-key filter of a repartition node (`RepartitionNode.filtersNullKeys`).
 */
export abstract class GraphNode {
  readonly #parents: GraphNode[] = [];
  readonly #children: GraphNode[] = [];
  /** Order of addition to the graph; set by `InternalStreamsBuilder.addGraphNode`. */
  buildPriority = -1;
  /** Set once `writeTo` ran: a second `build()` writes only nodes added since. */
  written = false;
  /**
   * True for operators that may change the key (`map`, `selectKey`, `flatMap`; Kafka's
   * `keyChangingOperation`). The repartition decision itself travels with the stream handle
   * (`StreamHandle.repartitionRequired`); this label is for graph-level optimizations.
   */
  keyChangingOperation = false;
  /** True for `mapValues` / `flatMapValues` (Kafka's `valueChangingOperation`). */
  valueChangingOperation = false;
  /** True for the node of `merge` (Kafka's `isMergeNode`). */
  mergeNode = false;
  /** Free-form labels for later passes, e.g. `'NULL_KEY_RELAXED_JOIN'` on left joins (KIP-962). */
  readonly labels = new Set<string>();

  /** @param nodeName the name of the topology node that children connect to */
  constructor(readonly nodeName: string) {}

  get parents(): readonly GraphNode[] {
    return this.#parents;
  }

  get children(): readonly GraphNode[] {
    return this.#children;
  }

  /** @internal Use `InternalStreamsBuilder.addGraphNode`, which also assigns the build priority. */
  addChild(child: GraphNode): void {
    this.#children.push(child);
    child.#parents.push(this);
  }

  /** @internal For graph rewrites before writing (e.g. merging duplicate sources). */
  removeChild(child: GraphNode): void {
    const i = this.#children.indexOf(child);
    if (i >= 0) this.#children.splice(i, 1);
    const j = child.#parents.indexOf(this);
    if (j >= 0) child.#parents.splice(j, 1);
  }

  /** Names of the parent topology nodes (the graph root is no topology node). */
  parentNodeNames(): string[] {
    return this.#parents.filter((p) => !(p instanceof RootNode)).map((p) => p.nodeName);
  }

  /** Topics this node reads as a source (sources and repartition nodes), for co-partitioning. */
  readsTopics(): readonly string[] {
    return [];
  }

  /** Adds this node's topology nodes (one, or several for a repartition) to the topology. */
  abstract writeTo(topology: Topology): void;
}

/** The root every source hangs from; writes nothing. */
export class RootNode extends GraphNode {
  constructor() {
    super('root');
  }

  writeTo(): void {}
}
