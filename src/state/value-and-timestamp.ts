import type { Serde } from '../serde/serde.js';

/** Record headers as serdes take them (state may not import the Kafka port). */
type Headers = Parameters<Serde<unknown>['serialize']>[2];

/** Bytes of the timestamp in front of the value (a big-endian signed 64-bit integer). */
export const TIMESTAMP_BYTES = 8;

/**
 * A value with the timestamp of the update that wrote it: what timestamped key-value stores
 * (the stores of KTables) hold, as Kafka Streams' `ValueAndTimestamp`. Immutable.
 *
 * @example
 * const stored = await store.get('andy');          // ValueAndTimestamp<string> | undefined
 * stored?.value; stored?.timestamp;
 * await store.put('andy', ValueAndTimestamp.make('Berlin', record.timestamp));
 */
export class ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;

  private constructor(value: V, timestamp: number) {
    this.value = value;
    this.timestamp = timestamp;
  }

  /**
   * A value with its timestamp, or `null` when `value` is `null` (Kafka's rule: there is no
   * timestamped tombstone), so `store.put(key, ValueAndTimestamp.make(v, ts))` deletes for a null `v`.
   */
  static make<V>(value: V | null, timestamp: number): ValueAndTimestamp<V> | null {
    return value === null ? null : new ValueAndTimestamp(value, timestamp);
  }

  /** Like {@link make}, but never `null`: for a value known to be present (or a kept `null`, Kafka's `makeAllowNullable`). */
  static makeAllowNullable<V>(value: V, timestamp: number): ValueAndTimestamp<V> {
    return new ValueAndTimestamp(value, timestamp);
  }

  /** The value, or `null` for `null`/`undefined` (Kafka's `getValueOrNull`). */
  static getValueOrNull<V>(valueAndTimestamp: ValueAndTimestamp<V> | null | undefined): V | null {
    return valueAndTimestamp === null || valueAndTimestamp === undefined ? null : valueAndTimestamp.value;
  }

  toString(): string {
    return `<${String(this.value)},${this.timestamp}>`;
  }
}

/** The timestamp in front of serialized `ValueAndTimestamp` bytes. */
export function timestampOf(bytes: Buffer): number {
  // Two 32-bit halves instead of a BigInt: exact for every timestamp a double holds (|t| < 2^53).
  return bytes.readInt32BE(0) * 0x1_0000_0000 + bytes.readUInt32BE(4);
}

/** The value bytes of serialized `ValueAndTimestamp` bytes, without the timestamp (a view, not a copy). */
export function rawValueOf(bytes: Buffer): Buffer {
  return bytes.subarray(TIMESTAMP_BYTES);
}

/** `ValueAndTimestamp` bytes of `rawValue` written at `timestamp`. */
export function withTimestamp(rawValue: Buffer, timestamp: number): Buffer {
  const bytes = Buffer.allocUnsafe(TIMESTAMP_BYTES + rawValue.length);
  const high = Math.floor(timestamp / 0x1_0000_0000);
  bytes.writeInt32BE(high, 0);
  bytes.writeUInt32BE(timestamp - high * 0x1_0000_0000, 4);
  rawValue.copy(bytes, TIMESTAMP_BYTES);
  return bytes;
}

/**
 * The serde of `ValueAndTimestamp<V>` as Kafka's `ValueAndTimestampSerde`: the 8-byte big-endian
 * timestamp, then the value's bytes from `valueSerde`. `null` (and a value that serializes to
 * `null`) is `null` bytes.
 */
export function valueAndTimestampSerde<V>(valueSerde: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic: string, data: ValueAndTimestamp<V> | null, headers?: Headers): Buffer | null {
      if (data === null || data === undefined) return null;
      const raw = valueSerde.serialize(topic, data.value, headers);
      return raw === null ? null : withTimestamp(raw, data.timestamp);
    },
    deserialize(topic: string, data: Buffer | null, headers?: Headers): ValueAndTimestamp<V> | null {
      if (data === null) return null;
      if (data.length < TIMESTAMP_BYTES) {
        throw new RangeError(`ValueAndTimestamp bytes need at least ${TIMESTAMP_BYTES} bytes of timestamp, but got ${data.length}`);
      }
      const value = valueSerde.deserialize(topic, rawValueOf(data), headers);
      return ValueAndTimestamp.make<V>(value, timestampOf(data));
    },
  };
}
