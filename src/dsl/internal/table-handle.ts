import type { Serde } from '../../serde/serde.js';
import type { GraphNode } from './graph-node.js';
import type { InternalStreamsBuilder } from './internal-streams-builder.js';
import type { TableState } from './ktable-processor-supplier.js';

/**
 * What a `KTable` is underneath (Kafka's `KTableImpl` fields): the graph node operators attach
 * to, what is known of its serdes, the sources of its sub-topology (for co-partitioning), the
 * name it is queryable under (when materialized with a name), and its processor supplier with
 * the old-values flag (`TableState`). Immutable except for that state.
 */
export interface TableHandle<K, V> {
  readonly builder: InternalStreamsBuilder;
  readonly node: GraphNode;
  /** The topology node name children connect to. */
  readonly name: string;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** Graph node names whose `readsTopics()` are the topics feeding this table's sub-topology. */
  readonly sourceNodes: ReadonlySet<string>;
  readonly queryableStoreName: string | undefined;
  readonly state: TableState<K, V>;
}

/** Symbol key of a KTable's handle; not exported from the package. */
export const TABLE_HANDLE: unique symbol = Symbol('kstreams.TableHandle');
