/**
 * Keys compare as unsigned bytes, left to right, a prefix before its extensions: the order of
 * LevelDB's default comparator and of Kafka Streams' `Bytes` keys.
 */
export const compareBytes: (a: Uint8Array, b: Uint8Array) => number = Buffer.compare;

/**
 * The smallest key greater than every key that starts with `prefix`, or `undefined` when there is
 * none (an empty prefix or one of only 0xff bytes): strip trailing 0xff bytes, then add one to the last.
 */
export function prefixUpperBound(prefix: Buffer): Buffer | undefined {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return undefined;
  const bound = Buffer.from(prefix.subarray(0, end));
  bound[end - 1] = prefix[end - 1]! + 1;
  return bound;
}
