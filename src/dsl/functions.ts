import type { KeyValue } from '../state/key-value-store.js';

/**
 * The functions DSL operators take. Key-first `(key, value)` as in Kafka Streams, except the
 * value mappers, which take `(value, key)`: the value is what they are about, and a one-argument
 * `(value) => …` then works as well as `(value, key) => …` (Kafka's `ValueMapper` and
 * `ValueMapperWithKey` in one signature, as `Array.prototype.map` does with the index).
 *
 * Keys and values are what the stream's types say; a Kafka record may still carry a `null` key
 * or a `null` value (tombstone) and operators pass those to your functions unchanged, so type a
 * stream `KStream<string | null, string | null>` when its topic may hold them.
 */

/** A key and a value (`{ key, value }`): what `map` / `flatMap` return for each output record. */
export type { KeyValue };

/** Decides whether a record passes (`filter`, `filterNot`, `split` branches). */
export type Predicate<K, V> = (key: K, value: V) => boolean;

/** Computes something from a record's key and value (`map`, `flatMap`, `selectKey`). */
export type KeyValueMapper<K, V, R> = (key: K, value: V) => R;

/** Computes a new value from a record's value, and its key when wanted (`mapValues`, `flatMapValues`). */
export type ValueMapper<V, VR, K = unknown> = (value: V, key: K) => VR;

/**
 * A side effect per record (`peek`, `foreach`). An `async` action works too: when the action
 * returns a Promise the task awaits it before the record moves on (peek) and before the next
 * record, so effects happen in record order. (Typed `=> void`, as `Array.prototype.forEach`'s
 * callback, so `(k, v) => list.push(v)` and `async (k, v) => { … }` are both accepted.)
 */
export type ForeachAction<K, V> = (key: K, value: V) => void;

/**
 * Joins a value of one side with the matching value of the other (`join`, `leftJoin`,
 * `outerJoin`). The key comes last, so `(left, right) => …` works as well as
 * `(left, right, key) => …` (Kafka's `ValueJoiner` and `ValueJoinerWithKey`). In a left or outer
 * join the side without a match is `null`.
 */
export type ValueJoiner<V1, V2, VR, K = unknown> = (value1: V1, value2: V2, key: K) => VR;

/** The aggregate of a key before its first value (`aggregate`). */
export type Initializer<VA> = () => VA;

/** Folds a value into its key's aggregate (`aggregate`; a table's adder and subtractor). */
export type Aggregator<K, V, VA> = (key: K, value: V, aggregate: VA) => VA;

/** Combines a key's aggregate with a value of the same type (`reduce`; a table's adder and subtractor). */
export type Reducer<V> = (aggregate: V, value: V) => V;

/**
 * Picks the key of the other table a row joins in a foreign-key table join
 * (`table.join(other, foreignKeyExtractor, joiner)`); value first, as the value mappers. `null`
 * (or `undefined`): the row has no foreign key.
 */
export type ForeignKeyExtractor<K, V, KO> = (value: V, key: K) => KO | null | undefined;
