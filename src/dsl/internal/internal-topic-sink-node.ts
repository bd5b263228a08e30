import type { StreamPartitioner } from '../../processor/stream-partitioner.js';
import type { Serde } from '../../serde/serde.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/**
 * A sink writing an internal topic the DSL declares (the foreign-key join's subscription and
 * response topics): the topic is created as `<application.id>-<topic>` with the partition count
 * of its co-partition group, and read back by a source node of the same short name.
 */
export class InternalTopicSinkNode extends GraphNode {
  constructor(
    nodeName: string,
    readonly topic: string,
    readonly keySerde: Serde<unknown>,
    readonly valueSerde: Serde<unknown>,
    readonly partitioner: StreamPartitioner<unknown, unknown> | undefined,
  ) {
    super(nodeName);
  }

  writeTo(topology: Topology): void {
    topology.markRepartitionTopic(this.topic);
    topology.addSink(this.nodeName, this.topic, {
      keySerde: this.keySerde,
      valueSerde: this.valueSerde,
      ...(this.partitioner === undefined ? {} : { partitioner: this.partitioner }),
    }, ...this.parentNodeNames());
  }
}
