import type { Serde } from '../../serde/serde.js';
import type { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';

/**
 * What a `KStream` is underneath (Kafka's `AbstractStream` fields): the point of the logical graph
 * that new operators attach to, plus what the stream knows about its records. Immutable: every
 * operator makes a new handle. The stateful DSL reads it through `KStream[STREAM_HANDLE]` and
 * makes streams from handles with `new KStream(handle)`.
 */
export interface StreamHandle<K, V> {
  readonly builder: InternalStreamsBuilder;
  /** The graph node operators attach to. */
  readonly node: GraphNode;
  /** The topology node name of `node` (a repartition node's is its source's). */
  readonly name: string;
  /**
   * The serdes of the records' current types, when known: from `Consumed`, kept by operators
   * that keep the type, dropped (undefined: config default) by operators that change it, as Kafka.
   */
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** Source node names of the sub-topology feeding this stream (for co-partitioning joins). */
  readonly sourceNodes: ReadonlySet<string>;
  /**
   * The key may have changed since the stream was last partitioned by it (SEMANTICS §12.1): set by
   * `selectKey`, `map`, `flatMap`, `process`; kept by value-only operators; OR-ed by `merge`;
   * cleared by `repartition()`. A key-based operator (groupByKey, join, toTable) must insert a
   * repartition topic first when it is set (`createRepartitionNode`).
   */
  readonly repartitionRequired: boolean;
}

/** Symbol key of a KStream's handle; not exported from the package, so only kstreams code reads it. */
export const STREAM_HANDLE: unique symbol = Symbol('kstreams.StreamHandle');
