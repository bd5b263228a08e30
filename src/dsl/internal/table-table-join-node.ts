import type { ProcessorSupplier } from '../../processor/processor.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';
import { addCopartitionGroup } from './stateful-processor-node.js';

/** The parts of a table-table join as `TableTableJoinNode` writes them. */
export interface TableTableJoinSpec {
  readonly thisName: string;
  readonly otherName: string;
  /** Topology node names of the two joined tables. */
  readonly thisParent: string;
  readonly otherParent: string;
  readonly thisSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  readonly otherSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  readonly mergeSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  /** The result's store (materialized join), if any. */
  readonly mergeStores: () => readonly StoreBuilder<StateStore>[];
  /** Stores the getters of each side read: this side's processor reads the other's, and the other way round. */
  readonly thisStoreNames: readonly string[];
  readonly otherStoreNames: readonly string[];
  readonly copartitionTopics: () => readonly string[];
}

/**
 * A KTable-KTable join (Kafka's `KTableKTableJoinNode`): one processor per side
 * (`KTABLE-JOINTHIS-<n>` under this table, `KTABLE-JOINOTHER-<n>` under the other, or
 * `<name>-join-this` / `-join-other`), each connected to the other side's stores, and the merge
 * node both forward into (`KTABLE-MERGE-<n>`, this node's name), which children connect to.
 */
export class TableTableJoinNode extends GraphNode {
  constructor(
    mergeName: string,
    readonly spec: TableTableJoinSpec,
  ) {
    super(mergeName);
  }

  writeTo(topology: Topology): void {
    const s = this.spec;
    topology.addProcessor(s.thisName, s.thisSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisParent);
    topology.addProcessor(s.otherName, s.otherSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.otherParent);
    topology.addProcessor(this.nodeName, s.mergeSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisName, s.otherName);
    for (const store of s.mergeStores()) topology.addStateStore(store, this.nodeName);
    if (s.otherStoreNames.length > 0) topology.connectProcessorAndStateStores(s.thisName, ...s.otherStoreNames);
    if (s.thisStoreNames.length > 0) topology.connectProcessorAndStateStores(s.otherName, ...s.thisStoreNames);
    addCopartitionGroup(topology, s.copartitionTopics());
  }
}
