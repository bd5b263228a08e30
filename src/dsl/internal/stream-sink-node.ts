import type { StreamPartitioner } from '../../processor/stream-partitioner.js';
import type { TopicNameExtractor } from '../../processor/topic-name-extractor.js';
import type { Serde } from '../../serde/serde.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/** What a sink writes with (Kafka's `ProducedInternal`, resolved against the stream's serdes). */
export interface SinkSpec {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
}

/** `KStream.to(...)`: one `Topology.addSink` (Kafka's `StreamSinkNode`). */
export class StreamSinkNode extends GraphNode {
  constructor(
    nodeName: string,
    readonly topic: string | TopicNameExtractor<unknown, unknown>,
    readonly spec: SinkSpec,
  ) {
    super(nodeName);
  }

  writeTo(topology: Topology): void {
    topology.addSink(this.nodeName, this.topic, sinkOptions(this.spec), ...this.parentNodeNames());
  }
}

/** Sink options without undefined entries, so the topology's own defaults apply to what is left out. */
export function sinkOptions(spec: SinkSpec): { keySerde?: Serde<unknown>; valueSerde?: Serde<unknown>; partitioner?: StreamPartitioner<unknown, unknown> } {
  return {
    ...(spec.keySerde === undefined ? {} : { keySerde: spec.keySerde }),
    ...(spec.valueSerde === undefined ? {} : { valueSerde: spec.valueSerde }),
    ...(spec.partitioner === undefined ? {} : { partitioner: spec.partitioner }),
  };
}
