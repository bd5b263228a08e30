import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/**
 * `StreamsBuilder.addStateStore(builder)` (Kafka's `StateStoreNode`): one `Topology.addStateStore`
 * without processors; `process(supplier, ...storeNames)` nodes connect to it by name. A child of
 * the root, written in build order, so it exists before the processors added after it.
 */
export class StateStoreNode extends GraphNode {
  constructor(readonly storeBuilder: StoreBuilder<StateStore>) {
    super(storeBuilder.name);
  }

  writeTo(topology: Topology): void {
    topology.addStateStore(this.storeBuilder);
  }
}
