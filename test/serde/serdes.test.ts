import { describe, expect, it } from 'vitest';
import { DeserializationException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Serde } from '../../src/serde/serde.js';

/*
 * Byte vectors. The values come from Kafka's own SerializationTest
 * (apache/kafka clients/src/test/java/org/apache/kafka/common/serialization/SerializationTest.java,
 * `testData`: Integer 423412424 and -41243432, Long 922337203685477580L and -922337203685477581L,
 * Double 5678567.12312d and -5678567.12341d, String "my string"), plus edge values. That test only
 * round-trips; the bytes below are what Kafka's Java serializers (kafka-clients 4.1.2:
 * IntegerSerializer, LongSerializer, DoubleSerializer, StringSerializer, UUIDSerializer) returned
 * for those values when run under jshell, and match the layouts in their sources (big-endian shifts
 * `(byte) (data >>> 56)` ... `(byte) data`; `Double.doubleToLongBits`; `uuid.toString().getBytes(UTF8)`).
 */
const TOPIC = 'topic';
const hex = (h: string): Buffer => Buffer.from(h, 'hex');

function roundTrip<T>(serde: Serde<T>, value: T): T | null {
  return serde.deserialize(TOPIC, serde.serialize(TOPIC, value));
}

describe('Serdes: null is a tombstone both ways', () => {
  const all: Array<[string, Serde<unknown>]> = [
    ['String', Serdes.String()], ['ByteArray', Serdes.ByteArray()], ['Integer', Serdes.Integer()],
    ['Long', Serdes.Long()], ['LongBigInt', Serdes.LongBigInt()], ['Double', Serdes.Double()],
    ['Json', Serdes.Json()], ['Void', Serdes.Void()], ['UUID', Serdes.UUID()],
  ] as Array<[string, Serde<unknown>]>;
  for (const [name, serde] of all) {
    it(`${name}: serialize(null) and deserialize(null) are null`, () => {
      expect(serde.serialize(TOPIC, null)).toBeNull();
      expect(serde.deserialize(TOPIC, null)).toBeNull();
    });
  }
});

describe('Serdes.String()', () => {
  it('writes UTF-8, as StringSerializer', () => {
    expect(Serdes.String().serialize(TOPIC, 'my string')).toEqual(hex('6d7920737472696e67'));
    expect(Serdes.String().serialize(TOPIC, 'Grüße 🍕')).toEqual(hex('4772c3bcc39f6520f09f8d95'));
  });
  it('reads UTF-8', () => {
    expect(Serdes.String().deserialize(TOPIC, hex('4772c3bcc39f6520f09f8d95'))).toBe('Grüße 🍕');
    expect(roundTrip(Serdes.String(), '')).toBe('');
  });
});

describe('Serdes.ByteArray()', () => {
  it('passes bytes through unchanged', () => {
    const bytes = hex('00ff7f80');
    expect(Serdes.ByteArray().serialize(TOPIC, bytes)).toEqual(hex('00ff7f80'));
    expect(Serdes.ByteArray().deserialize(TOPIC, bytes)).toEqual(hex('00ff7f80'));
  });
  it('rejects non-Buffers', () => {
    expect(() => Serdes.ByteArray().serialize(TOPIC, 'x' as unknown as Buffer)).toThrow(TypeError);
  });
});

describe('Serdes.Integer()', () => {
  const vectors: Array<[number, string]> = [
    [423412424, '193cc2c8'], [-41243432, 'fd8aacd8'], [-(2 ** 31), '80000000'], [2 ** 31 - 1, '7fffffff'], [0, '00000000'], [-1, 'ffffffff'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} <-> 0x${bytes}`, () => {
      expect(Serdes.Integer().serialize(TOPIC, value)).toEqual(hex(bytes));
      expect(Serdes.Integer().deserialize(TOPIC, hex(bytes))).toBe(value);
    });
  }
  it('rejects values that are not 32-bit integers', () => {
    expect(() => Serdes.Integer().serialize(TOPIC, 2 ** 31)).toThrow(RangeError);
    expect(() => Serdes.Integer().serialize(TOPIC, 1.5)).toThrow(/integers in \[-2147483648, 2147483647\], but got: 1.5/);
  });
  it('names the expected and received length, and shows the bytes', () => {
    expect(() => Serdes.Integer().deserialize(TOPIC, hex('010203'))).toThrow(DeserializationException);
    expect(() => Serdes.Integer().deserialize(TOPIC, hex('010203'))).toThrow('Serdes.Integer() expects exactly 4 bytes, but got 3 bytes (0x01 02 03)');
  });
});

describe('Serdes.Long() (number)', () => {
  const vectors: Array<[number, string]> = [
    [1, '0000000000000001'], [-1, 'ffffffffffffffff'], [0, '0000000000000000'],
    [1_700_000_000_000, '0000018bcfe56800'], [2 ** 32, '0000000100000000'], [-(2 ** 32), 'ffffffff00000000'],
    [2 ** 31, '0000000080000000'], [-(2 ** 31) - 1, 'ffffffff7fffffff'],
    [Number.MAX_SAFE_INTEGER, '001fffffffffffff'], [Number.MIN_SAFE_INTEGER, 'ffe0000000000001'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} <-> 0x${bytes}`, () => {
      expect(Serdes.Long().serialize(TOPIC, value)).toEqual(hex(bytes));
      expect(Serdes.Long().deserialize(TOPIC, hex(bytes))).toBe(value);
    });
  }
  it('refuses to serialize values it cannot hold exactly', () => {
    expect(() => Serdes.Long().serialize(TOPIC, 2 ** 53)).toThrow(/Number.MAX_SAFE_INTEGER.*Serdes.LongBigInt\(\)/);
    expect(() => Serdes.Long().serialize(TOPIC, 0.5)).toThrow(RangeError);
    expect(() => Serdes.Long().serialize(TOPIC, NaN)).toThrow(RangeError);
  });
  it('refuses to deserialize longs beyond ±(2^53 - 1) instead of rounding them', () => {
    // 922337203685477580L from Kafka's SerializationTest, and ±2^53.
    for (const bytes of ['0ccccccccccccccc', 'f333333333333333', '0020000000000000', 'ffe0000000000000']) {
      expect(() => Serdes.Long().deserialize(TOPIC, hex(bytes))).toThrow(DeserializationException);
    }
    expect(() => Serdes.Long().deserialize(TOPIC, hex('0ccccccccccccccc'))).toThrow(/got 922337203685477580 from 8 bytes.*LongBigInt/);
  });
  it('rejects a payload that is not 8 bytes', () => {
    expect(() => Serdes.Long().deserialize(TOPIC, hex('00000001'))).toThrow('Serdes.Long() expects exactly 8 bytes, but got 4 bytes (0x00 00 00 01)');
  });
});

describe('Serdes.LongBigInt()', () => {
  const vectors: Array<[bigint, string]> = [
    [922337203685477580n, '0ccccccccccccccc'], [-922337203685477581n, 'f333333333333333'],
    [2n ** 63n - 1n, '7fffffffffffffff'], [-(2n ** 63n), '8000000000000000'], [-1n, 'ffffffffffffffff'], [2n ** 53n, '0020000000000000'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} <-> 0x${bytes}`, () => {
      expect(Serdes.LongBigInt().serialize(TOPIC, value)).toEqual(hex(bytes));
      expect(Serdes.LongBigInt().deserialize(TOPIC, hex(bytes))).toBe(value);
    });
  }
  it('rejects bigints outside the 64-bit range and non-bigints', () => {
    expect(() => Serdes.LongBigInt().serialize(TOPIC, 2n ** 63n)).toThrow(RangeError);
    expect(() => Serdes.LongBigInt().serialize(TOPIC, 1 as unknown as bigint)).toThrow(RangeError);
  });
  it('writes the same bytes as Serdes.Long() where both apply', () => {
    for (const v of [0, 1, -1, 123_456_789_012, -987_654_321_098, Number.MAX_SAFE_INTEGER]) {
      expect(Serdes.LongBigInt().serialize(TOPIC, BigInt(v))).toEqual(Serdes.Long().serialize(TOPIC, v));
    }
  });
});

describe('Serdes.Double()', () => {
  const vectors: Array<[number, string]> = [
    [5678567.12312, '4155a979c7e132b5'], [-5678567.12341, 'c155a979c7e5f30e'], [1, '3ff0000000000000'],
    [Infinity, '7ff0000000000000'], [NaN, '7ff8000000000000'],
  ];
  for (const [value, bytes] of vectors) {
    it(`${value} <-> 0x${bytes}`, () => {
      expect(Serdes.Double().serialize(TOPIC, value)).toEqual(hex(bytes));
      expect(Serdes.Double().deserialize(TOPIC, hex(bytes))).toBe(value);
    });
  }
  it('keeps negative zero', () => {
    expect(Serdes.Double().serialize(TOPIC, -0)).toEqual(hex('8000000000000000'));
    expect(Object.is(Serdes.Double().deserialize(TOPIC, hex('8000000000000000')), -0)).toBe(true);
  });
  it('rejects a payload that is not 8 bytes', () => {
    expect(() => Serdes.Double().deserialize(TOPIC, Buffer.alloc(0))).toThrow('Serdes.Double() expects exactly 8 bytes, but got 0 bytes');
  });
});

describe('Serdes.Json()', () => {
  it('writes UTF-8 JSON and reads it back', () => {
    const serde = Serdes.Json<{ name: string; n: number; tags: string[] }>();
    expect(serde.serialize(TOPIC, { name: 'Zoë', n: 1, tags: [] })?.toString('utf8')).toBe('{"name":"Zoë","n":1,"tags":[]}');
    expect(roundTrip(serde, { name: 'Zoë', n: 1, tags: ['a'] })).toEqual({ name: 'Zoë', n: 1, tags: ['a'] });
    expect(roundTrip(Serdes.Json<number>(), 0)).toBe(0);
  });
  it('says what it expected and shows the first bytes of bad JSON', () => {
    const bad = Buffer.from('{"unterminated": tr and then a lot more text');
    expect(() => Serdes.Json().deserialize(TOPIC, bad)).toThrow(DeserializationException);
    expect(() => Serdes.Json().deserialize(TOPIC, bad)).toThrow(/expects UTF-8 JSON, but got 44 bytes \(0x7b 22 75 6e 74 65 72 6d 69 6e 61 74 65 64 22 3a …\)/);
  });
  it('rejects values JSON cannot hold', () => {
    expect(() => Serdes.Json().serialize(TOPIC, (() => 1) as unknown)).toThrow(TypeError);
  });
});

describe('Serdes.Void()', () => {
  it('is always null and refuses data, as VoidDeserializer', () => {
    expect(Serdes.Void().serialize(TOPIC, null)).toBeNull();
    expect(() => Serdes.Void().deserialize(TOPIC, hex('0000000000'))).toThrow('Serdes.Void() expects null, but got 5 bytes (0x00 00 00 00 00)');
  });
});

describe('Serdes.UUID()', () => {
  const text = '123e4567-e89b-12d3-a456-426614174000';
  const bytes = '31323365343536372d653839622d313264332d613435362d343236363134313734303030';
  it('writes the lower-case text form, as UUIDSerializer', () => {
    expect(Serdes.UUID().serialize(TOPIC, text)).toEqual(hex(bytes));
    expect(Serdes.UUID().serialize(TOPIC, text.toUpperCase())).toEqual(hex(bytes));
    expect(Serdes.UUID().deserialize(TOPIC, hex(bytes))).toBe(text);
  });
  it('rejects text that is not a UUID', () => {
    expect(() => Serdes.UUID().serialize(TOPIC, 'not-a-uuid')).toThrow(TypeError);
    expect(() => Serdes.UUID().deserialize(TOPIC, Buffer.from('nope'))).toThrow(DeserializationException);
  });
});

describe('Serdes.serdeFrom()', () => {
  it('wraps two functions and passes null through without calling them', () => {
    let calls = 0;
    const serde = Serdes.serdeFrom<number>(
      (n) => { calls++; return Buffer.from(String(n)); },
      (b) => { calls++; return Number(b.toString()); },
    );
    expect(roundTrip(serde, 42)).toBe(42);
    expect(serde.serialize(TOPIC, null)).toBeNull();
    expect(serde.deserialize(TOPIC, null)).toBeNull();
    expect(calls).toBe(2);
  });
});
