import type { Serde } from './serde.js';

/**
 * Raw bytes, passed through unchanged (Kafka's `ByteArraySerializer`). Neither direction copies:
 * the Buffer handed in is the Buffer handed on, so do not mutate it afterwards.
 */
export function byteArraySerde(): Serde<Buffer> {
  return {
    serialize(_topic, data) {
      if (data === null || data === undefined) return null;
      if (!Buffer.isBuffer(data)) throw new TypeError(`Serdes.ByteArray() serializes Buffers, but got: ${typeof data}`);
      return data;
    },
    deserialize(_topic, data) {
      return data ?? null;
    },
  };
}
