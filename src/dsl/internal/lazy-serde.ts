import { StreamsException } from '../../errors.js';
import type { Serde } from '../../serde/serde.js';
import { describeValue } from './arguments.js';

/**
 * A serde given when the topology is built, or else the config's default (`default.key.serde` /
 * `default.value.serde`), which only a running task knows: the processors using it (the
 * foreign-key join's, the stream-stream join's) call `useDefaultIfUnset` from `init()` (Kafka's
 * `WrappingNullableSerializer.setIfUnset`).
 */
export class LazySerde<T> implements Serde<T> {
  #serde: Serde<T> | undefined;

  /** @param operator names the operator in errors, e.g. 'A foreign-key join' */
  constructor(serde: Serde<T> | undefined, private readonly configKey: 'default.key.serde' | 'default.value.serde', private readonly operator: string) {
    this.#serde = serde;
  }

  useDefaultIfUnset(appConfigs: Readonly<{ [key: string]: unknown }>): void {
    if (this.#serde !== undefined) return;
    const fallback = appConfigs[this.configKey];
    if (typeof fallback !== 'object' || fallback === null || typeof (fallback as Serde<T>).serialize !== 'function') {
      throw new StreamsException(`${this.operator} needs a serde: give the inputs' serdes or set '${this.configKey}', but got: ${describeValue(fallback)}`, 'CONFIG');
    }
    this.#serde = fallback as Serde<T>;
  }

  get serde(): Serde<T> {
    if (this.#serde === undefined) throw new StreamsException(`${this.operator}: a serde was used before its default was set (${this.configKey})`, 'CONFIG');
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
    if (bytes === null) throw new StreamsException(`${this.operator}: a serde serialized ${describeValue(data)} to null`);
    return bytes;
  }
}
