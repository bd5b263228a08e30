import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import type { Serde } from './serde.js';

/**
 * No data at all: every key or value is `null` (Kafka's `VoidSerializer`). Useful for topics
 * whose keys or values carry nothing. Reading non-null bytes fails, as in Kafka.
 */
export function voidSerde(): Serde<null> {
  return {
    serialize(_topic, data) {
      if (data !== null && data !== undefined) throw new TypeError(`Serdes.Void() serializes only null, but got: ${typeof data}`);
      return null;
    },
    deserialize(_topic, data) {
      if (data !== null && data !== undefined) throw new DeserializationException(`Serdes.Void() expects null, but got ${describeBytes(data)}`);
      return null;
    },
  };
}
