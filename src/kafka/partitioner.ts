/**
 * Kafka's default partitioner for keyed records, bit for bit as the Java client computes it
 * (`org.apache.kafka.common.utils.Utils.murmur2` and `toPositive`, used by
 * `BuiltInPartitioner.partitionForKey`). Interactive queries depend on it: the partition, and so
 * the instance, that owns a key is `defaultPartition(serializedKey, partitionCount)`.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

/**
 * The 32-bit murmur2 hash of `data` with Kafka's seed, as a signed 32-bit integer (Java `int`).
 * `Math.imul` and `>>>` reproduce Java's wrapping int multiplication and unsigned shift.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = SEED ^ length;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    // `|` rather than Java's `+`: the four bytes never overlap, and `|` keeps the int32 wrap.
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  const tail = length & ~3;
  switch (length % 4) {
    case 3:
      h ^= data[tail + 2]! << 16;
    // falls through
    case 2:
      h ^= data[tail + 1]! << 8;
    // falls through
    case 1:
      h ^= data[tail]!;
      h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/**
 * Kafka's `Utils.toPositive`: clears the sign bit. Not `Math.abs`, which would map
 * `-2^31` to itself and differ from Java for every negative hash.
 */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * The partition Kafka's default partitioner picks for a record with these key bytes:
 * `toPositive(murmur2(keyBytes)) % numPartitions`. Records without a key are spread by the
 * producer instead and have no fixed partition.
 * @throws RangeError when `numPartitions` is not a positive integer.
 */
export function defaultPartition(keyBytes: Uint8Array, numPartitions: number): number {
  if (!Number.isInteger(numPartitions) || numPartitions < 1) {
    throw new RangeError(`numPartitions must be a positive integer, but got: ${String(numPartitions)}`);
  }
  return toPositive(murmur2(keyBytes)) % numPartitions;
}
