import type { StreamPartitioner } from '../../processor/stream-partitioner.js';
import { FailOnInvalidTimestamp } from '../../processor/timestamp-extractor.js';
import type { Serde } from '../../serde/serde.js';
import type { Topology } from '../../topology/topology.js';
import { KStreamFilter } from '../processors/kstream-filter.js';
import { GraphNode } from './graph-node.js';
import { NamePrefix, REPARTITION_TOPIC_SUFFIX } from './name-prefixes.js';
import { sinkOptions } from './stream-sink-node.js';

/**
 * Kafka's two repartition node kinds: `repartition()` makes an *unoptimizable* one (always
 * kept); repartitions the DSL inserts by itself (before an aggregation, a join or `toTable()`)
 * are *optimizable*: with `topology.optimization=merge.repartition.topics` those below one
 * key-changing node are replaced by one repartition right after it (`merge-repartition-topics.ts`).
 */
export type RepartitionKind = 'unoptimizable' | 'optimizable';

export interface RepartitionSpec {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  /** A fixed partition count; undefined: the runtime uses the writing sub-topology's source partition count. */
  readonly partitions: number | undefined;
}

/**
 * A trip through a repartition topic (Kafka's `BaseRepartitionNode`): writes a null-key filter,
 * a sink to the topic, and a source reading it back, which starts a new sub-topology.
 * Its `nodeName` is the source's name, so downstream nodes connect to the source.
 */
export class RepartitionNode extends GraphNode {
  /**
   * Whether the filter in front of the sink drops records with a null key (Kafka's default: a
   * null key has no partition to go to and every key-based operator drops it anyway). A later pass
   * sets this to false when a null-key-tolerant join (left join, KIP-962) is downstream.
   */
  filtersNullKeys = true;

  constructor(
    readonly kind: RepartitionKind,
    /** The topic name without the application-id prefix, `<prefix>-repartition`. */
    readonly topic: string,
    readonly sinkName: string,
    readonly filterName: string,
    readonly sourceName: string,
    readonly spec: RepartitionSpec,
  ) {
    super(sourceName);
  }

  override readsTopics(): readonly string[] {
    return [this.topic];
  }

  writeTo(topology: Topology): void {
    topology.markRepartitionTopic(this.topic, this.spec.partitions);
    const dropNullKeys = this.filtersNullKeys;
    topology.addProcessor(this.filterName, () => new KStreamFilter<unknown, unknown>((key) => !dropNullKeys || (key !== null && key !== undefined), false), ...this.parentNodeNames());
    topology.addSink(this.sinkName, this.topic, sinkOptions(this.spec), this.filterName);
    topology.addSource(this.sourceName, this.topic, {
      ...(this.spec.keySerde === undefined ? {} : { keySerde: this.spec.keySerde }),
      ...(this.spec.valueSerde === undefined ? {} : { valueSerde: this.spec.valueSerde }),
      // As Kafka: records on internal topics carry the timestamps the app wrote, never a configured extractor's.
      timestampExtractor: new FailOnInvalidTimestamp(),
    });
  }
}

/** Generated names look like `KSTREAM-MAP-0000000001`; Java's `String.matches` is a whole-string match. */
const GENERATED_NAME = /^KSTREAM.*-[0-9]{10}$/;

/**
 * Makes (but does not add) a repartition node, named as Kafka's `createRepartitionedSource`:
 * the topic is `<prefix>-repartition` (the prefix kept as is when it already ends so); three
 * names are always drawn from the counter (sink, filter, source, in that order) so naming a
 * repartition never renumbers the rest; when the prefix is itself a generated name the nodes use
 * those generated names, else `<topic>-sink`, `<topic>-filter`, `<topic>-source`.
 *
 * @param prefix e.g. a `Repartitioned` name, `KSTREAM-REPARTITION-<n>`, or for the stateful DSL a
 *   `Grouped`/store name or the upstream processor's name
 */
export function createRepartitionNode(builder: { newProcessorName(prefix: string): string }, kind: RepartitionKind, prefix: string, spec: RepartitionSpec): RepartitionNode {
  const topic = prefix.endsWith(REPARTITION_TOPIC_SUFFIX) ? prefix : prefix + REPARTITION_TOPIC_SUFFIX;
  const generatedSink = builder.newProcessorName(NamePrefix.SINK);
  const generatedFilter = builder.newProcessorName(NamePrefix.FILTER);
  const generatedSource = builder.newProcessorName(NamePrefix.SOURCE);
  const generated = GENERATED_NAME.test(prefix);
  return new RepartitionNode(
    kind,
    topic,
    generated ? generatedSink : `${topic}-sink`,
    generated ? generatedFilter : `${topic}-filter`,
    generated ? generatedSource : `${topic}-source`,
    spec,
  );
}
