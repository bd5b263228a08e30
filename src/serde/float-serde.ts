import { fixedWidthNumberSerde, numberCheck } from './fixed-width.js';
import type { Serde } from './serde.js';

/**
 * IEEE-754 single precision, 4 bytes big-endian, as Kafka's `FloatSerializer`. A JavaScript number
 * is a double, so serializing rounds it to the nearest float32: `0.1` comes back as
 * `Math.fround(0.1)` (0.10000000149011612), and values beyond ±3.4e38 become ±Infinity.
 */
export function floatSerde(): Serde<number> {
  const name = 'Serdes.Float()';
  return fixedWidthNumberSerde({ name, width: 4, check: numberCheck(name), write: (out, n) => out.writeFloatBE(n, 0), read: (b) => b.readFloatBE(0) });
}
