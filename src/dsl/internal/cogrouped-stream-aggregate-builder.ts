import type { Serde } from '../../serde/serde.js';
import type { Aggregator } from '../functions.js';
import { KTablePassThrough } from '../processors/ktable-pass-through.js';
import type { GraphNode } from './graph-node.js';
import type { GroupedStreamAggregateBuilder } from './grouped-stream-aggregate-builder.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { TableState, type KTableProcessorSupplier } from './ktable-processor-supplier.js';
import { suffixedOrElseGenerate } from './naming.js';
import { ProcessorGraphNode } from './processor-graph-node.js';
import { createRepartitionNode } from './repartition-node.js';
import { StatefulProcessorNode, type StatefulProcessorSpec } from './stateful-processor-node.js';
import type { TableHandle } from './table-handle.js';

/** Kafka's `CogroupedKStreamImpl` name prefixes: `COGROUPKSTREAM-AGGREGATE-<n>` per input (and its store), `COGROUPKSTREAM-MERGE-<n>`. */
export const CogroupPrefix = {
  AGGREGATE: 'COGROUPKSTREAM-AGGREGATE-',
  MERGE: 'COGROUPKSTREAM-MERGE-',
} as const;

/** The inputs of a cogrouped stream, in the order they were cogrouped, each with its aggregator. */
export type CogroupInputs<K, VOut> = Map<GroupedStreamAggregateBuilder<K, unknown>, Aggregator<K, unknown, VOut>>;

interface InputSource {
  readonly parent: GraphNode;
  readonly sourceNodes: ReadonlySet<string>;
}

/**
 * Adds a cogrouped aggregation to the graph (Kafka's `CogroupedStreamAggregateBuilder`): each
 * input whose key may have changed first goes through its own repartition topic
 * (`<Grouped name | store name>-repartition`); then each input gets its own aggregate processor
 * (`COGROUPKSTREAM-AGGREGATE-<n>`, or `<named>-cogroup-agg-<i>`), all over one store; a
 * pass-through (`COGROUPKSTREAM-MERGE-<n>`, or `<named>-cogroup-merge`) merges what they forward
 * into the result table. Sharing the store puts all of them in one sub-topology, and the topics
 * they read are declared co-partitioned.
 *
 * One builder per cogrouped stream: aggregating the same cogrouped stream again reuses its
 * repartition nodes (the names are still drawn, as Kafka does).
 */
export class CogroupedStreamAggregateBuilder<K, VOut> {
  readonly #sources = new Map<GroupedStreamAggregateBuilder<K, unknown>, InputSource>();

  constructor(readonly builder: InternalStreamsBuilder) {}

  /**
   * @param named the `Named` name of the aggregation, if any
   * @param storeName the shared store (the default repartition topic prefix)
   * @param supplierFor the aggregate processor of one input, over the shared store
   * @returns the result table's handle, minus what the caller decides (serdes, queryable name)
   */
  build<KR>(
    inputs: CogroupInputs<K, VOut>,
    named: string | undefined,
    storeName: string,
    supplierFor: (aggregator: Aggregator<K, unknown, VOut>) => KTableProcessorSupplier<KR, VOut>,
  ): Pick<TableHandle<KR, VOut>, 'builder' | 'node' | 'name' | 'sourceNodes' | 'state'> {
    const { builder } = this;
    const sources = [...inputs.keys()].map((grouped) => this.#sourceOf(grouped, storeName));
    const sourceNodes = new Set(sources.flatMap((s) => [...s.sourceNodes]));
    const suppliers: KTableProcessorSupplier<KR, VOut>[] = [];
    const nodes: GraphNode[] = [];
    let i = 0;
    for (const aggregator of inputs.values()) {
      const supplier = supplierFor(aggregator);
      const name = suffixedOrElseGenerate(builder, named, `-cogroup-agg-${i}`, CogroupPrefix.AGGREGATE);
      // The first processor adds the store (and declares the co-partitioning); the others connect to it.
      const spec: StatefulProcessorSpec = i === 0
        ? { stores: () => supplier.stores(), copartitionTopics: () => builder.sourceTopicsOf(sourceNodes) }
        : { connectedStores: [storeName] };
      const node = new StatefulProcessorNode(name, supplier, spec);
      builder.addGraphNode(sources[i]!.parent, node);
      suppliers.push(supplier);
      nodes.push(node);
      i++;
    }
    const mergeName = suffixedOrElseGenerate(builder, named, '-cogroup-merge', CogroupPrefix.MERGE);
    const passThrough = new KTablePassThrough<KR, VOut>(suppliers as [KTableProcessorSupplier<KR, VOut>, ...KTableProcessorSupplier<KR, VOut>[]]);
    const mergeNode = new ProcessorGraphNode(mergeName, passThrough);
    builder.addGraphNode(nodes, mergeNode);
    return { builder, node: mergeNode, name: mergeName, sourceNodes, state: new TableState(passThrough) };
  }

  /** Kafka's `processRepartitions`, for one input: the node its aggregate processor hangs from. */
  #sourceOf(grouped: GroupedStreamAggregateBuilder<K, unknown>, storeName: string): InputSource {
    const { spec } = grouped;
    if (!spec.repartitionRequired) {
      const source = { parent: spec.node, sourceNodes: spec.sourceNodes };
      this.#sources.set(grouped, source);
      return source;
    }
    const node = createRepartitionNode(this.builder, 'optimizable', spec.repartitionName ?? storeName, {
      keySerde: spec.keySerde as Serde<unknown> | undefined,
      valueSerde: spec.valueSerde as Serde<unknown> | undefined,
      partitioner: undefined,
      partitions: undefined,
    });
    // The three names are drawn either way; a second aggregation of this cogrouped stream reuses the topic.
    const known = this.#sources.get(grouped);
    if (known !== undefined) return known;
    this.builder.addGraphNode(spec.node, node);
    const source = { parent: node, sourceNodes: new Set([node.nodeName]) };
    this.#sources.set(grouped, source);
    return source;
  }
}
