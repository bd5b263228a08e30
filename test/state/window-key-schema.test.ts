import { describe, expect, it } from 'vitest';
import { afterAllOfKey, escapedKeySize, readEscapedKey, readTime, writeEscapedKey, writeTime } from '../../src/state/ordered-key-schema.js';
import {
  kafkaSessionKey, parseKafkaSessionKey, sessionEndOf, sessionKeyOf, sessionStartOf, sessionStoreKey,
} from '../../src/state/session-key-schema.js';
import {
  kafkaWindowKey, parseKafkaWindowKey, windowKeyOf, windowSeqOf, windowStartOf, windowStoreKey,
} from '../../src/state/window-key-schema.js';

const x = (hex: string): Buffer => Buffer.from(hex, 'hex');
const byHex = (a: string, c: string): number => (a < c ? -1 : a > c ? 1 : 0);

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the order-preserving key encoding', () => {
  it('escapes 0x00 as 0x00 0x01 and ends keys with 0x00 0x00', () => {
    const encode = (hex: string): string => {
      const key = x(hex);
      const out = Buffer.alloc(escapedKeySize(key));
      expect(writeEscapedKey(out, key, 0)).toBe(out.length);
      return out.toString('hex');
    };
    expect(encode('')).toBe('0000');
    expect(encode('61')).toBe('610000');
    expect(encode('6100')).toBe('6100010000');
    expect(encode('000000')).toBe('00010001000100' + '00');
    expect(afterAllOfKey(x('61')).toString('hex')).toBe('610001');
  });

  it('round-trips and sorts composite keys as (key bytes, time, seq) for 2,000 random binary keys', () => {
    const random = prng(3);
    const alphabet = [0x00, 0x01, 0x02, 0x7f, 0x80, 0xfe, 0xff];
    const entries = Array.from({ length: 2000 }, () => {
      const key = Buffer.alloc(Math.floor(random() * 5));
      for (let i = 0; i < key.length; i++) key[i] = alphabet[Math.floor(random() * alphabet.length)]!;
      const start = Math.floor(random() * 4) * 2 ** Math.floor(random() * 50);
      const seq = Math.floor(random() * 3) === 0 ? 0xffff_ffff : Math.floor(random() * 5);
      return { hex: key.toString('hex'), start, seq, composite: windowStoreKey(key, start, seq) };
    });
    for (const { hex, start, seq, composite } of entries) {
      expect(windowKeyOf(composite).toString('hex')).toBe(hex);
      expect(windowStartOf(composite)).toBe(start);
      expect(windowSeqOf(composite)).toBe(seq);
    }
    const byModel = [...entries].sort((p, q) => byHex(p.hex, q.hex) || p.start - q.start || p.seq - q.seq);
    const byBytes = [...entries].sort((p, q) => Buffer.compare(p.composite, q.composite));
    expect(byBytes.map((e) => `${e.hex}|${e.start}|${e.seq}`)).toEqual(byModel.map((e) => `${e.hex}|${e.start}|${e.seq}`));
    // Every composite key of a key lies below afterAllOfKey(key), and every longer key's above it.
    for (const { hex, composite } of entries.slice(0, 200)) {
      expect(Buffer.compare(composite, afterAllOfKey(x(hex)))).toBeLessThan(0);
      expect(Buffer.compare(windowStoreKey(Buffer.concat([x(hex), x('00')]), 0, 0), afterAllOfKey(x(hex)))).toBeGreaterThanOrEqual(0);
    }
  });

  it('writes times as 8-byte big-endian numbers up to Number.MAX_SAFE_INTEGER', () => {
    const buffer = Buffer.alloc(8);
    for (const time of [0, 1, 2 ** 32 - 1, 2 ** 32, 1_700_000_000_123, Number.MAX_SAFE_INTEGER]) {
      writeTime(buffer, time, 0);
      expect(buffer.readBigUInt64BE(0)).toBe(BigInt(time));
      expect(readTime(buffer, 0)).toBe(time);
    }
  });

  it('shares memory for keys without 0x00 and copies only when unescaping', () => {
    const composite = windowStoreKey(Buffer.from('plain'), 5, 0);
    expect(readEscapedKey(composite, composite.length - 12).buffer).toBe(composite.buffer);
    expect(windowKeyOf(windowStoreKey(x('00ff00'), 5, 0)).toString('hex')).toBe('00ff00');
  });
});

describe('session store keys', () => {
  it('sort by (key, end, start) and round-trip', () => {
    const keys = [sessionStoreKey(x('61'), 10, 5), sessionStoreKey(x('61'), 5, 5), sessionStoreKey(x('61'), 10, 0), sessionStoreKey(x('6100'), 0, 0), sessionStoreKey(x(''), 99, 1)];
    const sorted = [...keys].sort(Buffer.compare).map((k) => [sessionKeyOf(k).toString('hex'), sessionEndOf(k), sessionStartOf(k)]);
    expect(sorted).toEqual([['', 99, 1], ['61', 5, 5], ['61', 10, 0], ['61', 10, 5], ['6100', 0, 0]]);
  });
});

describe("Kafka Streams' changelog key layouts", () => {
  it('WindowKeySchema: [key][start: 8 BE][seq: 4 BE]', () => {
    const bytes = kafkaWindowKey(Buffer.from('andy'), 5000, 1);
    expect(bytes.toString('hex')).toBe('616e6479' + '0000000000001388' + '00000001');
    expect(parseKafkaWindowKey(bytes)).toEqual({ key: Buffer.from('andy'), windowStartMs: 5000, seq: 1 });
    expect(() => parseKafkaWindowKey(Buffer.alloc(11))).toThrow(RangeError);
  });

  it('SessionKeySchema: [key][end: 8 BE][start: 8 BE]', () => {
    const bytes = kafkaSessionKey(Buffer.from('A'), 10, 12);
    expect(bytes.toString('hex')).toBe('41' + '000000000000000c' + '000000000000000a');
    expect(parseKafkaSessionKey(bytes)).toEqual({ key: Buffer.from('A'), startMs: 10, endMs: 12 });
    expect(() => parseKafkaSessionKey(Buffer.alloc(15))).toThrow(RangeError);
  });
});
