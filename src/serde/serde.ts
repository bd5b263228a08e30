import type { Header } from '../kafka/port.js';

/**
 * Turns values into bytes and back. `null` passes through both ways as a Kafka tombstone /
 * null key, so `serialize(topic, null)` is `null` and `deserialize(topic, null)` is `null`.
 * Byte layouts match Kafka's Java serdes, so a Java producer and a kstreams app read each other.
 */
export interface Serde<T> {
  serialize(topic: string, data: T | null, headers?: readonly Header[]): Buffer | null;
  deserialize(topic: string, data: Buffer | null, headers?: readonly Header[]): T | null;
}
