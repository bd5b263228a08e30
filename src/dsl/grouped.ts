import type { Serde } from '../serde/serde.js';
import { validateName } from './named.js';

/**
 * How `groupByKey()` / `groupBy()` (of a KStream or a KTable) group records (Kafka's `Grouped`):
 * the serdes of the grouped key and value, used for the repartition topic when one is needed,
 * and a name. The name names that repartition topic (`<application.id>-<name>-repartition`, else
 * the topic is named after the aggregation's store) and, for `groupBy`, the key-selecting
 * processor. Immutable: every `with*` returns a copy.
 *
 * @example stream.groupBy((k, v) => v.userId, Grouped.with(Serdes.String(), Serdes.Json<Click>()).withName('by-user'))
 */
export class Grouped<K, V> {
  private constructor(
    readonly name: string | undefined,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** Only a name (repartition topic `<application.id>-<name>-repartition`). */
  static as<K = never, V = never>(name: string): Grouped<K, V> {
    validateName(name);
    return new Grouped<K, V>(name, undefined, undefined);
  }

  /** Key and value serdes (left out: the stream's own, else the config defaults). */
  static with<K, V>(keySerde?: Serde<K>, valueSerde?: Serde<V>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, keySerde, valueSerde);
  }

  /** Only the key serde. */
  static keySerde<K, V>(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, keySerde, undefined);
  }

  /** Only the value serde. */
  static valueSerde<K, V>(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped<K, V>(undefined, undefined, valueSerde);
  }

  withName(name: string): Grouped<K, V> {
    validateName(name);
    return new Grouped(name, this.keySerde, this.valueSerde);
  }

  withKeySerde(keySerde: Serde<K>): Grouped<K, V> {
    return new Grouped(this.name, keySerde, this.valueSerde);
  }

  withValueSerde(valueSerde: Serde<V>): Grouped<K, V> {
    return new Grouped(this.name, this.keySerde, valueSerde);
  }
}
