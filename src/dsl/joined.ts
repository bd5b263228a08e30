import type { Serde } from '../serde/serde.js';
import { validateName } from './named.js';

/**
 * How a KStream-KTable join reads its inputs (Kafka's `Joined`): the serdes of the key, of the
 * stream's values and of the table's values, and a name. The serdes are used for the
 * repartition topic the join inserts when the stream's key changed; the name names the join's
 * processor and that topic (`<application.id>-<name>-repartition`). Immutable: every `with*`
 * returns a copy.
 *
 * @example orders.selectKey((k, o) => o.customer).join(customers, joiner, Joined.with(Serdes.String(), orderSerde, customerSerde))
 */
export class Joined<K, V, VO> {
  private constructor(
    readonly keySerde: Serde<K> | undefined,
    /** Serde of the stream's (left) values. */
    readonly valueSerde: Serde<V> | undefined,
    /** Serde of the table's (right) values. */
    readonly otherValueSerde: Serde<VO> | undefined,
    readonly name: string | undefined,
  ) {}

  /** The key serde, the stream's value serde and the table's value serde. */
  static with<K, V, VO>(keySerde?: Serde<K>, valueSerde?: Serde<V>, otherValueSerde?: Serde<VO>): Joined<K, V, VO> {
    return new Joined(keySerde, valueSerde, otherValueSerde, undefined);
  }

  /** Only a name (the join processor's, and the repartition topic prefix). */
  static as<K, V, VO>(name: string): Joined<K, V, VO> {
    validateName(name);
    return new Joined<K, V, VO>(undefined, undefined, undefined, name);
  }

  /** Only the key serde. */
  static keySerde<K, V, VO>(keySerde: Serde<K>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(keySerde, undefined, undefined, undefined);
  }

  /** Only the stream's value serde. */
  static valueSerde<K, V, VO>(valueSerde: Serde<V>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, valueSerde, undefined, undefined);
  }

  /** Only the table's value serde. */
  static otherValueSerde<K, V, VO>(otherValueSerde: Serde<VO>): Joined<K, V, VO> {
    return new Joined<K, V, VO>(undefined, undefined, otherValueSerde, undefined);
  }

  withName(name: string): Joined<K, V, VO> {
    validateName(name);
    return new Joined(this.keySerde, this.valueSerde, this.otherValueSerde, name);
  }

  withKeySerde(keySerde: Serde<K>): Joined<K, V, VO> {
    return new Joined(keySerde, this.valueSerde, this.otherValueSerde, this.name);
  }

  withValueSerde(valueSerde: Serde<V>): Joined<K, V, VO> {
    return new Joined(this.keySerde, valueSerde, this.otherValueSerde, this.name);
  }

  withOtherValueSerde(otherValueSerde: Serde<VO>): Joined<K, V, VO> {
    return new Joined(this.keySerde, this.valueSerde, otherValueSerde, this.name);
  }
}
