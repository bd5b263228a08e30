import { StreamsException } from '../../../errors.js';
import type { Serde } from '../../../serde/serde.js';
import { describeValue } from '../../internal/arguments.js';

/**
 * A serde given when the topology is built, or else the config's default (`default.key.serde` /
 * `default.value.serde`), which only a running task knows: the foreign-key join's processors call
 * `useDefaultIfUnset` from `init()` (Kafka's `WrappingNullableSerializer.setIfUnset`).
 */
export class LazySerde<T> implements Serde<T> {
  #serde: Serde<T> | undefined;

  constructor(serde: Serde<T> | undefined, private readonly configKey: 'default.key.serde' | 'default.value.serde') {
    this.#serde = serde;
  }

  useDefaultIfUnset(appConfigs: Readonly<{ [key: string]: unknown }>): void {
    if (this.#serde !== undefined) return;
    const fallback = appConfigs[this.configKey];
    if (typeof fallback !== 'object' || fallback === null || typeof (fallback as Serde<T>).serialize !== 'function') {
      throw new StreamsException(`A foreign-key join needs a serde: give the tables' serdes (Consumed/Materialized) or set '${this.configKey}', but got: ${describeValue(fallback)}`, 'CONFIG');
    }
    this.#serde = fallback as Serde<T>;
  }

  get serde(): Serde<T> {
    if (this.#serde === undefined) throw new StreamsException(`A foreign-key join serde was used before its default was set (${this.configKey})`, 'CONFIG');
    return this.#serde;
  }

  serialize(topic: string, data: T | null, headers?: Parameters<Serde<T>['serialize']>[2]): Buffer | null {
    return this.serde.serialize(topic, data, headers);
  }

  deserialize(topic: string, data: Buffer | null, headers?: Parameters<Serde<T>['deserialize']>[2]): T | null {
    return this.serde.deserialize(topic, data, headers);
  }

  /** Serializes a value that must not be null (keys, values being hashed). */
  bytes(topic: string, data: T): Buffer {
    const bytes = this.serde.serialize(topic, data);
    if (bytes === null) throw new StreamsException(`A foreign-key join serde serialized ${describeValue(data)} to null`);
    return bytes;
  }
}
