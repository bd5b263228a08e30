import type { Serde } from '../../serde/serde.js';
import type { Aggregator, Initializer, Reducer } from '../functions.js';

/**
 * How a windowed aggregation folds values, in the one shape its processors use (Kafka's
 * `GroupedStreamAggregateBuilder` count/reduce helpers): `reduce` is an aggregation whose
 * initializer gives `null` and whose aggregator takes the first value as is.
 */
export interface WindowAggregation<K, V, VA> {
  readonly initializer: () => VA | null;
  readonly aggregator: (key: K, value: V, aggregate: VA | null) => VA | null;
}

/** `count()`: `0`, then `+ 1` per record (null values included, SEMANTICS §2.3). */
export function countAggregation<K, V>(): WindowAggregation<K, V, number> {
  return { initializer: () => 0, aggregator: (_key, _value, count) => (count as number) + 1 };
}

/** `reduce(reducer)`: the first value, then `reducer(aggregate, value)` (Kafka's `aggregatorForReducer`). */
export function reduceAggregation<K, V>(reducer: Reducer<V>): WindowAggregation<K, V, V> {
  return { initializer: () => null, aggregator: (_key, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value)) };
}

/** `aggregate(initializer, aggregator)`. */
export function userAggregation<K, V, VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>): WindowAggregation<K, V, VA> {
  return { initializer, aggregator: (key, value, aggregate) => aggregator(key, value, aggregate as VA) };
}

/**
 * The serde of a windowed result's keys may wrap the plain key serde the config only names at run
 * time (`default.key.serde`); windowed processors fill it in when they start.
 */
export interface DefaultKeySerdeHolder {
  withInnerIfUnset(inner: Serde<unknown> | undefined): void;
}

/** Fills a windowed key serde's inner serde from the running task's `default.key.serde`. */
export function fillDefaultKeySerde(holder: DefaultKeySerdeHolder | undefined, appConfigs: Readonly<{ [key: string]: unknown }>): void {
  holder?.withInnerIfUnset(appConfigs['default.key.serde'] as Serde<unknown> | undefined);
}
