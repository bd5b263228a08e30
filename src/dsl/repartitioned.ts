import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import type { Serde } from '../serde/serde.js';
import { validateName } from './named.js';

/**
 * How `KStream.repartition()` creates its internal topic: the topic's name prefix (the topic is
 * `<application.id>-<name>-repartition`), its partition count, serdes and partitioner.
 * Immutable: every `with*` returns a copy. Without a partition count the topic gets the partition
 * count of the sub-topology's source topics (the runtime resolves it), as in Kafka Streams.
 *
 * @example stream.repartition(Repartitioned.as<string, string>('by-user').withNumberOfPartitions(6))
 */
export class Repartitioned<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    readonly numberOfPartitions: number | undefined,
    readonly partitioner: StreamPartitioner<K, V> | undefined,
  ) {}

  /** The topic-name prefix: the topic is `<application.id>-<name>-repartition`, its nodes `<name>-repartition-sink|filter|source`. */
  static as<K, V>(name: string): Repartitioned<K, V> {
    validateName(name);
    return new Repartitioned<K, V>(name, undefined, undefined, undefined, undefined);
  }

  /** Key and value serdes of the repartition topic. */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, keySerde, valueSerde, undefined, undefined);
  }

  /** A fixed partition count for the repartition topic. */
  static numberOfPartitions<K, V>(numberOfPartitions: number): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, checkPartitions(numberOfPartitions), undefined);
  }

  /** A partitioner for writing into the repartition topic. */
  static streamPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned<K, V>(undefined, undefined, undefined, undefined, checkPartitioner(partitioner));
  }

  withName(name: string): Repartitioned<K, V> {
    validateName(name);
    return new Repartitioned(name, this.keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withNumberOfPartitions(numberOfPartitions: number): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, checkPartitions(numberOfPartitions), this.partitioner);
  }

  withKeySerde(keySerde: Serde<K>): Repartitioned<K, V> {
    return new Repartitioned(this.name, keySerde, this.valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withValueSerde(valueSerde: Serde<V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, valueSerde, this.numberOfPartitions, this.partitioner);
  }

  withStreamPartitioner(partitioner: StreamPartitioner<K, V>): Repartitioned<K, V> {
    return new Repartitioned(this.name, this.keySerde, this.valueSerde, this.numberOfPartitions, checkPartitioner(partitioner));
  }
}

function checkPartitions(n: number): number {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`Repartitioned: the number of partitions must be an integer >= 1, but got: ${String(n)}`);
  }
  return n;
}

function checkPartitioner<K, V>(partitioner: StreamPartitioner<K, V>): StreamPartitioner<K, V> {
  if (typeof partitioner !== 'function') {
    throw new TypeError(`Repartitioned: the stream partitioner must be a function (topic, key, value, numPartitions) => partition | undefined, but got: ${String(partitioner)}`);
  }
  return partitioner;
}
