import { fixedWidthNumberSerde, signedIntegerCheck } from './fixed-width.js';
import type { Serde } from './serde.js';

/** 32-bit signed integers, 4 bytes big-endian (two's complement), as Kafka's `IntegerSerializer`. */
export function integerSerde(): Serde<number> {
  const name = 'Serdes.Integer()';
  return fixedWidthNumberSerde({ name, width: 4, check: signedIntegerCheck(name, 32), write: (out, n) => out.writeInt32BE(n, 0), read: (b) => b.readInt32BE(0) });
}
