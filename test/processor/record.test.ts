import { describe, expect, it } from 'vitest';
import { Record } from '../../src/processor/record.js';

describe('Record', () => {
  it('is immutable: with* return copies and leave the original alone', () => {
    const headers = [{ key: 'h', value: Buffer.from('1') }];
    const r = new Record('k', 'v', 10, headers);
    const k = r.withKey(1);
    const v = r.withValue({ n: 2 });
    const t = r.withTimestamp(20);
    const h = r.withHeaders([]);
    expect([r.key, r.value, r.timestamp, r.headers]).toEqual(['k', 'v', 10, headers]);
    expect([k.key, k.value, k.timestamp, k.headers]).toEqual([1, 'v', 10, headers]);
    expect([v.key, v.value, v.timestamp]).toEqual(['k', { n: 2 }, 10]);
    expect([t.key, t.value, t.timestamp]).toEqual(['k', 'v', 20]);
    expect(h.headers).toEqual([]);
    expect(new Record(null, null, 0).headers).toEqual([]);
  });

  it('rejects a negative or missing timestamp', () => {
    expect(() => new Record('k', 'v', -1)).toThrow(/Malformed Record: the timestamp must be a number >= 0, but got: -1/);
    expect(() => new Record('k', 'v', Number.NaN)).toThrow(RangeError);
    expect(() => new Record('k', 'v', 1).withTimestamp(-5)).toThrow(RangeError);
  });
});
