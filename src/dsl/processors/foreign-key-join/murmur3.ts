const MASK = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;
const M = 5n;
const N1 = 0x52dce729n;
const N2 = 0x38495ab5n;
/** Kafka's `Murmur3.DEFAULT_SEED`. */
const SEED = 104729n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & MASK;
const mul = (a: bigint, b: bigint): bigint => (a * b) & MASK;
const add = (a: bigint, b: bigint): bigint => (a + b) & MASK;

function fmix64(h: bigint): bigint {
  h ^= h >> 33n;
  h = mul(h, 0xff51afd7ed558ccdn);
  h ^= h >> 33n;
  h = mul(h, 0xc4ceb9fe1a85ec53n);
  h ^= h >> 33n;
  return h;
}

/** Little-endian 64-bit word of up to 8 bytes from `start` (missing bytes are 0). */
function word(data: Buffer, start: number, length: number): bigint {
  let w = 0n;
  for (let i = length - 1; i >= 0; i--) w = (w << 8n) | BigInt(data[start + i] as number);
  return w;
}

/**
 * MurmurHash3 x64 128-bit with Kafka's seed, as Kafka Streams' `Murmur3.hash128`, which the
 * foreign-key join uses to recognize stale responses: the 16 bytes are the two 64-bit halves,
 * big-endian, as its subscription and response wrappers write them.
 */
export function murmur3Hash128(data: Buffer): Buffer {
  let h1 = SEED;
  let h2 = SEED;
  const length = data.length;
  const blocks = length >> 4;
  for (let i = 0; i < blocks; i++) {
    let k1 = word(data, i * 16, 8);
    let k2 = word(data, i * 16 + 8, 8);
    k1 = mul(rotl(mul(k1, C1), 31n), C2);
    h1 ^= k1;
    h1 = add(mul(add(rotl(h1, 27n), h2), M), N1);
    k2 = mul(rotl(mul(k2, C2), 33n), C1);
    h2 ^= k2;
    h2 = add(mul(add(rotl(h2, 31n), h1), M), N2);
  }
  const tail = blocks * 16;
  const rest = length - tail;
  if (rest > 8) {
    const k2 = mul(rotl(mul(word(data, tail + 8, rest - 8), C2), 33n), C1);
    h2 ^= k2;
  }
  if (rest > 0) {
    const k1 = mul(rotl(mul(word(data, tail, Math.min(rest, 8)), C1), 31n), C2);
    h1 ^= k1;
  }
  h1 ^= BigInt(length);
  h2 ^= BigInt(length);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = add(h1, h2);
  h2 = add(h2, h1);
  const out = Buffer.allocUnsafe(16);
  out.writeBigUInt64BE(h1, 0);
  out.writeBigUInt64BE(h2, 8);
  return out;
}
