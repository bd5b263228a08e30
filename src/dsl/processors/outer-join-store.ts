import type { KeyValueStore } from '../../state/key-value-store.js';
import type { LazySerde } from '../internal/lazy-serde.js';

/** A record of a left/outer stream-stream join that has not joined (yet): Kafka's `TimestampedKeyAndJoinSide` and `LeftOrRightValue`. */
export interface NonJoinedRecord<K, V1, V2> {
  readonly key: K;
  readonly timestamp: number;
  readonly leftSide: boolean;
  readonly leftValue: V1 | null;
  readonly rightValue: V2 | null;
  /** The store key the record is kept under (several records may share one). */
  readonly storeKey: Buffer;
}

const VARIABLE_SIZE = 1;

/**
 * The shared store of a left/outer stream-stream join's records that have not joined (Kafka's
 * `ListValueStore` of `TimestampedKeyAndJoinSide` → `LeftOrRightValue`, SEMANTICS §9.3), over a
 * byte key-value store, in Kafka's byte layouts:
 *
 * - key: `timestamp (int64 big-endian) ‖ side (1 left, 0 right) ‖ key bytes`, so a scan visits
 *   records by timestamp, right before left, then key;
 * - value: a list (`ListSerde` of byte arrays: `0x01 ‖ int32 count ‖ (int32 length ‖ bytes)*`)
 *   of `side ‖ value bytes`, as several records can share a timestamp and key.
 */
export class OuterJoinStore<K, V1, V2> {
  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    private readonly keySerde: LazySerde<K>,
    private readonly leftSerde: LazySerde<V1>,
    private readonly rightSerde: LazySerde<V2>,
    private readonly topic: () => string,
  ) {}

  storeKey(key: K, timestamp: number, leftSide: boolean): Buffer {
    const head = Buffer.allocUnsafe(9);
    head.writeBigInt64BE(BigInt(timestamp), 0);
    head.writeUInt8(leftSide ? 1 : 0, 8);
    return Buffer.concat([head, this.keySerde.bytes(this.topic(), key)]);
  }

  /** Adds a record under its (timestamp, side, key) (`ListValueStore.put`: appends). */
  async add(key: K, timestamp: number, leftSide: boolean, value: V1 | V2): Promise<void> {
    const storeKey = this.storeKey(key, timestamp, leftSide);
    const raw = leftSide ? this.leftSerde.bytes(this.topic(), value as V1) : this.rightSerde.bytes(this.topic(), value as V2);
    const entry = Buffer.concat([Buffer.of(leftSide ? 1 : 0), raw]);
    const existing = await this.store.get(storeKey);
    await this.store.put(storeKey, encodeList([...(existing === undefined ? [] : decodeList(existing)), entry]));
  }

  /** Forgets every record kept under this key (a record of the other side joined them). */
  async remove(storeKey: Buffer): Promise<void> {
    if ((await this.store.get(storeKey)) !== undefined) await this.store.delete(storeKey);
  }

  /** Every record kept, in store key order (then the order they were added). */
  async *records(): AsyncGenerator<NonJoinedRecord<K, V1, V2>> {
    const topic = this.topic();
    for await (const { key: storeKey, value } of this.store.all()) {
      const timestamp = Number(storeKey.readBigInt64BE(0));
      const leftSide = storeKey[8] === 1;
      const key = this.keySerde.serde.deserialize(topic, storeKey.subarray(9)) as K;
      for (const entry of decodeList(value)) {
        const raw = entry.subarray(1);
        const isLeft = entry[0] === 1;
        yield {
          key,
          timestamp,
          leftSide,
          leftValue: isLeft ? (this.leftSerde.serde.deserialize(topic, raw) as V1) : null,
          rightValue: isLeft ? null : (this.rightSerde.serde.deserialize(topic, raw) as V2),
          storeKey,
        };
      }
    }
  }

  delete(storeKey: Buffer): Promise<Buffer | undefined> {
    return this.store.delete(storeKey);
  }
}

function encodeList(entries: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.of(VARIABLE_SIZE)];
  const count = Buffer.allocUnsafe(4);
  count.writeInt32BE(entries.length, 0);
  parts.push(count);
  for (const entry of entries) {
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(entry.length, 0);
    parts.push(length, entry);
  }
  return Buffer.concat(parts);
}

function decodeList(bytes: Buffer): Buffer[] {
  const count = bytes.readInt32BE(1);
  const entries: Buffer[] = [];
  let offset = 5;
  for (let i = 0; i < count; i++) {
    const length = bytes.readInt32BE(offset);
    entries.push(bytes.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return entries;
}
