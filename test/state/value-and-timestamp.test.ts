import { describe, expect, it } from 'vitest';
import { Serdes } from '../../src/serde/serdes.js';
import { rawValueOf, timestampOf, ValueAndTimestamp, valueAndTimestampSerde, withTimestamp } from '../../src/state/value-and-timestamp.js';

describe('ValueAndTimestamp', () => {
  it('make returns null for a null value (no timestamped tombstone), as Kafka', () => {
    expect(ValueAndTimestamp.make(null, 5)).toBeNull();
    const v = ValueAndTimestamp.make('x', 5);
    expect(v?.value).toBe('x');
    expect(v?.timestamp).toBe(5);
    expect(ValueAndTimestamp.getValueOrNull(v)).toBe('x');
    expect(ValueAndTimestamp.getValueOrNull(undefined)).toBeNull();
  });

  it('serializes as Kafka\'s ValueAndTimestampSerializer: 8-byte big-endian timestamp, then the value bytes', () => {
    const serde = valueAndTimestampSerde(Serdes.String());
    const bytes = serde.serialize('t', ValueAndTimestamp.make('hé', 0x0102030405))!;
    expect(bytes.toString('hex')).toBe(`0000000102030405${Buffer.from('hé').toString('hex')}`);
    expect(timestampOf(bytes)).toBe(0x0102030405);
    expect(rawValueOf(bytes).toString()).toBe('hé');
    const back = serde.deserialize('t', bytes);
    expect([back?.value, back?.timestamp]).toEqual(['hé', 0x0102030405]);
    expect(serde.serialize('t', null)).toBeNull();
    expect(serde.deserialize('t', null)).toBeNull();
  });

  it('keeps negative timestamps (Kafka\'s -1 for "none") and rejects bytes too short to hold one', () => {
    const bytes = withTimestamp(Buffer.from('v'), -1);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('ffffffffffffffff');
    expect(timestampOf(bytes)).toBe(-1);
    expect(() => valueAndTimestampSerde(Serdes.String()).deserialize('t', Buffer.alloc(3))).toThrow(RangeError);
  });
});

describe('timestamp bytes', () => {
  it('match a 64-bit big-endian two\'s complement encoding for large, small and negative timestamps', () => {
    for (const ts of [0, 1, -1, -2, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), 1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
      const bytes = withTimestamp(Buffer.alloc(0), ts);
      const expected = Buffer.alloc(8);
      expected.writeBigInt64BE(BigInt(ts));
      expect(bytes.toString('hex')).toBe(expected.toString('hex'));
      expect(timestampOf(bytes)).toBe(ts);
    }
  });
});
