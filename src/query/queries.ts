import type { KeyValue } from '../state/key-value-store.js';
import type { ValueAndTimestamp } from '../state/value-and-timestamp.js';
import type { Windowed } from '../state/windowed.js';

/**
 * A query `KafkaStreams.query()` runs against each local partition of a store (Kafka Streams'
 * `Query<R>`, KIP-796). `R` is only carried for typing; `type` tells the executor which query it
 * is, so a store kind that cannot answer it fails with UNKNOWN_QUERY_TYPE instead of guessing.
 */
export interface Query<R> {
  readonly type: 'key' | 'timestampedKey' | 'range' | 'timestampedRange' | 'windowKey' | 'windowRange';
  /** Never set: carries the result type for `StateQueryRequest<R>`. */
  readonly __result?: R;
}

/** The value of one key (Kafka's `KeyQuery`): a timestamped store answers with the plain value; `undefined` when absent. */
export class KeyQuery<K, V> implements Query<V | undefined> {
  readonly type = 'key';
  declare readonly __result?: V | undefined;
  private constructor(readonly key: K) {}

  static withKey<K, V>(key: K): KeyQuery<K, V> {
    return new KeyQuery<K, V>(requireKey(key));
  }
}

/** The value and timestamp of one key of a timestamped key-value store (Kafka's `TimestampedKeyQuery`, KIP-992). */
export class TimestampedKeyQuery<K, V> implements Query<ValueAndTimestamp<V> | undefined> {
  readonly type = 'timestampedKey';
  declare readonly __result?: ValueAndTimestamp<V> | undefined;
  private constructor(readonly key: K) {}

  static withKey<K, V>(key: K): TimestampedKeyQuery<K, V> {
    return new TimestampedKeyQuery<K, V>(requireKey(key));
  }
}

/** Bounds (inclusive, `undefined` = open) and order shared by the two range queries. */
abstract class KeyRange {
  protected constructor(
    readonly lower: unknown,
    readonly upper: unknown,
    readonly descending: boolean,
  ) {}
}

/**
 * Entries with `lower <= key <= upper` of a key-value store, ascending by serialized key unless
 * `withDescendingKeys()` (Kafka's `RangeQuery`, KIP-805/985); each partition's result is its own
 * scan, so iterate it to the end or break (both close it).
 */
export class RangeQuery<K, V> extends KeyRange implements Query<AsyncIterable<KeyValue<K, V>>> {
  readonly type = 'range';
  declare readonly __result?: AsyncIterable<KeyValue<K, V>>;
  declare readonly lower: K | undefined;
  declare readonly upper: K | undefined;

  static withRange<K, V>(lower: K | undefined, upper: K | undefined): RangeQuery<K, V> {
    return new RangeQuery<K, V>(lower, upper, false);
  }

  static withLowerBound<K, V>(lower: K): RangeQuery<K, V> {
    return new RangeQuery<K, V>(lower, undefined, false);
  }

  static withUpperBound<K, V>(upper: K): RangeQuery<K, V> {
    return new RangeQuery<K, V>(undefined, upper, false);
  }

  static withNoBounds<K, V>(): RangeQuery<K, V> {
    return new RangeQuery<K, V>(undefined, undefined, false);
  }

  /** The same range, descending. */
  withDescendingKeys(): RangeQuery<K, V> {
    return new RangeQuery<K, V>(this.lower, this.upper, true);
  }
}

/** As {@link RangeQuery}, with each value's timestamp, on timestamped key-value stores (Kafka's `TimestampedRangeQuery`). */
export class TimestampedRangeQuery<K, V> extends KeyRange implements Query<AsyncIterable<KeyValue<K, ValueAndTimestamp<V>>>> {
  readonly type = 'timestampedRange';
  declare readonly __result?: AsyncIterable<KeyValue<K, ValueAndTimestamp<V>>>;
  declare readonly lower: K | undefined;
  declare readonly upper: K | undefined;

  static withRange<K, V>(lower: K | undefined, upper: K | undefined): TimestampedRangeQuery<K, V> {
    return new TimestampedRangeQuery<K, V>(lower, upper, false);
  }

  static withLowerBound<K, V>(lower: K): TimestampedRangeQuery<K, V> {
    return new TimestampedRangeQuery<K, V>(lower, undefined, false);
  }

  static withUpperBound<K, V>(upper: K): TimestampedRangeQuery<K, V> {
    return new TimestampedRangeQuery<K, V>(undefined, upper, false);
  }

  static withNoBounds<K, V>(): TimestampedRangeQuery<K, V> {
    return new TimestampedRangeQuery<K, V>(undefined, undefined, false);
  }

  withDescendingKeys(): TimestampedRangeQuery<K, V> {
    return new TimestampedRangeQuery<K, V>(this.lower, this.upper, true);
  }
}

/**
 * One key's windows of a window store with a start in `[fromTime, toTime]` (epoch ms, inclusive),
 * ascending by start; each entry's key is the window start (Kafka's `WindowKeyQuery`, KIP-806).
 */
export class WindowKeyQuery<K, V> implements Query<AsyncIterable<KeyValue<number, V>>> {
  readonly type = 'windowKey';
  declare readonly __result?: AsyncIterable<KeyValue<number, V>>;
  private constructor(
    readonly key: K,
    readonly fromTime: number,
    readonly toTime: number,
  ) {}

  static withKeyAndWindowStartRange<K, V>(key: K, fromTime: number, toTime: number): WindowKeyQuery<K, V> {
    return new WindowKeyQuery<K, V>(requireKey(key), requireTime(fromTime, 'fromTime'), requireTime(toTime, 'toTime'));
  }
}

/**
 * Kafka's `WindowRangeQuery` (KIP-806): on a window store, every key's windows with a start in
 * `[fromTime, toTime]` (`withWindowStartRange`); on a session store, every session of one key
 * (`withKey`). Each store kind answers only its form, as in Kafka; the other is UNKNOWN_QUERY_TYPE.
 */
export class WindowRangeQuery<K, V> implements Query<AsyncIterable<KeyValue<Windowed<K>, V>>> {
  readonly type = 'windowRange';
  declare readonly __result?: AsyncIterable<KeyValue<Windowed<K>, V>>;
  private constructor(
    readonly key: K | undefined,
    readonly fromTime: number | undefined,
    readonly toTime: number | undefined,
  ) {}

  static withKey<K, V>(key: K): WindowRangeQuery<K, V> {
    return new WindowRangeQuery<K, V>(requireKey(key), undefined, undefined);
  }

  static withWindowStartRange<K, V>(fromTime: number, toTime: number): WindowRangeQuery<K, V> {
    return new WindowRangeQuery<K, V>(undefined, requireTime(fromTime, 'fromTime'), requireTime(toTime, 'toTime'));
  }
}

/** Kafka's queries reject a null key up front (`Objects.requireNonNull`). */
function requireKey<K>(key: K): K {
  if (key === null || key === undefined) throw new TypeError(`key cannot be null or undefined, but got: ${String(key)}`);
  return key;
}

function requireTime(ms: number, what: string): number {
  if (!Number.isFinite(ms)) throw new RangeError(`${what} must be a finite epoch-ms number, but got: ${ms}`);
  return ms;
}
