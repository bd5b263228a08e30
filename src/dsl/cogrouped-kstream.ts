import type { Aggregator, Initializer } from './functions.js';
import { describeValue, requireFunction } from './internal/arguments.js';
import { CogroupedStreamAggregateBuilder, CogroupPrefix, type CogroupInputs } from './internal/cogrouped-stream-aggregate-builder.js';
import { GROUPED_STREAM_HANDLE, type GroupedStreamAggregateBuilder } from './internal/grouped-stream-aggregate-builder.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import type { KGroupedStream } from './kgrouped-stream.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { KStreamAggregate } from './processors/kstream-aggregate.js';
import { SessionWindowedCogroupedKStream } from './session-windowed-cogrouped-kstream.js';
import { SessionWindows } from './session-windows.js';
import { SlidingWindows } from './sliding-windows.js';
import { TimeWindowedCogroupedKStream } from './time-windowed-cogrouped-kstream.js';
import { TimeWindows } from './time-windows.js';

/** What the windowed cogrouped streams share with the cogrouped stream they come from (Kafka passes the same map and builder). */
export interface CogroupSpec<K, VOut> {
  readonly inputs: CogroupInputs<K, VOut>;
  readonly aggregateBuilder: CogroupedStreamAggregateBuilder<K, VOut>;
}

/**
 * Several grouped streams, each with its own value type and aggregator, to aggregate into one
 * table (Kafka's `CogroupedKStream`, KIP-150), from `KGroupedStream.cogroup(aggregator)`.
 * `aggregate(initializer)` keeps one aggregate per key in one store, which every input's
 * aggregator updates: no join of per-input tables needed. Each input's records are folded in by
 * its own processor (`COGROUPKSTREAM-AGGREGATE-<n>`) with the rules of `KGroupedStream.aggregate`
 * (null keys and values skipped, timestamp max(record, aggregate)); an input whose key may have
 * changed goes through a repartition topic first, and the inputs are co-partitioned.
 *
 * As in Kafka, the result's key serde is only what `Materialized` gives (else `default.key.serde`):
 * the grouped streams' serdes do not carry over.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type (all inputs share it)
 * @typeParam VOut - aggregate type
 * @example
 * // per customer: the number of clicks and the sum of purchases
 * clicks.groupByKey()
 *   .cogroup<Customer>((id, click, c) => ({ ...c, clicks: c.clicks + 1 }))
 *   .cogroup(purchases.groupByKey(), (id, amount, c) => ({ ...c, spent: c.spent + amount }))
 *   .aggregate(() => ({ clicks: 0, spent: 0 }), Materialized.with(Serdes.String(), Serdes.Json<Customer>()));
 */
export class CogroupedKStream<K, VOut> {
  readonly #spec: CogroupSpec<K, VOut>;

  /** @internal Made by `KGroupedStream.cogroup()`. */
  constructor(grouped: GroupedStreamAggregateBuilder<K, unknown>, aggregator: Aggregator<K, unknown, VOut>) {
    this.#spec = { inputs: new Map([[grouped, aggregator]]), aggregateBuilder: new CogroupedStreamAggregateBuilder(grouped.spec.builder) };
  }

  /**
   * Adds an input: `aggregator(key, value, aggregate)` folds its records into the shared aggregate.
   * Cogrouping a grouped stream that is already an input replaces its aggregator (Kafka keeps its
   * inputs in a map), keeping its place.
   * @returns this cogrouped stream
   * @throws TypeError when `groupedStream` is no KGroupedStream or `aggregator` no function
   */
  cogroup<VIn>(groupedStream: KGroupedStream<K, VIn>, aggregator: Aggregator<K, VIn, VOut>): this {
    if (typeof groupedStream !== 'object' || groupedStream === null || !(GROUPED_STREAM_HANDLE in groupedStream)) {
      throw new TypeError(`cogroup(): groupedStream must be a KGroupedStream, but got: ${describeValue(groupedStream)}`);
    }
    requireFunction(aggregator, 'cogroup()', 'aggregator');
    this.#spec.inputs.set(groupedStream[GROUPED_STREAM_HANDLE] as GroupedStreamAggregateBuilder<K, unknown>, aggregator as Aggregator<K, unknown, VOut>);
    return this;
  }

  /**
   * Aggregates all inputs into a table, each key's aggregate starting from `initializer()`. The
   * store is `COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>` unless named with `Materialized`; its
   * value serde is the default value serde unless given.
   * @param named names the processors `<name>-cogroup-agg-<i>` and `<name>-cogroup-merge`, or the `Materialized` (then pass no third argument)
   */
  aggregate(initializer: Initializer<VOut>, named?: Named | Materialized<K, VOut>, materialized?: Materialized<K, VOut>): KTable<K, VOut> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    const [name, m] = namedAndMaterialized<K, VOut>('aggregate()', named, materialized);
    const { inputs, aggregateBuilder } = this.#spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VOut>(), aggregateBuilder.builder, CogroupPrefix.AGGREGATE);
    const storeBuilder = mi.keyValueStoreBuilder();
    const built = aggregateBuilder.build(inputs, name?.name, mi.storeName, (aggregator) =>
      new KStreamAggregate<K, unknown, VOut>(mi.storeName, storeBuilder, { kind: 'aggregate', initializer, aggregator }));
    return new KTable<K, VOut>({ ...built, keySerde: mi.keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }

  /**
   * Cuts the inputs into windows for a windowed aggregation: `TimeWindows` (tumbling, hopping) and
   * `SlidingWindows` give a `TimeWindowedCogroupedKStream`, `SessionWindows` a
   * `SessionWindowedCogroupedKStream`. Their results always emit on window update: Kafka has no
   * `emitStrategy` for cogrouped windows.
   * @throws TypeError when `windows` is none of the three
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: SessionWindows): SessionWindowedCogroupedKStream<K, VOut>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedCogroupedKStream<K, VOut> | SessionWindowedCogroupedKStream<K, VOut> {
    if (windows instanceof SessionWindows) return new SessionWindowedCogroupedKStream<K, VOut>(this.#spec, windows);
    if (windows instanceof TimeWindows || windows instanceof SlidingWindows) return new TimeWindowedCogroupedKStream<K, VOut>(this.#spec, windows);
    throw new TypeError(`windowedBy(): windows must be TimeWindows, SlidingWindows or SessionWindows, but got: ${describeValue(windows)}`);
  }
}
