import { fixedWidthNumberSerde, numberCheck } from './fixed-width.js';
import type { Serde } from './serde.js';

/** IEEE-754 double precision, 8 bytes big-endian, as Kafka's `DoubleSerializer`. */
export function doubleSerde(): Serde<number> {
  const name = 'Serdes.Double()';
  return fixedWidthNumberSerde({ name, width: 8, check: numberCheck(name), write: (out, n) => out.writeDoubleBE(n, 0), read: (b) => b.readDoubleBE(0) });
}
