import { fixedWidthNumberSerde, signedIntegerCheck } from './fixed-width.js';
import type { Serde } from './serde.js';

/** 16-bit signed integers, 2 bytes big-endian (two's complement), as Kafka's `ShortSerializer`. */
export function shortSerde(): Serde<number> {
  const name = 'Serdes.Short()';
  return fixedWidthNumberSerde({ name, width: 2, check: signedIntegerCheck(name, 16), write: (out, n) => out.writeInt16BE(n, 0), read: (b) => b.readInt16BE(0) });
}
