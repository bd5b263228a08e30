/**
 * One header of a record. Structurally the same as the Kafka port's `Header`, declared here
 * because `processor/` is a leaf that imports nothing else of kstreams.
 */
export interface RecordHeader {
  readonly key: string;
  readonly value: Buffer | null;
}

/** A record's headers: a list, because Kafka allows the same header key more than once. */
export type RecordHeaders = readonly RecordHeader[];

/**
 * An immutable data record flowing through a processor graph (Kafka's
 * `org.apache.kafka.streams.processor.api.Record`). Change it by making copies with the
 * `with*` methods; the copy is what you `forward`.
 *
 * Note: importing this `Record` shadows TypeScript's `Record<K, V>` utility type in that file.
 *
 * @example
 * context.forward(record.withValue(record.value.toUpperCase()));
 */
export class Record<K, V> {
  /**
   * @param key the key (`null` for a null key)
   * @param value the value (`null` for a tombstone)
   * @param timestamp epoch milliseconds, >= 0
   * @param headers record headers (not copied: treat as immutable)
   * @throws RangeError when the timestamp is negative or not a number
   */
  constructor(
    readonly key: K,
    readonly value: V,
    readonly timestamp: number,
    readonly headers: RecordHeaders = [],
  ) {
    if (typeof timestamp !== 'number' || Number.isNaN(timestamp) || timestamp < 0) {
      throw new RangeError(`Malformed Record: the timestamp must be a number >= 0, but got: ${String(timestamp)}`);
    }
  }

  /** A copy with a new key. */
  withKey<NewK>(key: NewK): Record<NewK, V> {
    return new Record(key, this.value, this.timestamp, this.headers);
  }

  /** A copy with a new value. */
  withValue<NewV>(value: NewV): Record<K, NewV> {
    return new Record(this.key, value, this.timestamp, this.headers);
  }

  /** A copy with a new timestamp (epoch ms); later stages see this timestamp (SEMANTICS §1.5). */
  withTimestamp(timestamp: number): Record<K, V> {
    return new Record(this.key, this.value, timestamp, this.headers);
  }

  /** A copy with new headers. */
  withHeaders(headers: RecordHeaders): Record<K, V> {
    return new Record(this.key, this.value, this.timestamp, headers);
  }
}
