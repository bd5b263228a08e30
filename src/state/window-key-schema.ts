import { escapedKeySize, readEscapedKey, readTime, writeEscapedKey, writeTime } from './ordered-key-schema.js';

/**
 * Keys of the window stores: `[escaped key][0x00 0x00][window start: 8 bytes BE][seq: 4 bytes BE]`
 * (see `ordered-key-schema.ts` for the escaping). They sort by (key bytes, window start, seq), so
 * one key's windows over a time range are one contiguous range of store keys, and a scan over a
 * key range yields (key, start) order. `seq` is 0 unless the store retains duplicates, where it
 * numbers puts so that each one is a new entry, in arrival order within a (key, start).
 *
 * The changelog uses Kafka Streams' own layout instead (`kafkaWindowKey`), so the topic is
 * readable by Kafka tooling and by Kafka Streams itself.
 */

/** Bytes after the escaped key: window start and sequence number. */
export const WINDOW_SUFFIX_SIZE = 12;
/** The largest sequence number; sequence numbers wrap to 0 after it, as Kafka's do. */
export const MAX_SEQ = 0xffff_ffff;

/** The store key of `key`'s window starting at `startMs`, with sequence number `seq`. */
export function windowStoreKey(key: Uint8Array, startMs: number, seq: number): Buffer {
  const composite = Buffer.allocUnsafe(escapedKeySize(key) + WINDOW_SUFFIX_SIZE);
  const at = writeEscapedKey(composite, key, 0);
  writeTime(composite, startMs, at);
  composite.writeUInt32BE(seq, at + 8);
  return composite;
}

/** The record key of a store key (shares memory with `composite` when it can). */
export function windowKeyOf(composite: Buffer): Buffer {
  return readEscapedKey(composite, composite.length - WINDOW_SUFFIX_SIZE);
}

/** The window start of a store key. */
export function windowStartOf(composite: Buffer): number {
  return readTime(composite, composite.length - WINDOW_SUFFIX_SIZE);
}

/** The sequence number of a store key. */
export function windowSeqOf(composite: Buffer): number {
  return composite.readUInt32BE(composite.length - 4);
}

/** Kafka Streams' `WindowKeySchema.toStoreKeyBinary`: `[key][start: 8 BE][seq: 4 BE]`, the changelog key layout. */
export function kafkaWindowKey(key: Uint8Array, startMs: number, seq: number): Buffer {
  const bytes = Buffer.allocUnsafe(key.length + WINDOW_SUFFIX_SIZE);
  bytes.set(key, 0);
  writeTime(bytes, startMs, key.length);
  bytes.writeUInt32BE(seq >>> 0, key.length + 8);
  return bytes;
}

/** The parts of a key in Kafka Streams' window layout (see {@link kafkaWindowKey}). */
export function parseKafkaWindowKey(bytes: Buffer): { key: Buffer; windowStartMs: number; seq: number } {
  if (bytes.length < WINDOW_SUFFIX_SIZE) throw new RangeError(`A window store changelog key has at least ${WINDOW_SUFFIX_SIZE} bytes, but got ${bytes.length}`);
  const keyLength = bytes.length - WINDOW_SUFFIX_SIZE;
  return { key: bytes.subarray(0, keyLength), windowStartMs: readTime(bytes, keyLength), seq: bytes.readUInt32BE(keyLength + 8) };
}
