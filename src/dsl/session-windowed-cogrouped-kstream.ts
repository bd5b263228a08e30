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
import { KStreamSessionWindowAggregate, type SessionMerger } from './processors/kstream-session-window-aggregate.js';
import { sessionStoreBuilder } from './processors/session-store-materializer.js';
import { userAggregation } from './processors/window-aggregation.js';
import type { Merger } from './session-windowed-kstream.js';
import type { SessionWindows } from './session-windows.js';
import { SessionWindowedSerde } from './windowed-serdes.js';

/**
 * A cogrouped stream cut into sessions (Kafka's `SessionWindowedCogroupedKStream`), from
 * `CogroupedKStream.windowedBy(SessionWindows)`. `aggregate` gives a `KTable<Windowed<K>, VOut>`
 * kept in one session store that every input's session aggregate processor updates, with the
 * rules of `SessionWindowedKStream` (SEMANTICS §4): a record of any input extends or bridges the
 * sessions of its key, whichever input made them, and merged sessions are combined with the
 * session merger. Each input's processor keeps its own stream time (as in Kafka).
 *
 * Users get this type from the DSL; they do not construct it.
 *
 * @example
 * clicks.groupByKey().cogroup<number>((k, v, n) => n + 1)
 *   .cogroup(views.groupByKey(), (k, v, n) => n + 1)
 *   .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000))
 *   .aggregate(() => 0, (k, a, b) => a + b)
 */
export class SessionWindowedCogroupedKStream<K, VOut> {
  /** @internal Made by `CogroupedKStream.windowedBy()`. */
  constructor(
    private readonly cogroup: CogroupSpec<K, VOut>,
    private readonly windows: SessionWindows,
  ) {}

  /**
   * Aggregates all inputs per key and session, each new session starting from `initializer()`;
   * `sessionMerger(key, aggregate, otherAggregate)` combines the aggregates of sessions a record
   * bridges. The store is `COGROUPKSTREAM-AGGREGATE-STATE-STORE-<n>` unless named with `Materialized`.
   * @param named names the processors `<name>-cogroup-agg-<i>` and `<name>-cogroup-merge`, or the `Materialized` (then pass no fourth argument)
   */
  aggregate(initializer: Initializer<VOut>, sessionMerger: Merger<K, VOut>, named?: Named | Materialized<K, VOut>, materialized?: Materialized<K, VOut>): KTable<Windowed<K>, VOut> {
    requireFunction(initializer, 'aggregate()', 'initializer');
    requireFunction(sessionMerger, 'aggregate()', 'sessionMerger');
    const [name, m] = namedAndMaterialized<K, VOut>('aggregate()', named, materialized);
    const { inputs, aggregateBuilder } = this.cogroup;
    const mi = new MaterializedInternal(m ?? Materialized.with<K, VOut>(), aggregateBuilder.builder, CogroupPrefix.AGGREGATE);
    const keySerde = new SessionWindowedSerde(mi.keySerde);
    const storeBuilder = sessionStoreBuilder(mi, this.windows);
    const built = aggregateBuilder.build(inputs, name?.name, mi.storeName, (aggregator) =>
      new KStreamSessionWindowAggregate<K, unknown, VOut>(this.windows, mi.storeName, storeBuilder, userAggregation(initializer, aggregator), sessionMerger as SessionMerger<K, VOut>, keySerde));
    return new KTable<Windowed<K>, VOut>({ ...built, keySerde, valueSerde: mi.valueSerde, queryableStoreName: mi.queryableStoreName });
  }
}
