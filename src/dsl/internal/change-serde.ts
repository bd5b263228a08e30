import { StreamsException } from '../../errors.js';
import type { Serde } from '../../serde/serde.js';
import { describeValue } from './arguments.js';
import type { Change } from './change.js';

/**
 * The serde of the `Change`s `KTable.groupBy` sends through its repartition topic, in Kafka's
 * byte layout (`ChangedSerializer` / `ChangedDeserializer`), so the topic reads the same as one
 * Kafka Streams wrote: `old ‖ 0`, `new ‖ 1`, or `zigzag-varint(len(new)) ‖ new ‖ old ‖ 2` (flags
 * 3–5 add an "is latest" byte before the flag; read, never written).
 *
 * Without a value serde of its own, it uses `default.value.serde`, which only the running task
 * knows: the processors on both sides of the topic call `useDefaultIfUnset` from `init()` before
 * any record passes (Kafka's `WrappingNullableSerializer.setIfUnset`).
 */
export class ChangeSerde<V> implements Serde<Change<V>> {
  #inner: Serde<V> | undefined;

  constructor(inner: Serde<V> | undefined) {
    this.#inner = inner;
  }

  /** @param fallback the config's `default.value.serde` */
  useDefaultIfUnset(fallback: unknown): void {
    if (this.#inner !== undefined) return;
    if (typeof fallback !== 'object' || fallback === null || typeof (fallback as Serde<V>).serialize !== 'function') {
      throw new StreamsException(`No value serde for a KTable groupBy repartition topic: pass one with Grouped.with(keySerde, valueSerde) or set 'default.value.serde', but got: ${describeValue(fallback)}`, 'CONFIG');
    }
    this.#inner = fallback as Serde<V>;
  }

  serialize(topic: string, data: Change<V> | null, headers?: Parameters<Serde<V>['serialize']>[2]): Buffer | null {
    if (data === null) return null;
    const inner = this.#requireInner();
    const newBytes = data.newValue === null ? null : inner.serialize(topic, data.newValue, headers);
    const oldBytes = data.oldValue === null ? null : inner.serialize(topic, data.oldValue, headers);
    if (newBytes !== null && oldBytes !== null) {
      return Buffer.concat([zigzagVarint(newBytes.length), newBytes, oldBytes, Buffer.of(2)]);
    }
    if (newBytes !== null) return Buffer.concat([newBytes, Buffer.of(1)]);
    if (oldBytes !== null) return Buffer.concat([oldBytes, Buffer.of(0)]);
    throw new StreamsException('Both old and new values are null in ChangeSerializer, which is not allowed.');
  }

  deserialize(topic: string, data: Buffer | null, headers?: Parameters<Serde<V>['deserialize']>[2]): Change<V> | null {
    if (data === null) return null;
    const inner = this.#requireInner();
    const flag = data[data.length - 1];
    const latestByte = flag !== undefined && flag >= 3 ? 1 : 0;
    const end = data.length - 1 - latestByte;
    let newBytes: Buffer | null = null;
    let oldBytes: Buffer | null = null;
    switch (flag) {
      case 0:
      case 3:
        oldBytes = data.subarray(0, end);
        break;
      case 1:
      case 4:
        newBytes = data.subarray(0, end);
        break;
      case 2:
      case 5: {
        const [length, start] = readZigzagVarint(data);
        newBytes = data.subarray(start, start + length);
        oldBytes = data.subarray(start + length, end);
        break;
      }
      default:
        throw new StreamsException(`Encountered unknown byte value \`${String(flag)}\` for encodingFlag in ChangedDeserializer.`, 'DESERIALIZATION');
    }
    return {
      newValue: newBytes === null ? null : inner.deserialize(topic, newBytes, headers),
      oldValue: oldBytes === null ? null : inner.deserialize(topic, oldBytes, headers),
    };
  }

  #requireInner(): Serde<V> {
    if (this.#inner === undefined) throw new StreamsException('ChangeSerde used before its value serde was set (useDefaultIfUnset)', 'CONFIG');
    return this.#inner;
  }
}

/** Kafka's `ByteUtils.writeVarint`: zigzag, then 7 bits per byte, low first. */
function zigzagVarint(value: number): Buffer {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  const bytes: number[] = [];
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** @returns the value and the offset of the first byte after it */
function readZigzagVarint(data: Buffer): [number, number] {
  let raw = 0;
  let shift = 0;
  let i = 0;
  for (;;) {
    const byte = data[i++];
    if (byte === undefined || shift > 28) throw new StreamsException('Malformed varint in a Change', 'DESERIALIZATION');
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  return [(raw >>> 1) ^ -(raw & 1), i];
}
