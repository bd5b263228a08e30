import { describe, expect, it } from 'vitest';
import { fromKafkajsHeaders, toConsumedRecord, toKafkajsHeaders, toKafkajsMessage } from '../../src/kafka/kafkajs/record-mapping.js';

const b = (s: string): Buffer => Buffer.from(s);

describe('kafkajs record mapping', () => {
  it('groups repeated header names that are already adjacent, keeping their order', () => {
    const headers = toKafkajsHeaders([{ key: 'a', value: b('1') }, { key: 'a', value: b('2') }, { key: 'b', value: b('3') }], 't');
    expect(Object.keys(headers)).toEqual(['a', 'b']);
    expect(headers['a']).toEqual([b('1'), b('2')]);
    expect(headers['b']).toEqual(b('3'));
  });

  it('refuses interleaved header names rather than reordering them', () => {
    expect(() => toKafkajsHeaders([{ key: 'a', value: b('1') }, { key: 'b', value: b('2') }, { key: 'a', value: b('3') }], 'orders')).toThrow(
      expect.objectContaining({ type: 'UNSUPPORTED', message: expect.stringContaining("'orders'") }),
    );
  });

  it('refuses a null header value, which kafkajs cannot encode', () => {
    expect(() => toKafkajsHeaders([{ key: 'n', value: null }], 'orders')).toThrow(expect.objectContaining({ type: 'UNSUPPORTED' }));
  });

  it('keeps a header named like an Object.prototype property as a plain header', () => {
    const headers = toKafkajsHeaders([{ key: '__proto__', value: b('x') }], 't');
    expect(Object.keys(headers)).toEqual(['__proto__']);
    expect(fromKafkajsHeaders(headers as never)).toEqual([{ key: '__proto__', value: b('x') }]);
  });

  it('turns fetched headers (arrays for repeated names) back into an ordered list', () => {
    expect(fromKafkajsHeaders({ a: [b('1'), b('2')], b: b('3'), n: null, skipped: undefined })).toEqual([
      { key: 'a', value: b('1') },
      { key: 'a', value: b('2') },
      { key: 'b', value: b('3') },
      { key: 'n', value: null },
    ]);
    expect(fromKafkajsHeaders(undefined)).toEqual([]);
  });

  it('maps a producer record to a kafkajs message, leaving out what is absent', () => {
    expect(toKafkajsMessage({ topic: 't', key: null, value: null })).toEqual({ key: null, value: null });
    expect(toKafkajsMessage({ topic: 't', partition: 2, key: b('k'), value: b('v'), timestamp: 1_700_000_000_123, headers: [{ key: 'h', value: b('1') }] })).toEqual({
      key: b('k'),
      value: b('v'),
      partition: 2,
      timestamp: '1700000000123',
      headers: expect.objectContaining({ h: b('1') }),
    });
  });

  it('maps a fetched record with string offsets and timestamps to numbers', () => {
    expect(toConsumedRecord('t', 3, { offset: '41', timestamp: '1700000000123', key: null, value: b('v'), headers: { h: b('1') } })).toEqual({
      topic: 't',
      partition: 3,
      offset: 41,
      key: null,
      value: b('v'),
      timestamp: 1_700_000_000_123,
      headers: [{ key: 'h', value: b('1') }],
    });
  });
});
