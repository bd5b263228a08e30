import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import type { Serde } from '../serde/serde.js';
import { validateName } from './named.js';

/**
 * How `KStream.to()` writes records: key and value serdes, a partitioner, and the sink's name.
 * Immutable: every `with*` returns a copy. A serde left out is the stream's own serde when the
 * stream still knows it (it came from `Consumed`, and no operator changed that type since),
 * otherwise `default.key.serde` / `default.value.serde` from the config, as in Kafka Streams.
 *
 * @example stream.to('counts', Produced.with(Serdes.String(), Serdes.Long()))
 */
export class Produced<K, V> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
    readonly processorName: string | undefined,
  ) {}

  /** Key and value serdes, and optionally a partitioner. */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>, partitioner?: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(keySerde, valueSerde, checkPartitioner(partitioner), undefined);
  }

  /** Only the key serde. */
  static keySerde<K, V>(keySerde: Serde<K>): Produced<K, V> {
    return new Produced<K, V>(keySerde, undefined, undefined, undefined);
  }

  /** Only the value serde. */
  static valueSerde<K, V>(valueSerde: Serde<V>): Produced<K, V> {
    return new Produced<K, V>(undefined, valueSerde, undefined, undefined);
  }

  /** Only a partitioner (return `undefined` from it to use the default partitioner for a record). */
  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced<K, V>(undefined, undefined, checkPartitioner(partitioner), undefined);
  }

  /** Only the sink's name (instead of `KSTREAM-SINK-<n>`). */
  static as<K, V>(processorName: string): Produced<K, V> {
    validateName(processorName);
    return new Produced<K, V>(undefined, undefined, undefined, processorName);
  }

  withKeySerde(keySerde: Serde<K>): Produced<K, V> {
    return new Produced(keySerde, this.valueSerde, this.partitioner, this.processorName);
  }

  withValueSerde(valueSerde: Serde<V>): Produced<K, V> {
    return new Produced(this.keySerde, valueSerde, this.partitioner, this.processorName);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Produced<K, V> {
    return new Produced(this.keySerde, this.valueSerde, checkPartitioner(partitioner), this.processorName);
  }

  /** The sink's name (instead of `KSTREAM-SINK-<n>`). */
  withName(processorName: string): Produced<K, V> {
    validateName(processorName);
    return new Produced(this.keySerde, this.valueSerde, this.partitioner, processorName);
  }
}

function checkPartitioner<K, V>(partitioner: StreamPartitioner<K, V> | undefined): StreamPartitioner<K, V> | undefined {
  if (partitioner !== undefined && typeof partitioner !== 'function') {
    throw new TypeError(`Produced: the stream partitioner must be a function (topic, key, value, numPartitions) => partition | undefined, but got: ${String(partitioner)}`);
  }
  return partitioner;
}
