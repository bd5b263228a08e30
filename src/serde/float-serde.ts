import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

/**
 * IEEE-754 single precision, 4 bytes big-endian, as Kafka's `FloatSerializer`. A JavaScript number
 * is a double, so serializing rounds it to the nearest float32: `0.1` comes back as
 * `Math.fround(0.1)` (0.10000000149011612), and values beyond ±3.4e38 become ±Infinity.
 */
export function floatSerde(): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'number') throw new TypeError(`Serdes.Float() serializes numbers, but got: ${typeof data}`);
      const out = Buffer.allocUnsafe(4);
      out.writeFloatBE(data, 0);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Float()', data, 4);
      return data.readFloatBE(0);
    },
  };
}
