import { DeserializationException } from '../errors.js';
import type { Header } from '../kafka/port.js';
import { describeBytes } from './describe-bytes.js';
import type { Serde } from './serde.js';

/**
 * The first byte of a `ListSerde` payload, Kafka's `Serdes.ListSerde.SerializationStrategy` ordinal:
 * CONSTANT_SIZE (0) when the inner serde has a fixed width (Short, Integer, Float, Long, Double,
 * UUID), VARIABLE_SIZE (1) otherwise.
 */
const CONSTANT_SIZE = 0;
const VARIABLE_SIZE = 1;
/** Kafka's `ListSerde.NULL_ENTRY_VALUE`: the size written for a null entry in VARIABLE_SIZE. */
const NULL_ENTRY_VALUE = -1;
const INT_BYTES = 4;

/** The width of each built-in fixed-width serde, as Kafka's `ListDeserializer.FIXED_LENGTH_DESERIALIZERS`. */
const FIXED_SIZES = new WeakMap<object, number>();

/** Marks `serde` as one of the fixed-width built-ins, so a `ListSerde` around it uses CONSTANT_SIZE. */
export function withFixedSize<S extends Serde<unknown>>(serde: S, size: number): S {
  FIXED_SIZES.set(serde, size);
  return serde;
}

function corrupt(message: string, data: Buffer): DeserializationException {
  return new DeserializationException(`Serdes.ListSerde() cannot read ${describeBytes(data)}: ${message}`);
}

/**
 * Lists, in the byte layout of Kafka's `ListSerializer` / `ListDeserializer` (KIP-466). All ints are
 * 4 bytes big-endian. First a strategy byte; for CONSTANT_SIZE (inner serde of a fixed width) the
 * count of null entries and their indexes, then the list size and each non-null entry's bytes
 * alone; for VARIABLE_SIZE the list size, then per entry its byte length (`-1` for null) and its
 * bytes. An empty list is not null: it is the header with size 0.
 */
export function listSerde<T>(inner: Serde<T>): Serde<Array<T | null>> {
  const fixedSize = FIXED_SIZES.get(inner);
  const strategy = fixedSize === undefined ? VARIABLE_SIZE : CONSTANT_SIZE;
  return {
    serialize(topic, data, headers) {
      if (data === null || data === undefined) return null;
      if (!Array.isArray(data)) throw new TypeError(`Serdes.ListSerde() serializes arrays, but got: ${typeof data}`);
      const parts: Buffer[] = [Buffer.from([strategy])];
      if (strategy === CONSTANT_SIZE) {
        const nullIndexes = data.flatMap((entry, i) => (entry === null || entry === undefined ? [i] : []));
        parts.push(int(nullIndexes.length), ...nullIndexes.map(int));
      }
      parts.push(int(data.length));
      for (const entry of data) {
        if (entry === null || entry === undefined) {
          if (strategy === VARIABLE_SIZE) parts.push(int(NULL_ENTRY_VALUE));
          continue;
        }
        const bytes = inner.serialize(topic, entry, headers);
        if (bytes === null) throw new TypeError('Serdes.ListSerde(): the inner serde serialized a non-null entry to null');
        if (strategy === VARIABLE_SIZE) parts.push(int(bytes.length));
        parts.push(bytes);
      }
      return Buffer.concat(parts);
    },
    deserialize(topic, data, headers) {
      if (data === null || data === undefined) return null;
      return readList(topic, data, inner, fixedSize, headers);
    },
  };
}

function int(value: number): Buffer {
  const out = Buffer.allocUnsafe(INT_BYTES);
  out.writeInt32BE(value, 0);
  return out;
}

function readList<T>(topic: string, data: Buffer, inner: Serde<T>, fixedSize: number | undefined, headers?: readonly Header[]): Array<T | null> {
  let offset = 0;
  const readInt = (): number => {
    if (offset + INT_BYTES > data.length) throw corrupt('end of the stream was reached prematurely', data);
    const value = data.readInt32BE(offset);
    offset += INT_BYTES;
    return value;
  };
  if (data.length < 1) throw corrupt('no serialization strategy flag', data);
  const flag = data.readInt8(0);
  offset = 1;
  if (flag !== CONSTANT_SIZE && flag !== VARIABLE_SIZE) throw corrupt(`invalid serialization strategy flag value ${flag}`, data);
  let nullIndexes: Set<number> | undefined;
  if (flag === CONSTANT_SIZE) {
    if (fixedSize === undefined) {
      throw corrupt('the data is encoded as constant-size entries, but the inner serde is not a known fixed-size serde', data);
    }
    const nulls = readInt();
    if (nulls < 0) throw corrupt('the number of null list entries cannot be negative', data);
    if (nulls > data.length / INT_BYTES) throw corrupt('the number of null list entries cannot be larger than the number of entries', data);
    nullIndexes = new Set();
    for (let i = 0; i < nulls; i++) nullIndexes.add(readInt());
  }
  const size = readInt();
  if (size < 0) throw corrupt('the number of list entries cannot be negative', data);
  if (size > data.length) throw corrupt('the number of list entries cannot be larger than the number of bytes', data);
  const list: Array<T | null> = [];
  for (let i = 0; i < size; i++) {
    let entrySize: number;
    if (flag === CONSTANT_SIZE) {
      entrySize = fixedSize!;
    } else {
      entrySize = readInt();
      if (entrySize < NULL_ENTRY_VALUE) throw corrupt('a list entry cannot have negative size', data);
      if (entrySize > data.length) throw corrupt('a list entry cannot be larger than the overall number of bytes', data);
    }
    if (entrySize === NULL_ENTRY_VALUE || nullIndexes?.has(i) === true) {
      list.push(null);
      continue;
    }
    if (offset + entrySize > data.length) throw corrupt('end of the stream was reached prematurely', data);
    list.push(inner.deserialize(topic, data.subarray(offset, offset + entrySize), headers));
    offset += entrySize;
  }
  return list;
}
