import { Serdes } from '../serde/serdes.js';
import type { Windowed } from '../state/windowed.js';
import { EmitStrategy } from './emit-strategy.js';
import type { Aggregator, Initializer, Reducer } from './functions.js';
import { requireFunction } from './internal/arguments.js';
import type { GroupedStreamAggregateBuilder } from './internal/grouped-stream-aggregate-builder.js';
import { MaterializedInternal } from './internal/materialized-internal.js';
import { namedAndMaterialized } from './internal/named-or-materialized.js';
import { orElseGenerate } from './internal/naming.js';
import { StatefulStreamPrefix } from './internal/stateful-name-prefixes.js';
import { KTable } from './ktable.js';
import { Materialized } from './materialized.js';
import type { Named } from './named.js';
import { KStreamSessionWindowAggregate, type SessionMerger } from './processors/kstream-session-window-aggregate.js';
import { sessionStoreBuilder } from './processors/session-store-materializer.js';
import { countAggregation, reduceAggregation, userAggregation, type WindowAggregation } from './processors/window-aggregation.js';
import type { SessionWindows } from './session-windows.js';
import { SessionWindowedSerde } from './windowed-serdes.js';

/**
 * Merges the aggregates of two sessions of a key when a record bridges them (Kafka's `Merger`):
 * `merger(key, aggregate, otherAggregate)`.
 */
export type Merger<K, VA> = (key: K, aggregate: VA, otherAggregate: VA) => VA;

/**
 * A grouped stream cut into sessions, ready to aggregate per key and session (Kafka's
 * `SessionWindowedKStream`), from `KGroupedStream.windowedBy(SessionWindows)`. Each aggregation
 * returns a `KTable<Windowed<K>, V>` whose windows are sessions `[first ts, last ts]`, kept in a
 * session store (`KSTREAM-AGGREGATE-STATE-STORE-<n>` unless named with `Materialized`) and
 * written to its changelog.
 *
 * When a record joins or bridges sessions, they merge (SEMANTICS §4): each merged-away session is
 * retracted downstream with a tombstone at its own end, then the merged session is forwarded at
 * its end. A record whose session would end before `stream time - grace - gap` is dropped and
 * counted in `dropped-records`; null keys are dropped, null values reach the aggregator. Updates
 * are deduplicated per commit by the record cache unless `Materialized.withCachingDisabled()`.
 * The store keeps sessions for `Materialized.withRetention(ms)`, by default gap + grace.
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @typeParam K - key type
 * @typeParam V - value type
 * @example
 * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000)).count(Materialized.as('sessions'))
 */
export class SessionWindowedKStream<K, V> {
  readonly #grouped: GroupedStreamAggregateBuilder<K, V>;
  readonly #windows: SessionWindows;
  #emitStrategy = EmitStrategy.onWindowUpdate();

  /** @internal Made by `KGroupedStream.windowedBy()`. */
  constructor(grouped: GroupedStreamAggregateBuilder<K, V>, windows: SessionWindows) {
    this.#grouped = grouped;
    this.#windows = windows;
  }

  /**
   * When the aggregation emits (Kafka's `SessionWindowedKStream.emitStrategy`, KIP-825), for the
   * aggregations called after it:
   *
   * - `EmitStrategy.onWindowUpdate()` (the default): every update of a session, merged-away
   *   sessions retracted with tombstones, deduplicated by the record cache when there is one;
   * - `EmitStrategy.onWindowClose()`: each session once, its final aggregate, after it closed
   *   (stream time > session end + gap + grace), at the session end. A session that merged with
   *   others before it closed comes out once, as the merged session; nothing is retracted. The
   *   sessions are read back from the aggregation's own store after a record, at most once per
   *   second of wall-clock time (every record under the TopologyTestDriver), SEMANTICS §5.7.
   *   Sessions the store is about to hide (end <= stream time - retention) come out at once,
   *   with the record that hides them and whatever the throttle says, so a killed instance loses
   *   none. With the default retention (gap + grace) that is every session once stream time >=
   *   its end + gap + grace: one ending exactly at that close time comes out one pass earlier than
   *   in Kafka (whose store still returns it, and could still extend it with a record at stream
   *   time - grace; ours starts a new session), and a late one ending there right after its
   *   record, not ordered by key among the others of that end.
   *
   * @param strategy `EmitStrategy.onWindowClose()` or `EmitStrategy.onWindowUpdate()`
   * @returns this stream, to aggregate next
   * @throws TypeError when `strategy` is not an EmitStrategy
   * @example
   * // one record per finished visit: the number of clicks, when 30 minutes passed without one
   * clicks.groupByKey()
   *   .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000))
   *   .emitStrategy(EmitStrategy.onWindowClose())
   *   .count()
   *   .toStream()
   *   .to('visits');
   * @see Suppressed.untilWindowCloses for the same final results through a suppression buffer
   */
  emitStrategy(strategy: EmitStrategy): this {
    if (!(strategy instanceof EmitStrategy)) throw new TypeError(`emitStrategy() takes an EmitStrategy (EmitStrategy.onWindowClose() / onWindowUpdate()), but got: ${String(strategy)}`);
    this.#emitStrategy = strategy;
    return this;
  }

  /**
   * The number of records per key and session (null values counted). Node `KSTREAM-AGGREGATE-<n>`;
   * the store's value serde is `Serdes.Long()` unless given.
   *
   * @param named the node's name, or the `Materialized` of the result (then pass no second argument)
   */
  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const [name, m] = namedAndMaterialized<K, number>('count()', named, materialized);
    const spec = this.#grouped.spec;
    // Kafka's compatibility quirk: count(Materialized) without a store name burns one index.
    if (m !== undefined && m.queryableStoreName === undefined) spec.builder.newStoreName(StatefulStreamPrefix.AGGREGATE);
    const mi = new MaterializedInternal(m ?? Materialized.with<K, number>(spec.keySerde, Serdes.Long()), spec.builder, StatefulStreamPrefix.AGGREGATE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(Serdes.Long());
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, countAggregation<K, V>(), (_key, a, b) => (a as number) + (b as number));
  }

  /**
   * Combines the values of each key and session with `reducer(aggregate, value)`; merging sessions
   * reduces their aggregates the same way. Node `KSTREAM-REDUCE-<n>`.
   */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    requireFunction(reducer, 'reduce()', 'reducer');
    const [name, m] = namedAndMaterialized<K, V>('reduce()', named, materialized);
    const spec = this.#grouped.spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, V>(spec.keySerde, spec.valueSerde), spec.builder, StatefulStreamPrefix.REDUCE)
      .keySerdeIfUnset(spec.keySerde)
      .valueSerdeIfUnset(spec.valueSerde);
    const aggregation = reduceAggregation<K, V>(reducer);
    // Kafka's mergerForAggregator: the other session's aggregate folded in like a value.
    return this.#aggregate(name, StatefulStreamPrefix.REDUCE, mi, aggregation, (key, a, b) => aggregation.aggregator(key, b as V, a));
  }

  /**
   * Folds the values of each key and session into an aggregate, starting from `initializer()`;
   * when a record bridges sessions, `merger(key, aggregate, otherAggregate)` combines theirs.
   * Node `KSTREAM-AGGREGATE-<n>`.
   *
   * @example
   * clicks.groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(60_000))
   *   .aggregate(() => 0, (k, click, n) => n + 1, (k, a, b) => a + b, Materialized.with(Serdes.String(), Serdes.Long()))
   */
  aggregate<VA>(
    initializer: Initializer<VA>,
    aggregator: Aggregator<K, V, VA>,
    merger: Merger<K, VA>,
    named?: Named | Materialized<K, VA>,
    materialized?: Materialized<K, VA>,
  ): KTable<Windowed<K>, VA> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    requireFunction(aggregator, 'aggregate()', 'aggregator');
    requireFunction(merger, 'aggregate()', 'sessionMerger');
    const [name, m] = namedAndMaterialized<K, VA>('aggregate()', named, materialized);
    const spec = this.#grouped.spec;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VA>(spec.keySerde), spec.builder, StatefulStreamPrefix.AGGREGATE).keySerdeIfUnset(spec.keySerde);
    return this.#aggregate(name, StatefulStreamPrefix.AGGREGATE, mi, userAggregation(initializer, aggregator), merger as SessionMerger<K, VA>);
  }

  #aggregate<VA>(
    named: Named | undefined,
    prefix: string,
    mi: MaterializedInternal<K, VA>,
    aggregation: WindowAggregation<K, V, VA>,
    merger: SessionMerger<K, VA>,
  ): KTable<Windowed<K>, VA> {
    const name = orElseGenerate(this.#grouped.spec.builder, named?.name, prefix);
    const keySerde = new SessionWindowedSerde(mi.keySerde);
    const supplier = new KStreamSessionWindowAggregate<K, V, VA>(this.#windows, mi.storeName, sessionStoreBuilder(mi, this.#windows), aggregation, merger, keySerde, this.#emitStrategy.type());
    const built = this.#grouped.build(name, mi.storeName, supplier);
    return new KTable<Windowed<K>, VA>({ ...built, keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }
}
