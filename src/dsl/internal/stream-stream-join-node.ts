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
  /** An inner join (the only kind `single.store.self.join` rewrites), with its self-join processor and the left buffer's store. */
  readonly selfJoin?: {
    readonly supplier: ProcessorSupplier<never, never, unknown, unknown>;
    readonly storeName: string;
  };
}

/**
 * A KStream-KStream join (Kafka's `StreamStreamJoinNode`): this side's join processor under this
 * side's buffer (`KSTREAM-JOINTHIS|OUTERTHIS-<n>`), the other side's under the other buffer
 * (`KSTREAM-JOINOTHER|OUTEROTHER-<n>`), and the merge node both forward into
 * (`KSTREAM-MERGE-<n>`, this node's name).
 *
 * Rewritten as a self-join ({@link rewriteAsSelfJoin}), it is one processor under this side's
 * buffer, named as the merge node and reading that buffer's store; the other buffer is dropped.
 */
export class StreamStreamJoinNode extends GraphNode {
  /** Set by `single.store.self.join` (Kafka's `StreamStreamJoinNode.setSelfJoin`). */
  selfJoin = false;

  constructor(
    mergeName: string,
    readonly spec: StreamStreamJoinSpec,
  ) {
    super(mergeName);
  }

  /**
   * Kafka's `rewriteSingleStoreSelfJoin` (KIP-862) for this join: an inner join whose two buffers
   * (`KSTREAM-WINDOWED`) hang from the same node, i.e. the stream joined with itself (also two
   * `stream()` calls on the same topic, merged into one source, or a `merge` joined with itself),
   * with nothing in between on either side. The other side's buffer leaves the graph, and this
   * node is written as one self-join processor.
   *
   * @returns whether the join was rewritten
   */
  rewriteAsSelfJoin(): boolean {
    const s = this.spec;
    if (s.selfJoin === undefined || this.selfJoin || this.written) return false;
    const thisWindowed = this.parents.find((p) => p.nodeName === s.thisWindowedName);
    const otherWindowed = this.parents.find((p) => p.nodeName === s.otherWindowedName);
    if (thisWindowed === undefined || otherWindowed === undefined || thisWindowed.written || otherWindowed.written) return false;
    const [upstream] = thisWindowed.parents;
    if (thisWindowed.parents.length !== 1 || otherWindowed.parents.length !== 1 || otherWindowed.parents[0] !== upstream) return false;
    upstream!.removeChild(otherWindowed);
    otherWindowed.removeChild(this);
    this.selfJoin = true;
    return true;
  }

  writeTo(topology: Topology): void {
    const s = this.spec;
    if (this.selfJoin && s.selfJoin !== undefined) {
      topology.addProcessor(this.nodeName, s.selfJoin.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisWindowedName);
      topology.connectProcessorAndStateStores(this.nodeName, s.selfJoin.storeName);
      addCopartitionGroup(topology, s.copartitionTopics());
      return;
    }
    topology.addProcessor(s.thisName, s.thisSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisWindowedName);
    for (const store of s.thisStores) topology.addStateStore(store, s.thisName);
    topology.addProcessor(s.otherName, s.otherSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.otherWindowedName);
    for (const store of s.otherStores) topology.addStateStore(store, s.otherName);
    topology.addProcessor(this.nodeName, s.mergeSupplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, s.thisName, s.otherName);
    addCopartitionGroup(topology, s.copartitionTopics());
  }
}
