/**
 * The key part of window and session store keys: the record key escaped so that composite keys
 * `[escaped key][terminator][fixed-size time fields]` sort as `(key bytes, time fields)`.
 *
 * Why not `[key][time]` as Kafka Streams' `WindowKeySchema` does: with variable-length keys that
 * layout interleaves keys that are prefixes of other keys (`"a"` + time and `"a\x00…"` + time
 * mix), so Kafka filters every scan entry and its range scans are not in key order. Escaping makes
 * the key part prefix-free and order-preserving, so a key's windows are exactly one contiguous
 * range and a scan over a key range comes out in (key, time) order without filtering by key.
 *
 * Encoding: each `0x00` byte of the key becomes `0x00 0x01`; the key ends with `0x00 0x00`.
 * - Prefix-free: `0x00 0x00` never occurs inside an escaped key, so the terminator ends it.
 * - Order-preserving: at the first byte where two keys differ, the escaped forms differ the same
 *   way (a raw `0x00` becomes `0x00 0x01`, still below any raw byte `>= 0x01`); a key that is a
 *   proper prefix of another reaches its terminator `0x00 0x00` where the other has `0x00 0x01`
 *   or a byte `>= 0x01`, so the shorter key sorts first, as unsigned byte order wants.
 * Keys without `0x00` bytes (all UTF-8 text without NUL) cost only the two terminator bytes.
 */

/** Length of the terminator `0x00 0x00` that ends an escaped key. */
export const TERMINATOR_SIZE = 2;

/** `2^32`, to split a time into two 32-bit halves. */
const TWO_32 = 0x1_0000_0000;

/** The number of bytes `key` takes escaped and terminated. */
export function escapedKeySize(key: Uint8Array): number {
  let size = key.length + TERMINATOR_SIZE;
  for (let i = 0; i < key.length; i++) if (key[i] === 0) size++;
  return size;
}

/** Writes `key` escaped and terminated at `offset`; returns the offset after it. */
export function writeEscapedKey(target: Buffer, key: Uint8Array, offset: number): number {
  let at = offset;
  for (let i = 0; i < key.length; i++) {
    const byte = key[i]!;
    target[at++] = byte;
    if (byte === 0) target[at++] = 1;
  }
  target[at++] = 0;
  target[at++] = 0;
  return at;
}

/**
 * The original key from the escaped key that ends `TERMINATOR_SIZE` bytes before `end` in
 * `composite`. Shares memory with `composite` when the key has no `0x00` byte (the common case).
 */
export function readEscapedKey(composite: Buffer, end: number): Buffer {
  const escaped = composite.subarray(0, end - TERMINATOR_SIZE);
  const firstZero = escaped.indexOf(0);
  if (firstZero === -1) return escaped;
  const key = Buffer.allocUnsafe(escaped.length);
  let length = 0;
  for (let i = 0; i < escaped.length; i++) {
    const byte = escaped[i]!;
    key[length++] = byte;
    if (byte === 0) i++; // skip the 0x01 that follows an escaped 0x00
  }
  return key.subarray(0, length);
}

/**
 * The first byte string after every composite key of `key`: the escaped key followed by
 * `0x00 0x01` (where a longer key continuing with `0x00` would go), for an exclusive upper bound.
 */
export function afterAllOfKey(key: Uint8Array): Buffer {
  const bound = Buffer.allocUnsafe(escapedKeySize(key));
  writeEscapedKey(bound, key, 0);
  bound[bound.length - 1] = 1;
  return bound;
}

/** Writes a non-negative safe-integer time as 8 bytes big-endian, so byte order is time order. */
export function writeTime(target: Buffer, time: number, offset: number): void {
  target.writeUInt32BE(Math.floor(time / TWO_32), offset);
  target.writeUInt32BE(time >>> 0, offset + 4);
}

/** Reads a time written by {@link writeTime}. */
export function readTime(source: Buffer, offset: number): number {
  return source.readUInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}

/**
 * Checks a time a store is asked to write: window starts, session starts and ends are
 * non-negative integers of milliseconds (Kafka's windows reject negative starts too).
 */
export function checkStoredTime(storeName: string, what: string, time: number): void {
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RangeError(`Store ${storeName}: ${what} must be a non-negative integer of milliseconds, but got: ${time}`);
  }
}

/** Checks a time bound of a query: a number, not NaN (infinite bounds are allowed and clamp). */
export function checkTimeBound(storeName: string, what: string, time: number): void {
  if (typeof time !== 'number' || Number.isNaN(time)) {
    throw new TypeError(`Store ${storeName}: ${what} must be a number of milliseconds, but got: ${String(time)}`);
  }
}

/** Clamps an inclusive time range to stored times: `[ceil(max(from, 0)), floor(min(to, MAX_SAFE_INTEGER))]`. */
export function clampTimeRange(from: number, to: number): [number, number] {
  return [Math.ceil(Math.max(from, 0)), Math.floor(Math.min(to, Number.MAX_SAFE_INTEGER))];
}
