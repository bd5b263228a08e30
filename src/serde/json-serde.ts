import { DeserializationException } from '../errors.js';
import { describeBytes } from './describe-bytes.js';
import type { Serde } from './serde.js';

/**
 * Values as UTF-8 JSON text. Kafka has no JSON serde in its client library; this writes what
 * any JSON deserializer (Java's Jackson-based ones included) reads.
 *
 * `null` is a tombstone and is not written as the JSON text `null`; the JSON text `null` read
 * from a topic deserializes to `null` as well. The type parameter is trusted, not checked:
 * deserialization parses JSON but does not validate its shape.
 */
export function jsonSerde<T>(): Serde<T> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      const text = JSON.stringify(data);
      // JSON.stringify returns undefined for functions and symbols: there is nothing to write.
      if (text === undefined) throw new TypeError(`Serdes.Json() serializes JSON-compatible values, but got: ${typeof data}`);
      return Buffer.from(text, 'utf8');
    },
    deserialize(_topic, data) {
      if (data === null || data === undefined) return null;
      try {
        return JSON.parse(data.toString('utf8')) as T;
      } catch (error) {
        throw new DeserializationException(`Serdes.Json() expects UTF-8 JSON, but got ${describeBytes(data)}: ${(error as Error).message}`, { cause: error });
      }
    },
  };
}
