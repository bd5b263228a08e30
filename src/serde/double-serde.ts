import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

/** IEEE-754 double precision, 8 bytes big-endian, as Kafka's `DoubleSerializer`. */
export function doubleSerde(): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'number') throw new TypeError(`Serdes.Double() serializes numbers, but got: ${typeof data}`);
      const out = Buffer.allocUnsafe(8);
      out.writeDoubleBE(data, 0);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Double()', data, 8);
      return data.readDoubleBE(0);
    },
  };
}
