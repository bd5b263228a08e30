import type { Windowed } from '../state/windowed.js';
import type { CogroupSpec } from './cogrouped-kstream.js';
import type { Initializer } from './functions.js';
import { requireFunction } from './internal/arguments.js';
import { CogroupPrefix } from './internal/cogrouped-stream-aggregate-builder.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { KStreamSlidingWindowAggregate } from './processors/kstream-sliding-window-aggregate.js';
import { KStreamWindowAggregate } from './processors/kstream-window-aggregate.js';
import { userAggregation } from './processors/window-aggregation.js';
import { slidingWindowStoreBuilder, timeWindowStoreBuilder } from './processors/window-store-materializer.js';
import { SlidingWindows } from './sliding-windows.js';
import type { TimeWindows } from './time-windows.js';
import { TimeWindowedSerde } from './windowed-serdes.js';

/**
 * A cogrouped stream cut into time windows (Kafka's `TimeWindowedCogroupedKStream`), from
 * `CogroupedKStream.windowedBy(TimeWindows | SlidingWindows)`. `aggregate` gives a
 * `KTable<Windowed<K>, VOut>` kept in one timestamped window store that every input's windowed
 * aggregate processor updates, with the windows, grace and late-record rules of
 * `TimeWindowedKStream` (SEMANTICS §2, §3). Each input's processor keeps its own stream time (as in
 * Kafka), so whether a record is late depends on the records of its own input.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @example
 * clicks.groupByKey().cogroup<number>((k, v, n) => n + 1)
 *   .cogroup(views.groupByKey(), (k, v, n) => n + 1)
 *   .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
 *   .aggregate(() => 0, Materialized.with(Serdes.String(), Serdes.Long()))
 */
export class TimeWindowedCogroupedKStream<K, VOut> {
  /** @internal Made by `CogroupedKStream.windowedBy()`. */
  constructor(
    private readonly cogroup: CogroupSpec<K, VOut>,
    private readonly windows: TimeWindows | SlidingWindows,
  ) {}

  /**
   * Aggregates all inputs per key and window, each new window starting from `initializer()`. The
   * store is `COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>` unless named with `Materialized`; it keeps
   * windows for `Materialized.withRetention(ms)`, by default size + grace (sliding: 2 × D + grace).
   * @param named names the processors `<name>-cogroup-agg-<i>` and `<name>-cogroup-merge`, or the `Materialized` (then pass no third argument)
   */
  aggregate(initializer: Initializer<VOut>, named?: Named | Materialized<K, VOut>, materialized?: Materialized<K, VOut>): KTable<Windowed<K>, VOut> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    const [name, m] = namedAndMaterialized<K, VOut>('aggregate()', named, materialized);
    const { inputs, aggregateBuilder } = this.cogroup;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VOut>(), aggregateBuilder.builder, CogroupPrefix.AGGREGATE);
    const windows = this.windows;
    const sliding = windows instanceof SlidingWindows;
    const keySerde = new TimeWindowedSerde(mi.keySerde, sliding ? windows.timeDifferenceMs() : windows.size());
    const storeBuilder = sliding ? slidingWindowStoreBuilder(mi, windows) : timeWindowStoreBuilder(mi, windows);
    const built = aggregateBuilder.build(inputs, name?.name, mi.storeName, (aggregator) => {
      const aggregation = userAggregation(initializer, aggregator);
      return sliding
        ? new KStreamSlidingWindowAggregate<K, unknown, VOut>(windows, mi.storeName, storeBuilder, aggregation, keySerde)
        : new KStreamWindowAggregate<K, unknown, VOut>(windows, mi.storeName, storeBuilder, aggregation, keySerde);
    });
    return new KTable<Windowed<K>, VOut>({ ...built, keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }
}
