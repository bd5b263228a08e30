import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import { expectWidth } from './fixed-width.js';
import type { Serde } from './serde.js';

const TRUE = 0x01;
const FALSE = 0x00;

/**
 * Booleans as one byte, `0x01` or `0x00`, as Kafka's `BooleanSerializer`. Reading throws, as
 * `BooleanDeserializer` does, unless the payload is exactly one byte that is 0 or 1.
 */
export function booleanSerde(): Serde<boolean> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'boolean') throw new TypeError(`Serdes.Boolean() serializes booleans, but got: ${typeof data}`);
      return Buffer.from([data ? TRUE : FALSE]);
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      expectWidth('Serdes.Boolean()', data, 1);
      if (data[0] === TRUE) return true;
      if (data[0] === FALSE) return false;
      throw new DeserializationException(`Serdes.Boolean() expects the byte 0x01 or 0x00, but got ${describeBytes(data)}`);
    },
  };
}
