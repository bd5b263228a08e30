import type { Serde } from '../serde/serde.js';
import type { ForeignKeyExtractor, KeyValueMapper, Predicate, ValueJoiner, ValueMapper } from './functions.js';
import { describeValue, requireFunction, requireInstanceOrUndefined, requireNamedOrUndefined } from './internal/arguments.js';
import type { Change } from './internal/change.js';
import { buildForeignKeyJoin } from './internal/foreign-key-join-builder.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { TableState, type KTableProcessorSupplier } from './internal/ktable-processor-supplier.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { orElseGenerate, suffixedOrElseGenerate } from './internal/naming.js';
import { ProcessorGraphNode } from './internal/processor-graph-node.js';
import { StatefulProcessorNode } from './internal/stateful-processor-node.js';
import { TablePrefix } from './internal/stateful-name-prefixes.js';
import { TABLE_HANDLE, type TableHandle } from './internal/table-handle.js';
import { TableTableJoinNode } from './internal/table-table-join-node.js';
import { KStream } from './kstream.js';
import { Materialized } from './materialized.js';
import { Named } from './named.js';
import { KStreamMapValues } from './processors/kstream-map-values.js';
import { KTableFilter } from './processors/ktable-filter.js';
import { KTableKTableJoinMerger } from './processors/ktable-ktable-join-merger.js';
import { KTableKTableJoin, type SideJoiner, type TableJoinKind } from './processors/ktable-ktable-join.js';
import { KTableMapValues } from './processors/ktable-map-values.js';
import { TableJoined } from './table-joined.js';
import { suppressedTableHandle } from './processors/suppress-table.js';
import type { Suppressed } from './suppressed.js';

/**
 * A changelog stream seen as a table: the latest value per key (Kafka's `KTable`). Each record
 * of its topic is an update of its key; a `null` value (tombstone) deletes the key; records with a
 * null key are dropped. Made by `StreamsBuilder.table()`, `KStream.toTable()`, aggregations, and
 * table operators. Like a KStream, every operator returns a new table and nothing runs until the
 * topology is started.
 *
 * Updates flow downstream as they happen. A table with a store caches them (by default): the
 * latest update per key is forwarded when the task commits, so repeated updates of a key within
 * a commit interval are forwarded once (SEMANTICS §5.3). `toStream()` turns the updates into a
 * stream of records.
 *
 * A table is *materialized* (has a state store) when it was given a store name or
 * `Materialized`, when an operator needs it to (a join reads it, `groupBy` needs its old values),
 * and always for aggregations. `queryableStoreName()` says under which name its store can be queried.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type
 * @typeParam V - value type
 */
export class KTable<K, V> {
  /** @internal The table's place in the logical graph; see `TableHandle`. */
  readonly [TABLE_HANDLE]: TableHandle<K, V>;

  /** @internal Tables come from the DSL. */
  constructor(handle: TableHandle<K, V>) {
    this[TABLE_HANDLE] = handle;
  }

  /**
   * The name of the store this table can be queried under, or undefined when it has none a user
   * named (a generated store is not queryable, as in Kafka Streams).
   */
  queryableStoreName(): string | undefined {
    return this[TABLE_HANDLE].queryableStoreName;
  }

  /**
   * A table of the keys whose value satisfies `predicate(key, value)`; an update that fails it
   * deletes the key from the result (forwarded as a tombstone, or not at all when the key was not
   * in the result before and this table knows it: SEMANTICS §5.4). Node `KTABLE-FILTER-<n>`.
   *
   * @param named the node's name, or the result's `Materialized` (then pass no third argument)
   * @param materialized makes the result queryable under its store name
   * @example users.filter((id, user) => user.active, Materialized.as('active-users'))
   */
  filter(predicate: Predicate<K, V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#filter('filter()', predicate, false, named, materialized);
  }

  /** As {@link filter}, keeping the keys whose value does *not* satisfy `predicate`. */
  filterNot(predicate: Predicate<K, V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#filter('filterNot()', predicate, true, named, materialized);
  }

  /**
   * A table of `mapper(value, key)` for each key; deletes stay deletes (the mapper never sees
   * `null`). Node `KTABLE-MAPVALUES-<n>`. The value serde falls back to the default unless given
   * with `Materialized`.
   *
   * @param named the node's name, or the result's `Materialized` (then pass no third argument)
   * @example prices.mapValues((cents) => cents / 100)
   */
  mapValues<VR>(mapper: ValueMapper<V, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    requireFunction(mapper, 'mapValues()', 'mapper');
    const [name, m] = namedAndMaterialized<K, VR>('mapValues()', named, materialized);
    const self = this[TABLE_HANDLE];
    const builder = self.builder;
    let keySerde = self.keySerde;
    let valueSerde: Serde<VR> | undefined;
    let queryableName: string | undefined;
    let storeBuilder;
    if (m !== undefined) {
      // Kafka draws a store index for an unnamed Materialized although nothing is materialized then.
      if (m.queryableStoreName === undefined) builder.newStoreName(TablePrefix.MAPVALUES);
      const mi = new MaterializedInternal(m).keySerdeIfUnset(self.keySerde);
      keySerde = mi.keySerde;
      valueSerde = mi.valueSerde;
      queryableName = mi.queryableStoreName;
      if (queryableName !== undefined) storeBuilder = mi.keyValueStoreBuilder();
    }
    const nodeName = orElseGenerate(builder, name?.name, TablePrefix.MAPVALUES);
    const supplier = new KTableMapValues<K, V, VR>(self.state, mapper, queryableName, storeBuilder);
    return this.#deriveTable<VR>(nodeName, supplier, { keySerde, valueSerde, queryableStoreName: queryableName });
  }

  /**
   * The table's updates as a stream: each update becomes a record of its key and new value (a
   * delete becomes a record with a `null` value), with the update's timestamp. Node
   * `KTABLE-TOSTREAM-<n>`. With a `mapper`, the records get the key `mapper(key, value)`
   * (`toStream().selectKey(mapper)`).
   *
   * @example counts.toStream().to('word-counts', Produced.with(Serdes.String(), Serdes.Long()))
   */
  toStream(named?: Named): KStream<K, V>;
  toStream<KR>(mapper: KeyValueMapper<K, V, KR>, named?: Named): KStream<KR, V>;
  toStream<KR>(mapperOrNamed?: KeyValueMapper<K, V, KR> | Named, named?: Named): KStream<K, V> | KStream<KR, V> {
    if (typeof mapperOrNamed === 'function') {
      requireNamedOrUndefined(named, 'toStream()');
      return this.toStream(named).selectKey(mapperOrNamed);
    }
    requireNamedOrUndefined(mapperOrNamed, 'toStream()');
    const self = this[TABLE_HANDLE];
    const name = orElseGenerate(self.builder, mapperOrNamed?.name, TablePrefix.TOSTREAM);
    const node = new ProcessorGraphNode(name, () => new KStreamMapValues<K, Change<V>, V | null>((change) => change.newValue));
    self.builder.addGraphNode(self.node, node);
    return new KStream<K, V>({
      builder: self.builder,
      node,
      name,
      keySerde: self.keySerde,
      valueSerde: self.valueSerde,
      sourceNodes: self.sourceNodes,
      repartitionRequired: false,
    });
  }

  /**
   * Inner join with another table of the same key (both must be co-partitioned): the result has a
   * key while both tables do, with `joiner(value, otherValue, key)`, updated on updates of
   * either side, timestamped `max` of the two sides' timestamps (SEMANTICS §8, §1.5). Nodes
   * `KTABLE-MERGE-<n>`, `KTABLE-JOINTHIS-<n+1>`, `KTABLE-JOINOTHER-<n+2>` (or `<name>`,
   * `<name>-join-this`, `<name>-join-other`). Both tables are materialized to be looked up.
   *
   * With a `foreignKeyExtractor` instead, a *foreign-key* join: each row of this table joins the
   * row of `other` whose key is `foreignKeyExtractor(value, key)`; the result is keyed by this
   * table's key, and updates of either table update it (Kafka's subscription/response protocol
   * through two internal topics; see `TableJoined`). A row without a foreign key, or whose foreign
   * row is absent, is not in the result.
   *
   * @param named the join's name, or the result's `Materialized` (then pass no fourth argument)
   * @example prices.join(rates, (price, rate) => price * rate)
   * @example orders.join(customers, (order) => order.customerId, (order, customer) => ({ ...order, customer }))
   */
  join<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  join<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: ForeignKeyExtractor<K, V, KO>,
    joiner: ValueJoiner<V, VO, VR, K>,
    tableJoined?: TableJoined<K, KO> | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  join<VO, VR>(other: unknown, joinerOrExtractor: unknown, third?: unknown, fourth?: unknown, fifth?: unknown): KTable<K, VR> {
    if (typeof third === 'function') return this.#foreignKeyJoin('join()', other, joinerOrExtractor, third, fourth, fifth, false);
    if (fifth !== undefined) throw new TypeError(`join(): a table-table join takes (other, joiner, named?, materialized?), but got a fifth argument`);
    return this.#join('join()', other as KTable<K, VO>, joinerOrExtractor as SideJoiner<K, V, VO, VR>, false, false, third as Named | Materialized<K, VR> | undefined, fourth as Materialized<K, VR> | undefined);
  }

  /**
   * Left join: the result has a key while this table does; `joiner(value, null, key)` while the
   * other table has none (SEMANTICS §8). Names as {@link join}. With a `foreignKeyExtractor`, a
   * left foreign-key join: every row of this table is in the result, joined with `null` when it
   * has no foreign key or its foreign row is absent.
   */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  leftJoin<KO, VO, VR>(
    other: KTable<KO, VO>,
    foreignKeyExtractor: ForeignKeyExtractor<K, V, KO>,
    joiner: ValueJoiner<V, VO | null, VR, K>,
    tableJoined?: TableJoined<K, KO> | Materialized<K, VR>,
    materialized?: Materialized<K, VR>,
  ): KTable<K, VR>;
  leftJoin<VO, VR>(other: unknown, joinerOrExtractor: unknown, third?: unknown, fourth?: unknown, fifth?: unknown): KTable<K, VR> {
    if (typeof third === 'function') return this.#foreignKeyJoin('leftJoin()', other, joinerOrExtractor, third, fourth, fifth, true);
    if (fifth !== undefined) throw new TypeError(`leftJoin(): a table-table join takes (other, joiner, named?, materialized?), but got a fifth argument`);
    return this.#join('leftJoin()', other as KTable<K, VO>, joinerOrExtractor as SideJoiner<K, V, VO, VR>, true, false, third as Named | Materialized<K, VR> | undefined, fourth as Materialized<K, VR> | undefined);
  }

  /**
   * Outer join: the result has a key while either table does; the side without one is `null`
   * (SEMANTICS §8). Names as {@link join}.
   */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return this.#join('outerJoin()', other, joiner as SideJoiner<K, V, VO, VR>, true, true, named, materialized);
  }

  /**
   * Holds back this table's updates (SEMANTICS §5.5, §5.6): with
   * `Suppressed.untilWindowCloses(BufferConfig.unbounded())` on a windowed aggregation's table, each
   * window is emitted once, with its final value, after stream time passes its end plus grace;
   * with `Suppressed.untilTimeLimit(ms, bufferConfig)`, a key's latest update is emitted once
   * stream time is `ms` past its first held update. Node `KTABLE-SUPPRESS-<n>` with its buffer
   * store `KTABLE-SUPPRESS-STATE-STORE-<n>` (or `<name>`, `<name>-store` via `withName`).
   *
   * @example counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('final-counts')
   * @throws TopologyException when `untilWindowCloses` is used on a table that no windowed aggregation feeds
   */
  suppress(suppressed: Suppressed<K>): KTable<K, V> {
    return new KTable<K, V>(suppressedTableHandle(this[TABLE_HANDLE], suppressed));
  }

  #foreignKeyJoin<VR>(operator: string, other: unknown, extractor: unknown, joiner: unknown, tableJoinedOrMaterialized: unknown, materialized: unknown, leftJoin: boolean): KTable<K, VR> {
    if (!(other instanceof KTable)) throw new TypeError(`${operator}: other must be a KTable, but got: ${describeValue(other)}`);
    requireFunction(extractor, operator, 'foreignKeyExtractor');
    requireFunction(joiner, operator, 'joiner');
    const [tableJoined, m] = tableJoinedOrMaterialized instanceof Materialized ? [undefined, tableJoinedOrMaterialized] : [tableJoinedOrMaterialized, materialized];
    requireInstanceOrUndefined(tableJoined, (v) => v instanceof TableJoined, 'TableJoined', operator);
    requireInstanceOrUndefined(m, (v) => v instanceof Materialized, 'Materialized', operator);
    const self = this[TABLE_HANDLE];
    const that = (other as KTable<unknown, unknown>)[TABLE_HANDLE];
    if (that.builder !== self.builder) throw new TypeError(`${operator}: both tables must come from the same StreamsBuilder`);
    return new KTable<K, VR>(buildForeignKeyJoin(
      self,
      that,
      extractor as ForeignKeyExtractor<K, V, unknown>,
      joiner as ValueJoiner<V | null, unknown, VR, K>,
      tableJoined as TableJoined<K, unknown> | undefined,
      m as Materialized<K, VR> | undefined,
      leftJoin,
    ));
  }

  #filter(operator: string, predicate: Predicate<K, V>, filterNot: boolean, named: Named | Materialized<K, V> | undefined, materialized: Materialized<K, V> | undefined): KTable<K, V> {
    requireFunction(predicate, operator, 'predicate');
    const [name, m] = namedAndMaterialized<K, V>(operator, named, materialized);
    const self = this[TABLE_HANDLE];
    const builder = self.builder;
    let keySerde = self.keySerde;
    let valueSerde = self.valueSerde;
    let queryableName: string | undefined;
    let storeBuilder;
    if (m !== undefined) {
      if (m.queryableStoreName === undefined) builder.newStoreName(TablePrefix.FILTER);
      const mi = new MaterializedInternal(m).keySerdeIfUnset(self.keySerde).valueSerdeIfUnset(self.valueSerde);
      keySerde = mi.keySerde;
      valueSerde = mi.valueSerde;
      queryableName = mi.queryableStoreName;
      if (queryableName !== undefined) storeBuilder = mi.keyValueStoreBuilder();
    }
    const nodeName = orElseGenerate(builder, name?.name, TablePrefix.FILTER);
    const supplier = new KTableFilter<K, V>(self.state, predicate, filterNot, queryableName, storeBuilder);
    return this.#deriveTable<V>(nodeName, supplier, { keySerde, valueSerde, queryableStoreName: queryableName });
  }

  #join<VO, VR>(
    operator: string,
    other: KTable<K, VO>,
    joiner: SideJoiner<K, V, VO, VR>,
    leftOuter: boolean,
    rightOuter: boolean,
    named: Named | Materialized<K, VR> | undefined,
    materialized: Materialized<K, VR> | undefined,
  ): KTable<K, VR> {
    if (!(other instanceof KTable)) throw new TypeError(`${operator}: other must be a KTable, but got: ${describeValue(other)}`);
    requireFunction(joiner, operator, 'joiner');
    const [name, m] = namedAndMaterialized<K, VR>(operator, named, materialized);
    const self = this[TABLE_HANDLE];
    const that = other[TABLE_HANDLE];
    const builder = self.builder;
    if (that.builder !== builder) throw new TypeError(`${operator}: both tables must come from the same StreamsBuilder`);
    // As Kafka: the join's store name is drawn before the merge node's name.
    const mi = m === undefined ? undefined : new MaterializedInternal(m, builder, TablePrefix.MERGE).keySerdeIfUnset(self.keySerde);
    const mergeName = orElseGenerate(builder, name?.name, TablePrefix.MERGE);
    if (leftOuter) self.state.enableSendingOldValues(true);
    if (rightOuter) that.state.enableSendingOldValues(true);

    const [thisKind, otherKind]: [TableJoinKind, TableJoinKind] = !leftOuter ? ['inner', 'inner'] : !rightOuter ? ['left', 'right'] : ['outer', 'outer'];
    const joinThis = new KTableKTableJoin<K, V, VO, VR>(self.state, that.state, joiner, thisKind);
    const joinOther = new KTableKTableJoin<K, VO, V, VR>(that.state, self.state, (o, t, key) => joiner(t, o, key), otherKind);
    const thisName = suffixedOrElseGenerate(builder, name?.name, '-join-this', TablePrefix.JOINTHIS);
    const otherName = suffixedOrElseGenerate(builder, name?.name, '-join-other', TablePrefix.JOINOTHER);
    const storeBuilder = mi?.keyValueStoreBuilder();
    const queryableName = mi?.storeName;
    const merger = new KTableKTableJoinMerger<K, VR>(joinThis, joinOther, queryableName, storeBuilder);
    const sourceNodes = new Set([...self.sourceNodes, ...that.sourceNodes]);
    const node = new TableTableJoinNode(mergeName, {
      thisName,
      otherName,
      thisParent: self.name,
      otherParent: that.name,
      thisSupplier: joinThis,
      otherSupplier: joinOther,
      mergeSupplier: merger,
      mergeStores: () => merger.stores(),
      thisStoreNames: self.state.valueGetterSupplier().storeNames(),
      otherStoreNames: that.state.valueGetterSupplier().storeNames(),
      copartitionTopics: () => builder.sourceTopicsOf(sourceNodes),
    });
    builder.addGraphNode([self.node, that.node], node);
    return new KTable<K, VR>({
      builder,
      node,
      name: mergeName,
      keySerde: mi === undefined ? self.keySerde : mi.keySerde,
      valueSerde: mi?.valueSerde,
      sourceNodes,
      queryableStoreName: queryableName,
      state: new TableState(merger),
    });
  }

  #deriveTable<VR>(
    nodeName: string,
    supplier: KTableProcessorSupplier<K, VR>,
    changes: Pick<TableHandle<K, VR>, 'keySerde' | 'valueSerde' | 'queryableStoreName'>,
  ): KTable<K, VR> {
    const self = this[TABLE_HANDLE];
    const node = new StatefulProcessorNode(nodeName, supplier, { stores: () => supplier.stores() });
    self.builder.addGraphNode(self.node, node);
    return new KTable<K, VR>({ builder: self.builder, node, name: nodeName, sourceNodes: self.sourceNodes, state: new TableState(supplier), ...changes });
  }
}


/** @internal For the DSL's other modules: the handle of a KTable argument, checked. */
export function tableHandleOf<K, V>(table: unknown, operator: string): TableHandle<K, V> {
  if (!(table instanceof KTable)) throw new TypeError(`${operator}: table must be a KTable, but got: ${describeValue(table)}`);
  return (table as KTable<K, V>)[TABLE_HANDLE];
}
