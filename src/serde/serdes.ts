import { booleanSerde } from './boolean-serde.js';
import { byteArraySerde } from './byte-array-serde.js';
import { doubleSerde } from './double-serde.js';
import { floatSerde } from './float-serde.js';
import { integerSerde } from './integer-serde.js';
import { jsonSerde } from './json-serde.js';
import { listSerde, withFixedSize } from './list-serde.js';
import { longBigIntSerde, longSerde } from './long-serde.js';
import type { Serde } from './serde.js';
import { shortSerde } from './short-serde.js';
import { stringSerde } from './string-serde.js';
import { uuidSerde } from './uuid-serde.js';
import { voidSerde } from './void-serde.js';

/**
 * The built-in serdes, named as Kafka's `Serdes` factory methods. Every one writes the bytes the
 * Java serde of the same name writes, so kstreams and Java clients share topics and stores.
 * `null` passes through both ways as a tombstone. Reading bytes of the wrong shape throws a
 * `DeserializationException` that states what was expected and shows what was received.
 *
 * @example
 * const streams = new KafkaStreams(topology, {
 *   'application.id': 'counts', 'bootstrap.servers': 'localhost:9092',
 *   'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.Long(),
 * });
 */
export const Serdes = {
  /** UTF-8 strings. */
  String: (): Serde<string> => stringSerde(),
  /** Raw bytes as a `Buffer`, unchanged. */
  ByteArray: (): Serde<Buffer> => byteArraySerde(),
  /**
   * Kafka's `Serdes.Bytes()`. Java wraps the bytes in its `Bytes` class (for `equals`/`hashCode`);
   * here they are a plain `Buffer`, exactly as {@link ByteArray}: same bytes, same serde.
   */
  Bytes: (): Serde<Buffer> => byteArraySerde(),
  /**
   * Kafka's `Serdes.ByteBuffer()`. Java hands out a `java.nio.ByteBuffer`; here it is a `Buffer`,
   * exactly as {@link ByteArray}: same bytes, same serde.
   */
  ByteBuffer: (): Serde<Buffer> => byteArraySerde(),
  /** 16-bit signed integers, 2 bytes big-endian; throws outside [-32768, 32767]. */
  Short: (): Serde<number> => withFixedSize(shortSerde(), 2),
  /** 32-bit signed integers, 4 bytes big-endian. */
  Integer: (): Serde<number> => withFixedSize(integerSerde(), 4),
  /**
   * 64-bit signed integers as `number`, 8 bytes big-endian; throws outside ±(2^53 - 1).
   * @see LongBigInt for the full 64-bit range as `bigint`.
   */
  Long: (): Serde<number> => withFixedSize(longSerde(), 8),
  /** 64-bit signed integers as `bigint`, 8 bytes big-endian, the full Java `long` range. */
  LongBigInt: (): Serde<bigint> => withFixedSize(longBigIntSerde(), 8),
  /** IEEE-754 doubles, 8 bytes big-endian. */
  Double: (): Serde<number> => withFixedSize(doubleSerde(), 8),
  /**
   * IEEE-754 single precision, 4 bytes big-endian, as Java's `float`. Serializing rounds the
   * number to float32, so `0.1` reads back as `Math.fround(0.1)` (0.10000000149011612).
   */
  Float: (): Serde<number> => withFixedSize(floatSerde(), 4),
  /** Booleans as one byte, `0x01` / `0x00`; reading any other byte or size throws, as Java's. */
  Boolean: (): Serde<boolean> => booleanSerde(),
  /** Any JSON-compatible value as UTF-8 JSON text; the type is trusted, not validated. */
  Json: <T>(): Serde<T> => jsonSerde<T>(),
  /** Always `null` (keys or values that carry nothing). */
  Void: (): Serde<null> => voidSerde(),
  /** UUID strings as their 36-character UTF-8 text, as Kafka's `UUIDSerializer`. */
  UUID: (): Serde<string> => withFixedSize(uuidSerde(), 36),
  /**
   * Lists of `inner`'s type, byte-compatible with Kafka's `Serdes.ListSerde` (KIP-466). A list of
   * fixed-width built-ins (Short, Integer, Float, Long, LongBigInt, Double, UUID) is written as
   * CONSTANT_SIZE (a list of the null entries' indexes, then the bare entries); any other inner
   * serde as VARIABLE_SIZE (each entry prefixed by its length, `-1` for null). Entries may be `null`.
   * Java's list-class argument has no counterpart: the result is always an array.
   * @example Serdes.ListSerde(Serdes.String()).serialize('t', ['a', null]) // 01 00000002 00000001 61 ffffffff
   */
  ListSerde: <T>(inner: Serde<T>): Serde<Array<T | null>> => listSerde(inner),
  /**
   * A serde from two functions, for custom types. The functions never see `null`: it passes
   * through as a tombstone before they are called.
   * @example Serdes.serdeFrom((p: Point) => Buffer.from(`${p.x},${p.y}`), (b) => parsePoint(b.toString()))
   */
  serdeFrom: <T>(serialize: (data: T, topic: string) => Buffer, deserialize: (data: Buffer, topic: string) => T): Serde<T> => ({
    serialize: (topic, data) => (data === null || data === undefined ? null : serialize(data, topic)),
    deserialize: (topic, data) => (data === null || data === undefined ? null : deserialize(data, topic)),
  }),
} as const;
