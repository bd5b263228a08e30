import type { Serde } from './serde.js';

/**
 * UTF-8 strings, as Kafka's `StringSerializer`/`StringDeserializer` with their default encoding.
 * Invalid UTF-8 decodes with U+FFFD replacement characters, as Java's decoder does.
 */
export function stringSerde(): Serde<string> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (typeof data !== 'string') throw new TypeError(`Serdes.String() serializes strings, but got: ${typeof data}`);
      return Buffer.from(data, 'utf8');
    },
    deserialize(_topic, data) {
      return data === null || data === undefined ? null : data.toString('utf8');
    },
  };
}
