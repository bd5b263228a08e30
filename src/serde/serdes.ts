import { byteArraySerde } from './byte-array-serde.js';
import { doubleSerde } from './double-serde.js';
import { integerSerde } from './integer-serde.js';
import { jsonSerde } from './json-serde.js';
import { longBigIntSerde, longSerde } from './long-serde.js';
import type { Serde } from './serde.js';
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
  /** 32-bit signed integers, 4 bytes big-endian. */
  Integer: (): Serde<number> => integerSerde(),
  /**
   * 64-bit signed integers as `number`, 8 bytes big-endian; throws outside ±(2^53 - 1).
   * @see LongBigInt for the full 64-bit range as `bigint`.
   */
  Long: (): Serde<number> => longSerde(),
  /** 64-bit signed integers as `bigint`, 8 bytes big-endian, the full Java `long` range. */
  LongBigInt: (): Serde<bigint> => longBigIntSerde(),
  /** IEEE-754 doubles, 8 bytes big-endian. */
  Double: (): Serde<number> => doubleSerde(),
  /** Any JSON-compatible value as UTF-8 JSON text; the type is trusted, not validated. */
  Json: <T>(): Serde<T> => jsonSerde<T>(),
  /** Always `null` (keys or values that carry nothing). */
  Void: (): Serde<null> => voidSerde(),
  /** UUID strings as their 36-character UTF-8 text, as Kafka's `UUIDSerializer`. */
  UUID: (): Serde<string> => uuidSerde(),
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
