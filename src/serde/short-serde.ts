import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

const INT16_MIN = -(2 ** 15);
const INT16_MAX = 2 ** 15 - 1;

/** 16-bit signed integers, 2 bytes big-endian (two's complement), as Kafka's `ShortSerializer`. */
export function shortSerde(): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (!Number.isInteger(data) || data < INT16_MIN || data > INT16_MAX) {
        throw new RangeError(`Serdes.Short() serializes integers in [${INT16_MIN}, ${INT16_MAX}], but got: ${String(data)}`);
      }
      const out = Buffer.allocUnsafe(2);
      out.writeInt16BE(data, 0);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Short()', data, 2);
      return data.readInt16BE(0);
    },
  };
}
