import type { ProcessorSupplier } from '../../processor/processor.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/** What a `StatefulProcessorNode` writes besides its processor. */
export interface StatefulProcessorSpec {
  /** Stores the processor owns, added with it; read when the graph is written (materialization may change until then). */
  readonly stores?: () => readonly StoreBuilder<StateStore>[];
  /** Stores of other nodes it reads (a joined table's), connected to it. */
  readonly connectedStores?: readonly string[];
  /** Topics that must be co-partitioned with each other (a join's inputs); resolved when written. */
  readonly copartitionTopics?: () => readonly string[];
}

/**
 * A processor that uses state (Kafka's `ProcessorGraphNode` with `ProcessorParameters` whose
 * supplier has stores, `StreamTableJoinNode`, `StreamToTableNode`): adds the processor, its own
 * stores, connects the stores it reads, and declares its co-partition group.
 */
export class StatefulProcessorNode extends GraphNode {
  constructor(
    nodeName: string,
    readonly supplier: ProcessorSupplier<never, never, unknown, unknown>,
    readonly spec: StatefulProcessorSpec = {},
  ) {
    super(nodeName);
  }

  writeTo(topology: Topology): void {
    topology.addProcessor(this.nodeName, this.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, ...this.parentNodeNames());
    for (const store of this.spec.stores?.() ?? []) topology.addStateStore(store, this.nodeName);
    const connected = this.spec.connectedStores ?? [];
    if (connected.length > 0) topology.connectProcessorAndStateStores(this.nodeName, ...connected);
    addCopartitionGroup(topology, this.spec.copartitionTopics?.() ?? []);
  }
}

/** Declares the topics co-partitioned, when there are two or more distinct ones (a self-join has one). */
export function addCopartitionGroup(topology: Topology, topics: readonly string[]): void {
  const distinct = [...new Set(topics)];
  if (distinct.length >= 2) topology.addCopartitionGroup(distinct);
}
