import { escapedKeySize, readEscapedKey, readTime, writeEscapedKey, writeTime } from './ordered-key-schema.js';

/**
 * Keys of the session stores: `[escaped key][0x00 0x00][session end: 8 bytes BE][session start: 8 bytes BE]`
 * (see `ordered-key-schema.ts` for the escaping). They sort by (key bytes, end, start): one key's
 * sessions are one contiguous range in ascending (end, start) order, the order in which Kafka
 * Streams' `findSessions` yields them, and a key range scans in (key, end, start) order.
 *
 * The changelog uses Kafka Streams' own layout instead (`kafkaSessionKey`).
 */

/** Bytes after the escaped key: session end and start. */
export const SESSION_SUFFIX_SIZE = 16;

/** The store key of `key`'s session `[startMs, endMs]`. */
export function sessionStoreKey(key: Uint8Array, endMs: number, startMs: number): Buffer {
  const composite = Buffer.allocUnsafe(escapedKeySize(key) + SESSION_SUFFIX_SIZE);
  const at = writeEscapedKey(composite, key, 0);
  writeTime(composite, endMs, at);
  writeTime(composite, startMs, at + 8);
  return composite;
}

/** The record key of a store key (shares memory with `composite` when it can). */
export function sessionKeyOf(composite: Buffer): Buffer {
  return readEscapedKey(composite, composite.length - SESSION_SUFFIX_SIZE);
}

/** The session end of a store key. */
export function sessionEndOf(composite: Buffer): number {
  return readTime(composite, composite.length - SESSION_SUFFIX_SIZE);
}

/** The session start of a store key. */
export function sessionStartOf(composite: Buffer): number {
  return readTime(composite, composite.length - 8);
}

/** Kafka Streams' `SessionKeySchema.toBinary`: `[key][end: 8 BE][start: 8 BE]`, the changelog key layout. */
export function kafkaSessionKey(key: Uint8Array, startMs: number, endMs: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + SESSION_SUFFIX_SIZE);
  bytes.set(key, 0);
  writeTime(bytes, endMs, key.length);
  writeTime(bytes, startMs, key.length + 8);
  return bytes;
}

/** The parts of a key in Kafka Streams' session layout (see {@link kafkaSessionKey}). */
export function parseKafkaSessionKey(bytes: Buffer): { key: Buffer; startMs: number; endMs: number } {
  if (bytes.length < SESSION_SUFFIX_SIZE) throw new RangeError(`A session store changelog key has at least ${SESSION_SUFFIX_SIZE} bytes, but got ${bytes.length}`);
  const keyLength = bytes.length - SESSION_SUFFIX_SIZE;
  return { key: bytes.subarray(0, keyLength), endMs: readTime(bytes, keyLength), startMs: readTime(bytes, keyLength + 8) };
}
