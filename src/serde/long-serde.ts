import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

const TWO_POW_32 = 2 ** 32;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * 64-bit signed integers as JavaScript `number`s, 8 bytes big-endian (two's complement), as
 * Kafka's `LongSerializer`.
 *
 * A `number` holds every integer up to 2^53 - 1 exactly, which covers counts, sums and epoch
 * milliseconds, and keeps arithmetic in user code plain. Values beyond
 * `Number.MAX_SAFE_INTEGER` cannot be represented, so both directions refuse them rather than
 * round silently: serializing throws a `RangeError`, deserializing throws a
 * `DeserializationException`. Use {@link longBigIntSerde} (`Serdes.LongBigInt()`) for the full
 * 64-bit range; both write the same bytes.
 */
export function longSerde(): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (!Number.isSafeInteger(data)) {
        throw new RangeError(
          `Serdes.Long() serializes integers within ±(2^53 - 1) (Number.MAX_SAFE_INTEGER), but got: ${String(data)}; use Serdes.LongBigInt() for the full 64-bit range`,
        );
      }
      const out = Buffer.allocUnsafe(8);
      // Split into high and low 32-bit words: faster than writeBigInt64BE and exact for safe integers.
      const high = Math.floor(data / TWO_POW_32);
      out.writeInt32BE(high, 0);
      out.writeUInt32BE(data - high * TWO_POW_32, 4);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Long()', data, 8);
      const value = data.readInt32BE(0) * TWO_POW_32 + data.readUInt32BE(4);
      // Outside ±(2^53 - 1) the sum above is already rounded, so it cannot be returned as is.
      if (!Number.isSafeInteger(value)) {
        throw new DeserializationException(
          `Serdes.Long() reads integers within ±(2^53 - 1), but got ${data.readBigInt64BE(0)} from ${describeBytes(data)}; use Serdes.LongBigInt() for the full 64-bit range`,
        );
      }
      return value;
    },
  };
}

/** 64-bit signed integers as `bigint`, the full Java `long` range; the same bytes as {@link longSerde}. */
export function longBigIntSerde(): Serde<bigint> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'bigint' || data < INT64_MIN || data > INT64_MAX) {
        throw new RangeError(`Serdes.LongBigInt() serializes bigints in [-(2^63), 2^63 - 1], but got: ${String(data)} (${typeof data})`);
      }
      const out = Buffer.allocUnsafe(8);
      out.writeBigInt64BE(data, 0);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.LongBigInt()', data, 8);
      return data.readBigInt64BE(0);
    },
  };
}
