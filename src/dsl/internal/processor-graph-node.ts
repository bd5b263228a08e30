import type { ProcessorSupplier } from '../../processor/processor.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/**
 * A processor node: one `Topology.addProcessor` (Kafka's `ProcessorGraphNode`, and
 * `ProcessorToStateConnectorNode` when it names state stores).
 */
export class ProcessorGraphNode extends GraphNode {
  constructor(
    nodeName: string,
    readonly supplier: ProcessorSupplier<never, never, unknown, unknown>,
    /** Names of state stores the processor uses (`process(supplier, ...storeNames)`). */
    readonly storeNames: readonly string[] = [],
  ) {
    super(nodeName);
  }

  writeTo(topology: Topology): void {
    topology.addProcessor(this.nodeName, this.supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, ...this.parentNodeNames());
    if (this.storeNames.length > 0) topology.connectProcessorAndStateStores(this.nodeName, ...this.storeNames);
  }
}
