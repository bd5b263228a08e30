import type { ProcessorSupplier } from '../../processor/processor.js';
import type { Serde } from '../../serde/serde.js';
import type { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import { TableState, type KTableProcessorSupplier } from './ktable-processor-supplier.js';
import { createRepartitionNode, type RepartitionNode } from './repartition-node.js';
import { StatefulProcessorNode } from './stateful-processor-node.js';
import type { TableHandle } from './table-handle.js';

/**
 * Symbol key of a KGroupedStream's internals (for windowed and cogrouped streams); not exported
 * from the package. Defined here, not in `kgrouped-stream.ts`, so that the cogrouped stream can
 * read it without an import cycle.
 */
export const GROUPED_STREAM_HANDLE: unique symbol = Symbol('kstreams.GroupedStreamHandle');

/** What a grouped stream is underneath: the stream it groups, and how. */
export interface GroupedStreamSpec<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly node: GraphNode;
  readonly sourceNodes: ReadonlySet<string>;
  readonly repartitionRequired: boolean;
  /** The `Grouped` name: names (and shares) the repartition topic. */
  readonly repartitionName: string | undefined;
  /** Serdes of the repartition topic (the grouped key and value). */
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
}

/**
 * Adds the aggregation of a grouped stream to the graph (Kafka's `GroupedStreamAggregateBuilder`),
 * for `KGroupedStream` and the windowed grouped streams: the repartition topic first when the
 * key may have changed (`<Grouped name | store name>-repartition`, drawing three indices after
 * the aggregation's own names: SEMANTICS §12, §13), then the aggregating processor with its store.
 * With a `Grouped` name, every aggregation of the grouped stream shares one repartition topic;
 * without, each has its own, named after its store.
 */
export class GroupedStreamAggregateBuilder<K, V> {
  #repartitionNode: RepartitionNode | undefined;

  constructor(readonly spec: GroupedStreamSpec<K, V>) {}

  /**
   * @param aggregateName the aggregating processor's name (drawn by the caller, before this)
   * @param storeName the aggregation's store (the default repartition topic prefix)
   * @param supplier the aggregating processor, which is also the result table's supplier
   * @param processorSupplier what runs, when it is not `supplier` itself (e.g. a windowed processor wrapper)
   * @returns the result table's handle, minus what the caller decides (serdes, queryable name)
   */
  build<KR, VR>(
    aggregateName: string,
    storeName: string,
    supplier: KTableProcessorSupplier<KR, VR>,
    processorSupplier: ProcessorSupplier<never, never, unknown, unknown> = supplier,
  ): Pick<TableHandle<KR, VR>, 'builder' | 'node' | 'name' | 'sourceNodes' | 'state'> {
    const { builder } = this.spec;
    let parent = this.spec.node;
    let sourceNodes = this.spec.sourceNodes;
    if (this.spec.repartitionRequired) {
      const node = createRepartitionNode(builder, 'optimizable', this.spec.repartitionName ?? storeName, {
        keySerde: this.spec.keySerde as Serde<unknown> | undefined,
        valueSerde: this.spec.valueSerde as Serde<unknown> | undefined,
        partitioner: undefined,
        partitions: undefined,
      });
      // The three names are drawn either way; a named topic is written once and shared.
      if (this.#repartitionNode === undefined || this.spec.repartitionName === undefined) {
        this.#repartitionNode = node;
        builder.addGraphNode(parent, node);
      }
      parent = this.#repartitionNode;
      sourceNodes = new Set([this.#repartitionNode.nodeName]);
    }
    const node = new StatefulProcessorNode(aggregateName, processorSupplier, { stores: () => supplier.stores() });
    builder.addGraphNode(parent, node);
    return { builder, node, name: aggregateName, sourceNodes, state: new TableState(supplier) };
  }
}
