import type { TimestampExtractor } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serde/serde.js';
import type { Topology } from '../../topology/topology.js';
import { GraphNode } from './graph-node.js';

/** What a source reads with (Kafka's `ConsumedInternal`, resolved). */
export interface SourceSpec {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: 'earliest' | 'latest' | undefined;
}

/** `builder.stream(topics)`: one `Topology.addSource` (Kafka's `StreamSourceNode`). */
export class StreamSourceNode extends GraphNode {
  constructor(
    nodeName: string,
    readonly topics: readonly string[],
    readonly spec: SourceSpec,
  ) {
    super(nodeName);
  }

  override readsTopics(): readonly string[] {
    return this.topics;
  }

  writeTo(topology: Topology): void {
    topology.addSource(this.nodeName, this.topics, {
      ...(this.spec.keySerde === undefined ? {} : { keySerde: this.spec.keySerde }),
      ...(this.spec.valueSerde === undefined ? {} : { valueSerde: this.spec.valueSerde }),
      ...(this.spec.timestampExtractor === undefined ? {} : { timestampExtractor: this.spec.timestampExtractor }),
      ...(this.spec.offsetReset === undefined ? {} : { offsetReset: this.spec.offsetReset }),
    });
  }
}
