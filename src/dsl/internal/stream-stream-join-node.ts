import type { ProcessorSupplier } from '../../processor/processor.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';
import { addCopartitionGroup } from './stateful-processor-node.js';

/** The parts of a stream-stream join as `StreamStreamJoinNode` writes them. */
export interface StreamStreamJoinSpec {
  /** The two windowed buffer nodes the sides hang from. */
  readonly thisWindowedName: string;
  readonly otherWindowedName: string;
  readonly thisName: string;
  readonly otherName: string;
  readonly thisSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  readonly otherSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  readonly mergeSupplier: ProcessorSupplier<never, never, unknown, unknown>;
  /** Stores each side reads: the other side's buffer, and the shared outer store. */
  readonly thisStores: readonly StoreBuilder<StateStore>[];
  readonly otherStores: readonly StoreBuilder<StateStore>[];
  readonly copartitionTopics: () => readonly string[];
}

/**
 * A KStream-KStream join (Kafka's `StreamStreamJoinNode`): this side's join processor under this
 * side's buffer (`KSTREAM-JOINTHIS|OUTERTHIS-<n>`), the other side's under the other buffer
 * (`KSTREAM-JOINOTHER|OUTEROTHER-<n>`), and the merge node both forward into
 * (`KSTREAM-MERGE-<n>`, this node's name).
 */
export class StreamStreamJoinNode extends GraphNode {
  constructor(
    mergeName: string,
    readonly spec: StreamStreamJoinSpec,
  ) {
    super(mergeName);
  }

  writeTo(topology: Topology): void {
    const s = this.spec;
    topology.addProcessor(s.thisName, s.thisSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisWindowedName);
    for (const store of s.thisStores) topology.addStateStore(store, s.thisName);
    topology.addProcessor(s.otherName, s.otherSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.otherWindowedName);
    for (const store of s.otherStores) topology.addStateStore(store, s.otherName);
    topology.addProcessor(this.nodeName, s.mergeSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisName, s.otherName);
    addCopartitionGroup(topology, s.copartitionTopics());
  }
}
