import { describe, expect, it } from 'vitest';
import { DeserializationException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Serde } from '../../src/serde/serde.js';

/*
 * Byte vectors for Short, Float, Boolean, Bytes, ByteBuffer and ListSerde, worked out by hand from
 * the sources of Kafka's Java serializers (apache/kafka, clients/src/main/java/org/apache/kafka/
 * common/serialization/): ShortSerializer writes `(byte) (data >>> 8), (byte) data`; FloatSerializer
 * writes `Float.floatToRawIntBits(data)` big-endian; BooleanSerializer writes `{1}` / `{0}` and
 * BooleanDeserializer throws unless it gets exactly one byte that is 0 or 1; ListSerializer writes
 * `writeByte(strategy.ordinal())` (CONSTANT_SIZE = 0 for Short/Integer/Float/Long/Double/UUID inner
 * serializers, VARIABLE_SIZE = 1 otherwise), then for CONSTANT_SIZE the null-index list
 * (`writeInt(count)` and `writeInt(index)` each), then `writeInt(list size)`, then each entry: for
 * VARIABLE_SIZE `writeInt(bytes.length)` (or `writeInt(-1)`, NULL_ENTRY_VALUE, for null) before the
 * bytes; for CONSTANT_SIZE only the bytes, nothing for a null. Every int is 4 bytes big-endian.
 * No JVM was run for these: they are derived from the code, byte by byte.
 */
const TOPIC = 'topic';
const hex = (h: string): Buffer => Buffer.from(h.replace(/ /g, ''), 'hex');
const toHex = (b: Buffer | null): string | null => (b === null ? null : b.toString('hex'));

function roundTrip<T>(serde: Serde<T>, value: T): T | null {
  return serde.deserialize(TOPIC, serde.serialize(TOPIC, value));
}

describe('new Serdes: null is a tombstone both ways', () => {
  const all = [
    ['Short', Serdes.Short()], ['Float', Serdes.Float()], ['Boolean', Serdes.Boolean()],
    ['Bytes', Serdes.Bytes()], ['ByteBuffer', Serdes.ByteBuffer()],
    ['ListSerde(Integer)', Serdes.ListSerde(Serdes.Integer())], ['ListSerde(String)', Serdes.ListSerde(Serdes.String())],
  ] as Array<[string, Serde<unknown>]>;
  for (const [name, serde] of all) {
    it(`${name}: serialize(null) and deserialize(null) are null`, () => {
      expect(serde.serialize(TOPIC, null)).toBeNull();
      expect(serde.deserialize(TOPIC, null)).toBeNull();
    });
  }
});

describe('Serdes.Short()', () => {
  const serde = Serdes.Short();
  it('writes 2 bytes big-endian two\'s complement, as ShortSerializer', () => {
    expect(toHex(serde.serialize(TOPIC, 1234))).toBe('04d2');
    expect(toHex(serde.serialize(TOPIC, -2))).toBe('fffe');
    expect(toHex(serde.serialize(TOPIC, 32767))).toBe('7fff');
    expect(toHex(serde.serialize(TOPIC, -32768))).toBe('8000');
    expect(serde.deserialize(TOPIC, hex('8000'))).toBe(-32768);
    expect(roundTrip(serde, -1234)).toBe(-1234);
  });
  it('refuses values outside the Java short range or not integers', () => {
    expect(() => serde.serialize(TOPIC, 32768)).toThrow(RangeError);
    expect(() => serde.serialize(TOPIC, -32769)).toThrow(RangeError);
    expect(() => serde.serialize(TOPIC, 1.5)).toThrow(RangeError);
  });
  it('throws on anything but 2 bytes, as ShortDeserializer ("is not 2")', () => {
    expect(() => serde.deserialize(TOPIC, hex('000102'))).toThrow(DeserializationException);
    expect(() => serde.deserialize(TOPIC, hex('01'))).toThrow(/exactly 2 bytes, but got 1 byte \(0x01\)/);
  });
});

describe('Serdes.Float()', () => {
  const serde = Serdes.Float();
  it('writes IEEE-754 single precision, 4 bytes big-endian, as FloatSerializer', () => {
    expect(toHex(serde.serialize(TOPIC, 1.5))).toBe('3fc00000');
    expect(toHex(serde.serialize(TOPIC, -2))).toBe('c0000000');
    expect(toHex(serde.serialize(TOPIC, 0.1))).toBe('3dcccccd');
    expect(toHex(serde.serialize(TOPIC, -0))).toBe('80000000');
    expect(toHex(serde.serialize(TOPIC, Number.NaN))).toBe('7fc00000');
    expect(toHex(serde.serialize(TOPIC, Number.POSITIVE_INFINITY))).toBe('7f800000');
  });
  it('rounds to float32: 0.1 comes back as Math.fround(0.1)', () => {
    expect(roundTrip(serde, 0.1)).toBe(Math.fround(0.1));
    expect(roundTrip(serde, 0.1)).not.toBe(0.1);
    expect(roundTrip(serde, 1.5)).toBe(1.5);
  });
  it('throws on anything but 4 bytes, as FloatDeserializer', () => {
    expect(() => serde.deserialize(TOPIC, hex('3fc000'))).toThrow(DeserializationException);
    expect(() => serde.deserialize(TOPIC, hex('3fc0000000'))).toThrow(/exactly 4 bytes/);
  });
  it('refuses non-numbers', () => {
    expect(() => serde.serialize(TOPIC, '1' as unknown as number)).toThrow(TypeError);
  });
});

describe('Serdes.Boolean()', () => {
  const serde = Serdes.Boolean();
  it('writes one byte, 1 or 0, as BooleanSerializer', () => {
    expect(toHex(serde.serialize(TOPIC, true))).toBe('01');
    expect(toHex(serde.serialize(TOPIC, false))).toBe('00');
    expect(serde.deserialize(TOPIC, hex('01'))).toBe(true);
    expect(serde.deserialize(TOPIC, hex('00'))).toBe(false);
  });
  it('throws on other sizes and other bytes, as BooleanDeserializer', () => {
    expect(() => serde.deserialize(TOPIC, hex(''))).toThrow(/exactly 1 byte/);
    expect(() => serde.deserialize(TOPIC, hex('0100'))).toThrow(DeserializationException);
    expect(() => serde.deserialize(TOPIC, hex('02'))).toThrow(/0x02/);
    expect(() => serde.deserialize(TOPIC, hex('ff'))).toThrow(DeserializationException);
  });
  it('refuses non-booleans', () => {
    expect(() => serde.serialize(TOPIC, 1 as unknown as boolean)).toThrow(TypeError);
  });
});

describe('Serdes.Bytes() and Serdes.ByteBuffer()', () => {
  for (const [name, serde] of [['Bytes', Serdes.Bytes()], ['ByteBuffer', Serdes.ByteBuffer()]] as const) {
    it(`${name}: the bytes unchanged, as ByteArray`, () => {
      expect(toHex(serde.serialize(TOPIC, hex('00ff10')))).toBe('00ff10');
      expect(toHex(serde.deserialize(TOPIC, hex('00ff10')))).toBe('00ff10');
      expect(toHex(serde.serialize(TOPIC, hex('')))).toBe('');
    });
  }
});

describe('Serdes.ListSerde()', () => {
  it('CONSTANT_SIZE for Integer: flag 0, null-index list, size, bare 4-byte entries', () => {
    const serde = Serdes.ListSerde(Serdes.Integer());
    const bytes = '00' + '00000001' + '00000001' + '00000003' + '00000001' + '00000003';
    expect(toHex(serde.serialize(TOPIC, [1, null, 3]))).toBe(bytes);
    expect(serde.deserialize(TOPIC, hex(bytes))).toEqual([1, null, 3]);
    expect(toHex(serde.serialize(TOPIC, [-1, 256]))).toBe('00' + '00000000' + '00000002' + 'ffffffff' + '00000100');
  });
  it('CONSTANT_SIZE for Short, Float, Long, LongBigInt, Double and UUID', () => {
    expect(toHex(Serdes.ListSerde(Serdes.Short()).serialize(TOPIC, [1, 2]))).toBe('00' + '00000000' + '00000002' + '0001' + '0002');
    expect(toHex(Serdes.ListSerde(Serdes.Float()).serialize(TOPIC, [1.5]))).toBe('00' + '00000000' + '00000001' + '3fc00000');
    expect(toHex(Serdes.ListSerde(Serdes.Long()).serialize(TOPIC, [null, 7]))).toBe('00' + '00000001' + '00000000' + '00000002' + '0000000000000007');
    expect(Serdes.ListSerde(Serdes.LongBigInt()).deserialize(TOPIC, hex('00' + '00000000' + '00000001' + 'ffffffffffffffff'))).toEqual([-1n]);
    expect(toHex(Serdes.ListSerde(Serdes.Double()).serialize(TOPIC, [1]))).toBe('00' + '00000000' + '00000001' + '3ff0000000000000');
    const uuid = '123e4567-e89b-12d3-a456-426614174000';
    const uuidBytes = Buffer.from(uuid).toString('hex');
    expect(toHex(Serdes.ListSerde(Serdes.UUID()).serialize(TOPIC, [uuid]))).toBe('00' + '00000000' + '00000001' + uuidBytes);
    expect(roundTrip(Serdes.ListSerde(Serdes.UUID()), [uuid, null])).toEqual([uuid, null]);
  });
  it('VARIABLE_SIZE for String: flag 1, size, then length-prefixed entries, -1 for null', () => {
    const serde = Serdes.ListSerde(Serdes.String());
    const bytes = '01' + '00000003' + '00000001' + '61' + 'ffffffff' + '00000002' + '6263';
    expect(toHex(serde.serialize(TOPIC, ['a', null, 'bc']))).toBe(bytes);
    expect(serde.deserialize(TOPIC, hex(bytes))).toEqual(['a', null, 'bc']);
    expect(toHex(serde.serialize(TOPIC, ['']))).toBe('01' + '00000001' + '00000000');
    expect(serde.deserialize(TOPIC, hex('01' + '00000001' + '00000000'))).toEqual(['']);
  });
  it('VARIABLE_SIZE for any other serde (Json, ByteArray, a nested ListSerde)', () => {
    expect(toHex(Serdes.ListSerde(Serdes.Json<{ a: number }>()).serialize(TOPIC, [{ a: 1 }]))).toBe('01' + '00000001' + '00000007' + Buffer.from('{"a":1}').toString('hex'));
    const nested = Serdes.ListSerde(Serdes.ListSerde(Serdes.Integer()));
    expect(toHex(nested.serialize(TOPIC, [[5]]))).toBe('01' + '00000001' + '0000000d' + '00' + '00000000' + '00000001' + '00000005');
    expect(roundTrip(nested, [[5], [], null])).toEqual([[5], [], null]);
  });
  it('VARIABLE_SIZE for Boolean, which is not in Java\'s FIXED_LENGTH_SERIALIZERS', () => {
    const serde = Serdes.ListSerde(Serdes.Boolean());
    expect(toHex(serde.serialize(TOPIC, [true, null, false]))).toBe('01' + '00000003' + '00000001' + '01' + 'ffffffff' + '00000001' + '00');
    expect(roundTrip(serde, [true, null, false])).toEqual([true, null, false]);
  });
  it('an empty list is not null', () => {
    expect(toHex(Serdes.ListSerde(Serdes.Integer()).serialize(TOPIC, []))).toBe('00' + '00000000' + '00000000');
    expect(toHex(Serdes.ListSerde(Serdes.String()).serialize(TOPIC, []))).toBe('01' + '00000000');
    expect(Serdes.ListSerde(Serdes.String()).deserialize(TOPIC, hex('0100000000'))).toEqual([]);
  });
  it('reads either strategy whatever the inner serde, as ListDeserializer reads the flag from the data', () => {
    // A VARIABLE_SIZE payload of Integers (Java writes none, but the flag says how to read it).
    expect(Serdes.ListSerde(Serdes.Integer()).deserialize(TOPIC, hex('01' + '00000001' + '00000004' + '0000002a'))).toEqual([42]);
  });
  it('throws as ListDeserializer on corrupt data', () => {
    const ints = Serdes.ListSerde(Serdes.Integer());
    const strings = Serdes.ListSerde(Serdes.String());
    // No flag at all.
    expect(() => strings.deserialize(TOPIC, hex(''))).toThrow(DeserializationException);
    // Flag out of range: "Invalid serialization strategy flag value".
    expect(() => strings.deserialize(TOPIC, hex('02' + '00000000'))).toThrow(/strategy flag/);
    // CONSTANT_SIZE data for an inner serde of no known fixed size.
    expect(() => strings.deserialize(TOPIC, hex('00' + '00000000' + '00000000'))).toThrow(/fixed-size/);
    // Negative list size, negative entry size below -1, sizes larger than the payload.
    expect(() => strings.deserialize(TOPIC, hex('01' + 'ffffffff'))).toThrow(/negative/);
    expect(() => strings.deserialize(TOPIC, hex('01' + '00000001' + 'fffffffe'))).toThrow(/negative size/);
    expect(() => strings.deserialize(TOPIC, hex('01' + '000000ff'))).toThrow(/larger/);
    expect(() => ints.deserialize(TOPIC, hex('00' + 'ffffffff'))).toThrow(/negative/);
    // Truncated: an entry runs past the end ("End of the stream was reached prematurely").
    expect(() => strings.deserialize(TOPIC, hex('01' + '00000001' + '00000003' + '6162'))).toThrow(/prematurely/);
    expect(() => ints.deserialize(TOPIC, hex('00' + '00000000' + '00000002' + '00000001'))).toThrow(/prematurely/);
  });
  it('refuses to serialize an entry its inner serde turns into null', () => {
    expect(() => Serdes.ListSerde(Serdes.Void()).serialize(TOPIC, [null, null])).not.toThrow();
    const nullish = Serdes.serdeFrom<string>(() => null as unknown as Buffer, (b) => b.toString());
    expect(() => Serdes.ListSerde(nullish).serialize(TOPIC, ['x'])).toThrow(TypeError);
  });
});
