import { describe, expect, it } from 'vitest';
import { compareBytes, prefixUpperBound } from '../../src/state/byte-order.js';

const x = (hex: string): Buffer => Buffer.from(hex, 'hex');

describe('compareBytes', () => {
  it('orders as unsigned bytes, a prefix first, on short keys (JavaScript loop) and long ones (Buffer.compare)', () => {
    for (const pad of ['', 'ab'.repeat(100)]) {
      const cases: Array<[string, string, number]> = [
        ['7f', '80', -1], ['80', '7f', 1], ['ff', '00', 1], ['00', '0000', -1], ['0000', '00', 1], ['', '', 0], ['', '00', -1], ['61ff', '61ff', 0], ['6100', '61ff', -1],
      ];
      for (const [a, b, sign] of cases) {
        expect(Math.sign(compareBytes(x(pad + a), x(pad + b))), `${a} vs ${b} with ${pad.length / 2} leading bytes`).toBe(sign);
      }
    }
  });
});

describe('prefixUpperBound', () => {
  it('is the smallest key after every key with the prefix', () => {
    expect(prefixUpperBound(x('6162'))).toEqual(x('6163'));
    expect(prefixUpperBound(x('61ff'))).toEqual(x('62'));
    expect(prefixUpperBound(x('01ffff'))).toEqual(x('02'));
  });
  it('is undefined when no key is greater than all extensions of the prefix', () => {
    expect(prefixUpperBound(x(''))).toBeUndefined();
    expect(prefixUpperBound(x('ffff'))).toBeUndefined();
  });
  it('does not modify the prefix', () => {
    const prefix = x('6162');
    prefixUpperBound(prefix);
    expect(prefix).toEqual(x('6162'));
  });
});
