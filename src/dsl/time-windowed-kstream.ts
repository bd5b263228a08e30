import { Serdes } from '../serde/serdes.js';
import type { Windowed } from '../state/windowed.js';
import { EmitStrategy } from './emit-strategy.js';
import type { Aggregator, Initializer, Reducer } from './functions.js';
import { requireFunction } from './internal/arguments.js';
import type { GroupedStreamAggregateBuilder } from './internal/grouped-stream-aggregate-builder.js';
import type { KTableProcessorSupplier } from './internal/ktable-processor-supplier.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { orElseGenerate } from './internal/naming.js';
import { StatefulStreamPrefix } from './internal/stateful-name-prefixes.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { KStreamSlidingWindowAggregate } from './processors/kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregate } from './processors/kstream-window-aggregate.js';
import { countAggregation, reduceAggregation, userAggregation, type WindowAggregation } from './processors/window-aggregation.js';
import { slidingWindowStoreBuilder, timeWindowStoreBuilder } from './processors/window-store-materializer.js';
import { SlidingWindows } from './sliding-windows.js';
import type { TimeWindows } from './time-windows.js';
import { TimeWindowedSerde } from './windowed-serdes.js';

/**
 * A grouped stream cut into time windows, ready to aggregate per key and window (Kafka's
 * `TimeWindowedKStream`), from `KGroupedStream.windowedBy(TimeWindows | SlidingWindows)`. Each
 * aggregation returns a `KTable<Windowed<K>, V>`: the latest aggregate per key and window, kept in
 * a timestamped window store (`KSTREAM-AGGREGATE-STATE-STORE-<n>` unless named with
 * `Materialized`, queryable as a window store under a given name) and written to its changelog.
 *
 * Which records count where (SEMANTICS §2, §3): tumbling/hopping windows are epoch-aligned
 * `[start, end)`, sliding windows `[start, start + D]` created as records arrive; a record for a
 * window already closed (stream time ≥ its end + grace) is dropped and counted in
 * `dropped-records`. Records with a null key are dropped; time windows pass null values to the
 * aggregator (so `count()` counts them), sliding windows drop them. Each update is forwarded with
 * the largest record timestamp in its window, deduplicated per commit by the record cache unless
 * `Materialized.withCachingDisabled()` (§5). `suppress(Suppressed.untilWindowCloses(...))` on the
 * result emits only final results.
 *
 * The store keeps windows for `Materialized.withRetention(ms)`, by default size + grace
 * (sliding: 2 × D + grace), and rejects a shorter retention.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type
 * @typeParam V - value type
 * @example
 * builder.stream<string, string>('test_log').groupByKey()
 *   .windowedBy(TimeWindows.ofSizeWithNoGrace(5_000))
 *   .count(Materialized.as('counts-5s'))
 *   .toStream()
 *   .foreach((w, n) => console.log(`${w.key()} is [${w.window().start()}~${w.window().end()}] count : ${n}`));
 */
export class TimeWindowedKStream<K, V> {
  readonly #grouped: GroupedStreamAggregateBuilder<K, V>;
  readonly #windows: TimeWindows | SlidingWindows;
  #emitStrategy = EmitStrategy.onWindowUpdate();

  /** @internal Made by `KGroupedStream.windowedBy()`. */
  constructor(grouped: GroupedStreamAggregateBuilder<K, V>, windows: TimeWindows | SlidingWindows) {
    this.#grouped = grouped;
    this.#windows = windows;
  }

  /**
   * When the aggregation emits (Kafka's `TimeWindowedKStream.emitStrategy`, KIP-825):
   * `EmitStrategy.onWindowUpdate()` (the default) or `EmitStrategy.onWindowClose()`, which emits
   * each window's final result once after the window closed (tumbling and hopping windows:
   * stream time ≥ end + grace; sliding windows, whose ends are inclusive: stream time > end +
   * grace), at the window's largest record timestamp (SEMANTICS §5.7). Sliding windows the
   * store is about to hide (start <= stream time - retention, long closed) come out at once, with
   * the record that hides them, even when the wall-clock throttle holds the next pass back, so a
   * killed instance loses none; the order of results stays Kafka's.
   * @throws TypeError when `strategy` is not an EmitStrategy
   * @example
   * // the final count of each 10-second sliding window, once
   * clicks.groupByKey()
   *   .windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10_000))
   *   .emitStrategy(EmitStrategy.onWindowClose())
   *   .count();
   */
  emitStrategy(strategy: EmitStrategy): this {
    if (!(strategy instanceof EmitStrategy)) throw new TypeError(`emitStrategy() takes an EmitStrategy (EmitStrategy.onWindowClose() / onWindowUpdate()), but got: ${String(strategy)}`);
    this.#emitStrategy = strategy;
    return this;
  }

  /**
   * The number of records per key and window (null values counted, for time windows).
   * Node `KSTREAM-AGGREGATE-<n>`; the store's value serde is `Serdes.Long()` unless given.
   *
   * @param named the node's name, or the `Materialized` of the result (then pass no second argument)
   * @example clicks.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count(Materialized.as('clicks-per-minute'))
   */
  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const [name, m] = namedAndMaterialized<K, number>('count()', named, materialized);
    const spec = this.#grouped.spec;
    // Kafka's compatibility quirk: count(Materialized) without a store name burns one index.
    if (m !== undefined && m.queryableStoreName === undefined) spec.builder.newStoreName(StatefulStreamPrefix.AGGREGATE);
    const mi = new MaterializedInternal(m ?? Materialized.with<K, number>(spec.keySerde, Serdes.Long()), spec.builder, StatefulStreamPrefix.AGGREGATE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(Serdes.Long());
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, countAggregation<K, V>());
  }

  /**
   * Combines the values of each key and window with `reducer(aggregate, value)`; a window's first
   * value is its first aggregate. Node `KSTREAM-REDUCE-<n>`, store `KSTREAM-REDUCE-STATE-STORE-<n>`.
   *
   * @example amounts.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).reduce((sum, v) => sum + v)
   */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    requireFunction(reducer, 'reduce()', 'reducer');
    const [name, m] = namedAndMaterialized<K, V>('reduce()', named, materialized);
    const spec = this.#grouped.spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, V>(spec.keySerde, spec.valueSerde), spec.builder, StatefulStreamPrefix.REDUCE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(spec.valueSerde);
    return this.#aggregate(name, StatefulStreamPrefix.REDUCE, mi, reduceAggregation<K, V>(reducer));
  }

  /**
   * Folds the values of each key and window into an aggregate: `aggregator(key, value, aggregate)`,
   * starting from `initializer()` for each new window. Node `KSTREAM-AGGREGATE-<n>`. The
   * aggregate's serde is the default value serde unless given with `Materialized.with(keySerde, aggregateSerde)`.
   *
   * @example pages.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10_000)).aggregate(() => 0, (k, v, sum) => sum + v.length)
   */
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    requireFunction(aggregator, 'aggregate()', 'aggregator');
    const [name, m] = namedAndMaterialized<K, VA>('aggregate()', named, materialized);
    const spec = this.#grouped.spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VA>(spec.keySerde), spec.builder, StatefulStreamPrefix.AGGREGATE).keySerdeIfUnset(spec.keySerde);
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, userAggregation(initializer, aggregator));
  }

  #aggregate<VA>(named: Named | undefined, prefix: string, mi: MaterializedInternal<K, VA>, aggregation: WindowAggregation<K, V, VA>): KTable<Windowed<K>, VA> {
    const windows = this.#windows;
    const name = orElseGenerate(this.#grouped.spec.builder, named?.name, prefix);
    let supplier: KTableProcessorSupplier<Windowed<K>, VA>;
    let keySerde: TimeWindowedSerde<K>;
    if (windows instanceof SlidingWindows) {
      keySerde = new TimeWindowedSerde(mi.keySerde, windows.timeDifferenceMs());
      supplier = new KStreamSlidingWindowAggregate<K, V, VA>(windows, mi.storeName, slidingWindowStoreBuilder(mi, windows), aggregation, keySerde, this.#emitStrategy.type());
    } else {
      keySerde = new TimeWindowedSerde(mi.keySerde, windows.size());
      supplier = new KStreamWindowAggregate<K, V, VA>(windows, mi.storeName, timeWindowStoreBuilder(mi, windows), aggregation, keySerde, this.#emitStrategy.type());
    }
    const built = this.#grouped.build(name, mi.storeName, supplier);
    return new KTable<Windowed<K>, VA>({ ...built, keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }
}

