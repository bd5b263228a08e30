import type { Serde } from '../serde/serde.js';
import type { KeyValueMapper, ValueJoiner } from './functions.js';
import { describeValue, requireFunction, requireInstanceOrUndefined, requireNamedOrUndefined } from './internal/arguments.js';
import { TableState } from './internal/ktable-processor-supplier.js';
import { MaterializedInternal, storeBuilderOf } from './internal/materialized-internal.js';
import { NamePrefix } from './internal/name-prefixes.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { orElseGenerate } from './internal/naming.js';
import { ProcessorGraphNode } from './internal/processor-graph-node.js';
import { createRepartitionNode, type RepartitionNode } from './internal/repartition-node.js';
import { StatefulProcessorNode } from './internal/stateful-processor-node.js';
import { NULL_KEY_RELAXED_JOIN, StatefulStreamPrefix } from './internal/stateful-name-prefixes.js';
import { STREAM_HANDLE, type StreamHandle } from './internal/stream-handle.js';
import { buildStreamStreamJoin } from './internal/stream-stream-join-builder.js';
import { GLOBAL_TABLE_HANDLE, GlobalKTable } from './global-ktable.js';
import { Grouped } from './grouped.js';
import { JoinWindows } from './join-windows.js';
import { Joined } from './joined.js';
import { KGroupedStream } from './kgrouped-stream.js';
import { KStream } from './kstream.js';
import { KTable, tableHandleOf } from './ktable.js';
import { Materialized } from './materialized.js';
import { Named } from './named.js';
import { kstreamKTableJoinSupplier } from './processors/kstream-ktable-join.js';
import { StreamJoined } from './stream-joined.js';
import { KStreamMap } from './processors/kstream-map.js';
import { KTableSource } from './processors/ktable-source.js';

// The KStream operators that make or read tables, and the stream-stream joins. They are added to KStream here, not in
// kstream.ts, because KTable.toStream() returns a KStream: declaring them there would make the two
// modules import each other.
declare module './kstream.js' {
  interface KStream<K, V> {
    /**
     * Groups the records by their current key, for an aggregation (`count`, `reduce`,
     * `aggregate`). When the key may have changed (after `selectKey`, `map`, …), the aggregation
     * first writes the records through a repartition topic.
     *
     * @param grouped serdes of the key and value (for that topic; default: the stream's) and its name
     * @example words.groupByKey().count()
     */
    groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V>;

    /**
     * Groups the records by `selector(key, value)`, for an aggregation; always through a
     * repartition topic. Node `KSTREAM-KEY-SELECT-<n>` (or the `Grouped` name).
     *
     * @example lines.flatMapValues((l) => l.split(' ')).groupBy((k, word) => word).count()
     */
    groupBy<KR>(selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<NoInfer<KR>, V>): KGroupedStream<KR, V>;

    /**
     * The stream as a table: each record is an update of its key (a `null` value deletes it;
     * null keys are dropped). Node `KSTREAM-TOTABLE-<n>`; repartitions first when the key may have
     * changed. Materialized (queryable) when given a store name.
     *
     * @param named the node's name, or the table's `Materialized` (then pass no second argument)
     */
    toTable(named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V>;

    /**
     * Joins each record with the table's current value for its key: `joiner(value, tableValue,
     * key)`, forwarded with the record's key and timestamp; records without a table value are
     * dropped, and table updates produce nothing (SEMANTICS §6). Stream and table must be
     * co-partitioned: their topics need the same partition count (checked when the application
     * starts). Node `KSTREAM-JOIN-<n>`; when the stream's key may have changed, it is
     * repartitioned first.
     *
     * @param joined serdes (for the repartition topic) and the join's name
     * @example orders.join(addresses, (order, address) => `${order} send to ${address}`).to('order_join')
     */
    join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>;

    /**
     * Joins each record with the global table's current value for `keySelector(key, value)`
     * (SEMANTICS §7): `joiner(value, tableValue, key)`, forwarded with the record's key and
     * timestamp; records without a table value are dropped. No co-partitioning or repartitioning
     * is needed. Node `KSTREAM-LEFTJOIN-<n>` (Kafka's name, for inner joins too).
     *
     * @example orders.join(addresses, (id, order) => order.customer, (order, address) => ({ ...order, address }))
     */
    join<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: KeyValueMapper<K, V, KG | null>, joiner: ValueJoiner<V, VG, VR, K>, named?: Named): KStream<K, VR>;

    /**
     * Joins the records of two streams with the same key whose timestamps are within `windows`
     * of each other (SEMANTICS §9): `joiner(value, otherValue, key)` for each pair, timestamped
     * with the later of the two. Both streams are buffered in window stores for the window's size
     * plus grace; the streams must be co-partitioned (each is repartitioned first when its key may
     * have changed). Nodes `KSTREAM-WINDOWED-<n>` ×2, `KSTREAM-JOINTHIS-<n>`,
     * `KSTREAM-JOINOTHER-<n>`, `KSTREAM-MERGE-<n>`.
     *
     * @param streamJoined serdes (for the stores and repartition topics), names, store suppliers, logging
     * @example clicks.join(views, (c, v) => ({ c, v }), JoinWindows.ofTimeDifferenceWithNoGrace(60_000))
     */
    join<VO, VR>(otherStream: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;

    /**
     * As `join(table, …)`, but a record without a table value is joined with `null`, and a
     * record with a null key is kept (KIP-962). Node `KSTREAM-LEFTJOIN-<n>`.
     */
    leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>;

    /**
     * As `join(globalTable, …)`, but a record without a table value, or whose selected key is
     * `null`, is joined with `null`.
     */
    leftJoin<KG, VG, VR>(globalTable: GlobalKTable<KG, VG>, keySelector: KeyValueMapper<K, V, KG | null>, joiner: ValueJoiner<V, VG | null, VR, K>, named?: Named): KStream<K, VR>;

    /**
     * As `join(otherStream, …)`, but a record of this stream that joins nothing is joined with
     * `null`, once its window has closed (window end plus grace; at once with the deprecated
     * `JoinWindows.of`), timestamped with its own timestamp.
     */
    leftJoin<VO, VR>(otherStream: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;

    /**
     * As `leftJoin(otherStream, …)`, for records of either stream: one that joins nothing is
     * joined with `null` on the missing side. Nodes `KSTREAM-OUTERTHIS-<n>`, `KSTREAM-OUTEROTHER-<n>`.
     */
    outerJoin<VO, VR>(otherStream: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  }
}

/** Kafka keeps the repartition node of a stream-table join on the KStreamImpl, so joining the same stream twice shares it. */
const joinRepartitions = new WeakMap<StreamHandle<unknown, unknown>, RepartitionNode>();

KStream.prototype.groupByKey = function groupByKey<K, V>(this: KStream<K, V>, grouped?: Grouped<K, V>): KGroupedStream<K, V> {
  requireInstanceOrUndefined(grouped, (v) => v instanceof Grouped, 'Grouped', 'groupByKey()');
  const stream = this[STREAM_HANDLE];
  return new KGroupedStream<K, V>({
    builder: stream.builder,
    node: stream.node,
    sourceNodes: stream.sourceNodes,
    repartitionRequired: stream.repartitionRequired,
    repartitionName: grouped?.name,
    keySerde: grouped?.keySerde ?? stream.keySerde,
    valueSerde: grouped?.valueSerde ?? stream.valueSerde,
  });
};

KStream.prototype.groupBy = function groupBy<K, V, KR>(this: KStream<K, V>, selector: KeyValueMapper<K, V, KR>, grouped?: Grouped<KR, V>): KGroupedStream<KR, V> {
  requireFunction(selector, 'groupBy()', 'selector');
  requireInstanceOrUndefined(grouped, (v) => v instanceof Grouped, 'Grouped', 'groupBy()');
  const stream = this[STREAM_HANDLE];
  // Kafka's internalSelectKey: the Grouped name names the key selector too.
  const name = orElseGenerate(stream.builder, grouped?.name, NamePrefix.KEY_SELECT);
  const node = new ProcessorGraphNode(name, () => new KStreamMap<K, V, KR, V>((key, value) => ({ key: selector(key, value), value }), 'groupBy()'));
  node.keyChangingOperation = true;
  stream.builder.addGraphNode(stream.node, node);
  return new KGroupedStream<KR, V>({
    builder: stream.builder,
    node,
    sourceNodes: stream.sourceNodes,
    repartitionRequired: true,
    repartitionName: grouped?.name,
    keySerde: grouped?.keySerde,
    valueSerde: grouped?.valueSerde ?? stream.valueSerde,
  });
};

KStream.prototype.toTable = function toTable<K, V>(this: KStream<K, V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
  const [given, m] = namedAndMaterialized<K, V>('toTable()', named, materialized);
  const stream = this[STREAM_HANDLE];
  const builder = stream.builder;
  const name = orElseGenerate(builder, given?.name, StatefulStreamPrefix.TOTABLE);
  const mi = new MaterializedInternal(m ?? Materialized.with<K, V>(stream.keySerde, stream.valueSerde), builder, StatefulStreamPrefix.TOTABLE)
    .keySerdeIfUnset(stream.keySerde)
    .valueSerdeIfUnset(stream.valueSerde);
  let parent = stream.node;
  let sourceNodes = stream.sourceNodes;
  if (stream.repartitionRequired) {
    const repartition = createRepartitionNode(builder, 'optimizable', name, { keySerde: mi.keySerde, valueSerde: mi.valueSerde, partitioner: undefined, partitions: undefined });
    builder.addGraphNode(parent, repartition);
    parent = repartition;
    sourceNodes = new Set([repartition.nodeName]);
  }
  const source = new KTableSource<K, V>(mi.storeName, mi.queryableStoreName, storeBuilderOf(mi));
  const node = new StatefulProcessorNode(name, source, { stores: () => source.stores() });
  builder.addGraphNode(parent, node);
  return new KTable<K, V>({
    builder,
    node,
    name,
    keySerde: mi.keySerde,
    valueSerde: mi.valueSerde,
    sourceNodes,
    queryableStoreName: mi.queryableStoreName,
    state: new TableState(source),
  });
};

KStream.prototype.join = function join(this: KStream<unknown, unknown>, table: unknown, joinerOrSelector: unknown, joinedOrJoiner?: unknown, named?: unknown): KStream<unknown, unknown> {
  return streamJoin(this, 'join()', false, table, joinerOrSelector, joinedOrJoiner, named);
} as KStream<unknown, unknown>['join'];

KStream.prototype.leftJoin = function leftJoin(this: KStream<unknown, unknown>, table: unknown, joinerOrSelector: unknown, joinedOrJoiner?: unknown, named?: unknown): KStream<unknown, unknown> {
  return streamJoin(this, 'leftJoin()', true, table, joinerOrSelector, joinedOrJoiner, named);
} as KStream<unknown, unknown>['leftJoin'];

function streamJoin(
  stream: KStream<unknown, unknown>,
  operator: string,
  leftJoin: boolean,
  table: unknown,
  joinerOrSelector: unknown,
  joinedOrJoiner: unknown,
  named: unknown,
): KStream<unknown, unknown> {
  if (table instanceof KStream) {
    return streamStreamJoin(stream, operator, table, joinerOrSelector, joinedOrJoiner, named, leftJoin, false);
  }
  if (table instanceof GlobalKTable) {
    requireFunction(joinerOrSelector, operator, 'keySelector');
    requireFunction(joinedOrJoiner, operator, 'joiner');
    requireNamedOrUndefined(named, operator);
    return globalTableJoin(stream[STREAM_HANDLE], table, joinerOrSelector as KeyValueMapper<unknown, unknown, unknown>, joinedOrJoiner as ValueJoiner<unknown, unknown, unknown>, leftJoin, named as Named | undefined);
  }
  if (!(table instanceof KTable)) throw new TypeError(`${operator}: the other side must be a KStream, a KTable or a GlobalKTable, but got: ${describeValue(table)}`);
  requireFunction(joinerOrSelector, operator, 'joiner');
  requireInstanceOrUndefined(joinedOrJoiner, (v) => v instanceof Joined, 'Joined', operator);
  if (named !== undefined) throw new TypeError(`${operator}: a KTable join takes (table, joiner, joined?), but got a fourth argument: ${describeValue(named)}`);
  return tableJoin(stream, table, joinerOrSelector as ValueJoiner<unknown, unknown, unknown>, joinedOrJoiner as Joined<unknown, unknown, unknown> | undefined, leftJoin, operator);
}

KStream.prototype.outerJoin = function outerJoin(this: KStream<unknown, unknown>, other: unknown, joiner: unknown, windows: unknown, streamJoined?: unknown): KStream<unknown, unknown> {
  if (!(other instanceof KStream)) throw new TypeError(`outerJoin(): otherStream must be a KStream, but got: ${describeValue(other)}`);
  return streamStreamJoin(this, 'outerJoin()', other, joiner, windows, streamJoined, true, true);
} as KStream<unknown, unknown>['outerJoin'];

/** Kafka's `KStreamImpl.doJoin`: repartitions each side whose key may have changed, then joins. */
function streamStreamJoin(
  stream: KStream<unknown, unknown>,
  operator: string,
  other: KStream<unknown, unknown>,
  joiner: unknown,
  windows: unknown,
  streamJoined: unknown,
  leftOuter: boolean,
  rightOuter: boolean,
): KStream<unknown, unknown> {
  requireFunction(joiner, operator, 'joiner');
  if (!(windows instanceof JoinWindows)) throw new TypeError(`${operator}: windows must be a JoinWindows, but got: ${describeValue(windows)}`);
  requireInstanceOrUndefined(streamJoined, (v) => v instanceof StreamJoined, 'StreamJoined', operator);
  const joined = streamJoined as StreamJoined<unknown, unknown, unknown> | undefined;
  let left = stream[STREAM_HANDLE];
  let right = other[STREAM_HANDLE];
  if (right.builder !== left.builder) throw new TypeError(`${operator}: both streams must come from the same StreamsBuilder`);
  const name = joined?.name;
  if (left.repartitionRequired) left = repartitionForJoin(left, name === undefined ? left.name : `${name}-left`, joined?.keySerde, joined?.valueSerde);
  if (right.repartitionRequired) right = repartitionForJoin(right, name === undefined ? right.name : `${name}-right`, joined?.keySerde, joined?.otherValueSerde);
  return new KStream(buildStreamStreamJoin(left, right, joiner as ValueJoiner<unknown, unknown, unknown>, windows, joined, leftOuter, rightOuter));
}

function tableJoin(
  stream: KStream<unknown, unknown>,
  table: KTable<unknown, unknown>,
  joiner: ValueJoiner<unknown, unknown, unknown>,
  joined: Joined<unknown, unknown, unknown> | undefined,
  leftJoin: boolean,
  operator: string,
): KStream<unknown, unknown> {
  let left = stream[STREAM_HANDLE];
  const right = tableHandleOf<unknown, unknown>(table, operator);
  const builder = left.builder;
  if (right.builder !== builder) throw new TypeError(`${operator}: the stream and the table must come from the same StreamsBuilder`);
  if (left.repartitionRequired) left = repartitionForJoin(left, joined?.name ?? left.name, joined?.keySerde, joined?.valueSerde);
  const sourceNodes = new Set([...left.sourceNodes, ...right.sourceNodes]);
  const name = orElseGenerate(builder, joined?.name, leftJoin ? StatefulStreamPrefix.LEFTJOIN : StatefulStreamPrefix.JOIN);
  const getters = right.state.valueGetterSupplier();
  const node = new StatefulProcessorNode(name, kstreamKTableJoinSupplier(getters, (key) => key, joiner, leftJoin), {
    connectedStores: getters.storeNames(),
    copartitionTopics: () => builder.sourceTopicsOf(sourceNodes),
  });
  if (leftJoin) node.labels.add(NULL_KEY_RELAXED_JOIN);
  builder.addGraphNode(left.node, node);
  return new KStream({ builder, node, name, keySerde: joined?.keySerde ?? left.keySerde, valueSerde: undefined, sourceNodes, repartitionRequired: false });
}

/**
 * Kafka's `repartitionForJoin`: the stream through `<Joined name | upstream node name>-repartition`.
 * Three names are drawn every time; an unnamed repartition of the same stream is made once.
 */
function repartitionForJoin(
  stream: StreamHandle<unknown, unknown>,
  repartitionName: string,
  keySerde: Serde<unknown> | undefined,
  valueSerde: Serde<unknown> | undefined,
): StreamHandle<unknown, unknown> {
  const spec = { keySerde: keySerde ?? stream.keySerde, valueSerde: valueSerde ?? stream.valueSerde, partitioner: undefined, partitions: undefined };
  const created = createRepartitionNode(stream.builder, 'optimizable', repartitionName, spec);
  let node = joinRepartitions.get(stream);
  if (node === undefined || stream.name !== repartitionName) {
    node = created;
    joinRepartitions.set(stream, node);
    stream.builder.addGraphNode(stream.node, node);
  }
  return { ...stream, node, name: node.sourceName, ...spec, sourceNodes: new Set([node.nodeName]), repartitionRequired: false };
}

function globalTableJoin(
  stream: StreamHandle<unknown, unknown>,
  table: GlobalKTable<unknown, unknown>,
  keySelector: KeyValueMapper<unknown, unknown, unknown>,
  joiner: ValueJoiner<unknown, unknown, unknown>,
  leftJoin: boolean,
  named: Named | undefined,
): KStream<unknown, unknown> {
  const name = orElseGenerate(stream.builder, named?.name, StatefulStreamPrefix.LEFTJOIN);
  const node = new StatefulProcessorNode(name, kstreamKTableJoinSupplier(table[GLOBAL_TABLE_HANDLE].valueGetterSupplier, keySelector, joiner, leftJoin));
  if (leftJoin) node.labels.add(NULL_KEY_RELAXED_JOIN);
  stream.builder.addGraphNode(stream.node, node);
  return new KStream({ ...stream, node, name, valueSerde: undefined });
}
