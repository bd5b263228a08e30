import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import type { Serde } from './serde.js';

/** Rejects a payload whose length is not the fixed width of the type, as Kafka's deserializers do. */
export function expectWidth(serdeName: string, data: Buffer, width: number): void {
  if (data.length !== width) {
    throw new DeserializationException(`${serdeName} expects exactly ${width} bytes, but got ${describeBytes(data)}`);
  }
}

/** How one fixed-width number type is written and read (see {@link fixedWidthNumberSerde}). */
export interface NumberLayout {
  /** The serde's name in errors, e.g. `Serdes.Short()`. */
  readonly name: string;
  readonly width: number;
  /** Throws when `data` is not a value of the type (range, integer-ness). */
  readonly check: (data: number) => void;
  readonly write: (out: Buffer, data: number) => void;
  readonly read: (data: Buffer) => number;
}

/** A serde of numbers in a fixed number of big-endian bytes (Short, Integer, Float, Double): null passes through, widths are checked. */
export function fixedWidthNumberSerde(layout: NumberLayout): Serde<number> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      layout.check(data);
      const out = Buffer.allocUnsafe(layout.width);
      layout.write(out, data);
      return out;
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth(layout.name, data, layout.width);
      return layout.read(data);
    },
  };
}

/** A `check` for signed integers of `bits` bits. */
export function signedIntegerCheck(name: string, bits: number): (data: number) => void {
  const min = -(2 ** (bits - 1));
  const max = 2 ** (bits - 1) - 1;
  return (data) => {
    if (!Number.isInteger(data) || data < min || data > max) throw new RangeError(`${name} serializes integers in [${min}, ${max}], but got: ${String(data)}`);
  };
}

/** A `check` for any JavaScript number (Float, Double). */
export function numberCheck(name: string): (data: number) => void {
  return (data) => {
    if (typeof data !== 'number') throw new TypeError(`${name} serializes numbers, but got: ${typeof data}`);
  };
}
