import { TIMESTAMP_BYTES } from '../state/value-and-timestamp.js';
import type { QueryableStoreInfo } from './query-host.js';

/** Reads and writes a store's keys and values with its serdes, as the views and the router need. */
export class StoreCodec<K, V> {
  readonly #info: QueryableStoreInfo;

  constructor(info: QueryableStoreInfo) {
    this.#info = info;
  }

  get info(): QueryableStoreInfo {
    return this.#info;
  }

  /** @throws TypeError when the key serde gives no bytes (a null key). */
  keyBytes(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#info.keySerde.serialize(this.#info.serdeTopic, key);
    if (bytes === null) throw new TypeError(`Store ${this.#info.name}: keys cannot be null or undefined, but got: ${String(key)}`);
    return bytes;
  }

  bound(key: K | undefined): Buffer | undefined {
    return key === undefined || key === null ? undefined : this.keyBytes(key);
  }

  key(bytes: Buffer): K {
    return this.#info.keySerde.deserialize(this.#info.serdeTopic, bytes) as K;
  }

  /** The plain value of stored bytes (a timestamped store's bytes without their timestamp). */
  value(bytes: Buffer): V {
    const plain = this.#info.timestamped ? bytes.subarray(TIMESTAMP_BYTES) : bytes;
    return this.#info.valueSerde.deserialize(this.#info.serdeTopic, plain) as V;
  }

  /** The update timestamp of a timestamped store's bytes, else undefined. */
  timestamp(bytes: Buffer): number | undefined {
    return this.#info.timestamped && bytes.length >= TIMESTAMP_BYTES ? Number(bytes.readBigInt64BE(0)) : undefined;
  }
}
