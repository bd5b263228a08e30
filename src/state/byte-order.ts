/** Up to this length a JavaScript loop beats `Buffer.compare`, whose native call costs more than the comparison. */
const SHORT_KEY = 64;

/**
 * Keys compare as unsigned bytes, left to right, a prefix before its extensions: the order of
 * LevelDB's default comparator and of Kafka Streams' `Bytes` keys. Returns <0, 0 or >0.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  if (length > SHORT_KEY) return Buffer.compare(a, b);
  for (let i = 0; i < length; i++) {
    const difference = a[i]! - b[i]!;
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

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
