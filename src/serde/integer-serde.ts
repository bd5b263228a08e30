import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** 32-bit signed integers, 4 bytes big-endian (two's complement), as Kafka's `IntegerSerializer`. */
export function integerSerde(): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (!Number.isInteger(data) || data < INT32_MIN || data > INT32_MAX) {
        throw new RangeError(`Serdes.Integer() serializes integers in [${INT32_MIN}, ${INT32_MAX}], but got: ${String(data)}`);
      }
      const out = Buffer.allocUnsafe(4);
      out.writeInt32BE(data, 0);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Integer()', data, 4);
      return data.readInt32BE(0);
    },
  };
}
