import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import type { Serde } from './serde.js';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * UUIDs as their 36-character text in UTF-8, as Kafka's `UUIDSerializer` writes
 * `uuid.toString()` (not 16 raw bytes). Values are strings; they are written and read in
 * lower case, as Java's `UUID.toString()` prints them.
 */
export function uuidSerde(): Serde<string> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'string' || !UUID_TEXT.test(data)) {
        throw new TypeError(`Serdes.UUID() serializes UUID strings like '123e4567-e89b-12d3-a456-426614174000', but got: ${String(data)}`);
      }
      return Buffer.from(data.toLowerCase(), 'utf8');
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      const text = data.toString('utf8');
      if (!UUID_TEXT.test(text)) throw new DeserializationException(`Serdes.UUID() expects a 36-character UUID string, but got ${describeBytes(data)}`);
      return text.toLowerCase();
    },
  };
}
