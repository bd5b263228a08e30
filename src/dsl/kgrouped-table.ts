import type { ProcessorContext } from '../processor/processor-context.js';
import type { Serde } from '../serde/serde.js';
import { Serdes } from '../serde/serdes.js';
import type { Aggregator, Initializer, KeyValue, KeyValueMapper, Reducer } from './functions.js';
import { requireFunction, requireInstanceOrUndefined } from './internal/arguments.js';
import { ChangeSerde } from './internal/change-serde.js';
import type { GraphNode } from './internal/graph-node.js';
import { withInitHook } from './internal/init-hook.js';
import type { InternalStreamsBuilder } from './internal/internal-streams-builder.js';
import { TableState } from './internal/ktable-processor-supplier.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { NamePrefix, REPARTITION_TOPIC_SUFFIX } from './internal/name-prefixes.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { orElseGenerate, suffixedOrElseGenerate } from './internal/naming.js';
import { ProcessorGraphNode } from './internal/processor-graph-node.js';
import { StatefulProcessorNode } from './internal/stateful-processor-node.js';
import { TablePrefix } from './internal/stateful-name-prefixes.js';
import { TABLE_HANDLE } from './internal/table-handle.js';
import { TableRepartitionNode } from './internal/table-repartition-node.js';
import { Grouped } from './grouped.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { KTableAggregate, type TableAggregation } from './processors/ktable-aggregate.js';
import { KTableRepartitionMapProcessor } from './processors/ktable-repartition-map.js';

/** What a grouped table is underneath. */
interface GroupedTableSpec<K, V> {
  readonly builder: InternalStreamsBuilder;
  /** The key selector's node. */
  readonly node: GraphNode;
  readonly keySerde: Serde<K> | undefined;
  readonly valueSerde: Serde<V> | undefined;
  /** Serde of the `Change`s in the repartition topic (shared by all aggregations of the grouped table). */
  readonly changeSerde: ChangeSerde<V>;
  readonly repartitionName: string | undefined;
}

/**
 * A table re-grouped by a new key, ready to aggregate (Kafka's `KGroupedTable`), from
 * `KTable.groupBy()`. A table's row can move from one group to another, so each aggregation takes
 * an *adder* for values joining a group and a *subtractor* for values leaving it: an update of a
 * row first subtracts its old value from its old group, then adds its new value to its new group
 * (SEMANTICS §10). Always goes through a repartition topic
 * (`<application.id>-<Grouped name | store name>-repartition`).
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - the new key type
 * @typeParam V - the value type
 */
export class KGroupedTable<K, V> {
  readonly #spec: GroupedTableSpec<K, V>;
  #repartitionNode: TableRepartitionNode | undefined;

  /** @internal Made by `KTable.groupBy()`. */
  constructor(spec: GroupedTableSpec<K, V>) {
    this.#spec = spec;
  }

  /**
   * The number of rows per group (`KTABLE-AGGREGATE-<n>`); a group whose last row left stays at 0.
   * @param named the aggregation's name (also of its repartition sink and source), or its `Materialized`
   * @example users.groupBy((id, user) => ({ key: user.country, value: id })).count()
   */
  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const [name, m] = namedAndMaterialized<K, number>('count()', named, materialized);
    const mi = this.#materialized(m ?? Materialized.with<K, number>(this.#spec.keySerde, Serdes.Long())).valueSerdeIfUnset(Serdes.Long());
    return this.#aggregate(name, TablePrefix.AGGREGATE, mi, {
      kind: 'aggregate',
      initializer: () => 0,
      adder: (_key, _value, count) => count + 1,
      subtractor: (_key, _value, count) => count - 1,
    });
  }

  /**
   * Combines the values of each group: `adder(aggregate, value)` for a value joining the group
   * (its first value is its first aggregate), `subtractor(aggregate, value)` for one leaving it; a
   * `null` result deletes the group. Node `KTABLE-REDUCE-<n>`.
   */
  reduce(adder: Reducer<V>, subtractor: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    requireFunction(adder, 'reduce()', 'adder');
    requireFunction(subtractor, 'reduce()', 'subtractor');
    const [name, m] = namedAndMaterialized<K, V>('reduce()', named, materialized);
    // As Kafka: the store of a table reduce is named KTABLE-AGGREGATE-STATE-STORE-<n>.
    const mi = this.#materialized(m ?? Materialized.with<K, V>(this.#spec.keySerde)).valueSerdeIfUnset(this.#spec.valueSerde);
    return this.#aggregate(name, TablePrefix.REDUCE, mi, { kind: 'reduce', adder, subtractor });
  }

  /**
   * Folds the values of each group into an aggregate: `adder(key, value, aggregate)` for a value
   * joining the group (a new group starts from `initializer()`), `subtractor(key, value,
   * aggregate)` for one leaving it; a `null` result deletes the group. Node `KTABLE-AGGREGATE-<n>`.
   *
   * @example
   * orders.groupBy((id, o) => ({ key: o.customer, value: o.amount }), Grouped.with(Serdes.String(), Serdes.Double()))
   *   .aggregate(() => 0, (c, amount, sum) => sum + amount, (c, amount, sum) => sum - amount,
   *     Materialized.with(Serdes.String(), Serdes.Double()))
   */
  aggregate<VA>(
    initializer: Initializer<VA>,
    adder: Aggregator<K, V, VA>,
    subtractor: Aggregator<K, V, VA>,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<K, VA> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    requireFunction(adder, 'aggregate()', 'adder');
    requireFunction(subtractor, 'aggregate()', 'subtractor');
    const [name, m] = namedAndMaterialized<K, VA>('aggregate()', named, materialized);
    const mi = this.#materialized(m ?? Materialized.with<K, VA>(this.#spec.keySerde));
    return this.#aggregate(name, TablePrefix.AGGREGATE, mi, { kind: 'aggregate', initializer, adder, subtractor });
  }

  #materialized<VA>(m: Materialized<K, VA>): MaterializedInternal<K, VA> {
    return new MaterializedInternal(m, this.#spec.builder, TablePrefix.AGGREGATE).keySerdeIfUnset(this.#spec.keySerde);
  }

  #aggregate<VA>(named: Named | undefined, prefix: string, mi: MaterializedInternal<K, VA>, aggregation: TableAggregation<K, V, VA>): KTable<K, VA> {
    const { builder, changeSerde } = this.#spec;
    const sinkName = suffixedOrElseGenerate(builder, named?.name, '-sink', NamePrefix.SINK);
    const sourceName = suffixedOrElseGenerate(builder, named?.name, '-source', NamePrefix.SOURCE);
    const aggregateName = orElseGenerate(builder, named?.name, prefix);
    const topic = (this.#spec.repartitionName ?? mi.storeName) + REPARTITION_TOPIC_SUFFIX;
    if (this.#repartitionNode === undefined || this.#spec.repartitionName === undefined) {
      this.#repartitionNode = new TableRepartitionNode(topic, sinkName, sourceName, this.#spec.keySerde as Serde<unknown> | undefined, changeSerde as ChangeSerde<unknown>);
      builder.addGraphNode(this.#spec.node, this.#repartitionNode);
    }
    const repartition = this.#repartitionNode;
    const supplier = new KTableAggregate<K, V, VA>(mi.storeName, mi.keyValueStoreBuilder(), aggregation);
    // The aggregation's task reads the topic: it may run where the key selector's task does not.
    const node = new StatefulProcessorNode(aggregateName, withInitHook(supplier, useDefaultValueSerde(changeSerde)), { stores: () => supplier.stores() });
    builder.addGraphNode(repartition, node);
    return new KTable<K, VA>({
      builder,
      node,
      name: aggregateName,
      keySerde: mi.keySerde,
      valueSerde: mi.valueSerde,
      sourceNodes: new Set([repartition.nodeName]),
      queryableStoreName: mi.queryableStoreName,
      state: new TableState(supplier),
    });
  }
}

declare module './ktable.js' {
  interface KTable<K, V> {
    /**
     * Re-groups the table by a new key for an aggregation: `selector(key, value)` returns the
     * row's `{ key, value }` in the grouped table (a `null` key or value leaves the row out). The
     * table then sends old values, so the aggregation can subtract a row from its old group.
     * Node `KTABLE-SELECT-<n>` (or the `Grouped` name); always repartitions.
     *
     * @param grouped serdes of the new key and value (for the repartition topic) and its name
     * @example users.groupBy((id, user) => ({ key: user.country, value: user }), Grouped.with(Serdes.String(), userSerde))
     */
    groupBy<KR, VR>(selector: KeyValueMapper<K, V, KeyValue<KR, VR> | null | undefined>, grouped?: Grouped<NoInfer<KR>, NoInfer<VR>>): KGroupedTable<KR, VR>;
  }
}

KTable.prototype.groupBy = function groupBy<K, V, KR, VR>(
  this: KTable<K, V>,
  selector: KeyValueMapper<K, V, KeyValue<KR, VR> | null | undefined>,
  grouped?: Grouped<KR, VR>,
): KGroupedTable<KR, VR> {
  requireFunction(selector, 'groupBy()', 'selector');
  requireInstanceOrUndefined(grouped, (v) => v instanceof Grouped, 'Grouped', 'groupBy()');
  const table = this[TABLE_HANDLE];
  const builder = table.builder;
  const selectName = orElseGenerate(builder, grouped?.name, TablePrefix.SELECT);
  const changeSerde = new ChangeSerde<VR>(grouped?.valueSerde);
  const node = new ProcessorGraphNode(selectName, withInitHook(() => new KTableRepartitionMapProcessor<K, V, KR, VR>(selector), useDefaultValueSerde(changeSerde)));
  builder.addGraphNode(table.node, node);
  table.state.enableSendingOldValues(true);
  return new KGroupedTable<KR, VR>({ builder, node, keySerde: grouped?.keySerde, valueSerde: grouped?.valueSerde, changeSerde, repartitionName: grouped?.name });
};

/** The init hook that gives the repartition topic's `ChangeSerde` the config's default value serde, if it has no serde. */
function useDefaultValueSerde(serde: ChangeSerde<unknown>): (context: ProcessorContext<unknown, unknown>) => void {
  return (context) => serde.useDefaultIfUnset(context.appConfigs()['default.value.serde']);
}
