import { FailOnInvalidTimestamp } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serde/serde.js';
import type { Topology } from '../../topology/topology.js';
import type { ChangeSerde } from './change-serde.js';
import { GraphNode } from './graph-node.js';

/**
 * The repartition topic of `KTable.groupBy` (Kafka's `GroupedTableOperationRepartitionNode`): a
 * sink writing the key selector's `Change`s to `<prefix>-repartition` and a source reading them
 * back, which starts the aggregation's sub-topology. Unlike a KStream repartition there is no
 * null-key filter: the key selector already skips null keys. Its `nodeName` is the source's.
 */
export class TableRepartitionNode extends GraphNode {
  constructor(
    readonly topic: string,
    readonly sinkName: string,
    readonly sourceName: string,
    readonly keySerde: Serde<unknown> | undefined,
    readonly valueSerde: ChangeSerde<unknown>,
  ) {
    super(sourceName);
  }

  override readsTopics(): readonly string[] {
    return [this.topic];
  }

  writeTo(topology: Topology): void {
    topology.markRepartitionTopic(this.topic);
    const keySerde = this.keySerde === undefined ? {} : { keySerde: this.keySerde };
    topology.addSink(this.sinkName, this.topic, { ...keySerde, valueSerde: this.valueSerde }, ...this.parentNodeNames());
    topology.addSource(this.sourceName, this.topic, { ...keySerde, valueSerde: this.valueSerde, timestampExtractor: new FailOnInvalidTimestamp() });
  }
}
