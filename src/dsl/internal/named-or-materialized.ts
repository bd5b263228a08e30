import { Materialized } from '../materialized.js';
import type { Named } from '../named.js';
import { describeValue, requireNamedOrUndefined } from './arguments.js';

/**
 * Stateful operators take `(…, named?, materialized?)` or `(…, materialized)`, as Kafka's
 * overloads (`count()`, `count(Named)`, `count(Materialized)`, `count(Named, Materialized)`).
 * @returns the two, checked
 */
export function namedAndMaterialized<K, V>(operator: string, named: unknown, materialized: unknown): [Named | undefined, Materialized<K, V> | undefined] {
  if (named instanceof Materialized) {
    if (materialized !== undefined) throw new TypeError(`${operator}: pass a Materialized once (as the last argument), but got two`);
    return [undefined, named as Materialized<K, V>];
  }
  requireNamedOrUndefined(named, operator);
  if (materialized !== undefined && !(materialized instanceof Materialized)) {
    throw new TypeError(`${operator}: materialized must be a Materialized or undefined, but got: ${describeValue(materialized)}`);
  }
  return [named as Named | undefined, materialized as Materialized<K, V> | undefined];
}
