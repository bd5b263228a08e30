import { Serdes } from '../serde/serdes.js';
import { CogroupedKStream } from './cogrouped-kstream.js';
import type { Aggregator, Initializer, Reducer } from './functions.js';
import { describeValue, requireFunction } from './internal/arguments.js';
import { GROUPED_STREAM_HANDLE, GroupedStreamAggregateBuilder, type GroupedStreamSpec } from './internal/grouped-stream-aggregate-builder.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { orElseGenerate } from './internal/naming.js';
import { StatefulStreamPrefix } from './internal/stateful-name-prefixes.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import { Named } from './named.js';
import { KStreamAggregate, type StreamAggregation } from './processors/kstream-aggregate.js';
import { SessionWindowedKStream } from './session-windowed-kstream.js';
import { SessionWindows } from './session-windows.js';
import { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedKStream } from './time-windowed-kstream.js';
import { TimeWindows } from './time-windows.js';

/**
 * A stream grouped by key, ready to aggregate (Kafka's `KGroupedStream`), from
 * `KStream.groupByKey()` or `KStream.groupBy()`. Each aggregation returns a KTable of the
 * latest aggregate per key, kept in a store (`KSTREAM-AGGREGATE-STATE-STORE-<n>` unless named
 * with `Materialized`) and written to its changelog topic. When the key may have changed since
 * the stream was partitioned by it, the records first go through a repartition topic.
 *
 * Records with a null key or value are skipped. Each update is forwarded with the timestamp
 * `max(record ts, previous aggregate ts)` (SEMANTICS §1.5, §11).
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type
 * @typeParam V - value type
 */
export class KGroupedStream<K, V> {
  /** @internal The grouped stream and the builder of its aggregations (windowed streams reuse it). */
  readonly [GROUPED_STREAM_HANDLE]: GroupedStreamAggregateBuilder<K, V>;

  /** @internal Made by `KStream.groupByKey()` / `groupBy()`. */
  constructor(spec: GroupedStreamSpec<K, V>) {
    this[GROUPED_STREAM_HANDLE] = new GroupedStreamAggregateBuilder(spec);
  }

  /**
   * The number of records per key (null values are not counted). Node `KSTREAM-AGGREGATE-<n>`;
   * the value serde of the store is `Serdes.Long()` unless given.
   *
   * @param named the node's name, or the `Materialized` of the result (then pass no second argument)
   * @example words.groupBy((k, word) => word).count(Materialized.as('word-counts'))
   */
  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const [name, m] = namedAndMaterialized<K, number>('count()', named, materialized);
    const spec = this[GROUPED_STREAM_HANDLE].spec;
    // Kafka's compatibility quirk: count(Materialized) without a store name burns one index.
    if (m !== undefined && m.queryableStoreName === undefined) spec.builder.newStoreName(StatefulStreamPrefix.AGGREGATE);
    const mi = new MaterializedInternal(m ?? Materialized.with<K, number>(spec.keySerde, Serdes.Long()), spec.builder, StatefulStreamPrefix.AGGREGATE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(Serdes.Long());
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, {
      kind: 'aggregate',
      initializer: () => 0,
      aggregator: (_key, _value, count) => count + 1,
    });
  }

  /**
   * Combines the values of each key with `reducer(aggregate, value)`; a key's first value is its
   * first aggregate. Node `KSTREAM-REDUCE-<n>`, store `KSTREAM-REDUCE-STATE-STORE-<n>`.
   *
   * @example amounts.groupByKey().reduce((sum, amount) => sum + amount)
   */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    requireFunction(reducer, 'reduce()', 'reducer');
    const [name, m] = namedAndMaterialized<K, V>('reduce()', named, materialized);
    const spec = this[GROUPED_STREAM_HANDLE].spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, V>(spec.keySerde, spec.valueSerde), spec.builder, StatefulStreamPrefix.REDUCE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(spec.valueSerde);
    return this.#aggregate(name, StatefulStreamPrefix.REDUCE, mi, { kind: 'reduce', reducer });
  }

  /**
   * Folds the values of each key into an aggregate: `aggregator(key, value, aggregate)`, starting
   * from `initializer()`. Node `KSTREAM-AGGREGATE-<n>`. The aggregate's serde is the default value
   * serde unless given with `Materialized.with(keySerde, aggregateSerde)`.
   *
   * @example clicks.groupByKey().aggregate(() => [], (user, click, list) => [...list, click.page], Materialized.with(Serdes.String(), Serdes.Json<string[]>()))
   */
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<K, VA> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    requireFunction(aggregator, 'aggregate()', 'aggregator');
    const [name, m] = namedAndMaterialized<K, VA>('aggregate()', named, materialized);
    const spec = this[GROUPED_STREAM_HANDLE].spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VA>(spec.keySerde), spec.builder, StatefulStreamPrefix.AGGREGATE).keySerdeIfUnset(spec.keySerde);
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, { kind: 'aggregate', initializer, aggregator });
  }

  /**
   * Starts a cogrouped aggregation with this stream as its first input (Kafka's
   * `KGroupedStream.cogroup`, KIP-150): add more grouped streams of the same key type, each with
   * its own value type and aggregator, with `CogroupedKStream.cogroup()`, then `aggregate()` them
   * all into one table (or `windowedBy()` first), through one store.
   *
   * @param aggregator folds this stream's values into the aggregate: `aggregator(key, value, aggregate)`
   * @example
   * clicks.groupByKey()
   *   .cogroup<Customer>((id, click, c) => ({ ...c, clicks: c.clicks + 1 }))
   *   .cogroup(purchases.groupByKey(), (id, amount, c) => ({ ...c, spent: c.spent + amount }))
   *   .aggregate(() => ({ clicks: 0, spent: 0 }))
   * @throws TypeError when `aggregator` is not a function
   */
  cogroup<VOut>(aggregator: Aggregator<K, V, VOut>): CogroupedKStream<K, VOut> {
    requireFunction(aggregator, 'cogroup()', 'aggregator');
    return new CogroupedKStream<K, VOut>(this[GROUPED_STREAM_HANDLE] as GroupedStreamAggregateBuilder<K, unknown>, aggregator as Aggregator<K, unknown, VOut>);
  }

  /**
   * Cuts the grouped stream into windows for windowed aggregations, whose results are tables keyed
   * by `Windowed<K>` (SEMANTICS §2-§4): `TimeWindows` (tumbling, or hopping with `advanceBy`) and
   * `SlidingWindows` give a `TimeWindowedKStream`, `SessionWindows` a `SessionWindowedKStream`.
   *
   * @example words.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(5_000)).count()
   * @throws TypeError when `windows` is none of the three
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) return new SessionWindowedKStream<K, V>(this[GROUPED_STREAM_HANDLE], windows);
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedKStream<K, V>(this[GROUPED_STREAM_HANDLE], windows);
    throw new TypeError(`windowedBy(): windows must be TimeWindows, SlidingWindows or SessionWindows, but got: ${describeValue(windows)}`);
  }

  #aggregate<VA>(named: Named | undefined, prefix: string, mi: MaterializedInternal<K, VA>, aggregation: StreamAggregation<K, V, VA>): KTable<K, VA> {
    const aggregateBuilder = this[GROUPED_STREAM_HANDLE];
    const name = orElseGenerate(aggregateBuilder.spec.builder, named?.name, prefix);
    const supplier = new KStreamAggregate<K, V, VA>(mi.storeName, mi.keyValueStoreBuilder(), aggregation);
    const built = aggregateBuilder.build(name, mi.storeName, supplier);
    return new KTable<K, VA>({ ...built, keySerde: mi.keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }
}
