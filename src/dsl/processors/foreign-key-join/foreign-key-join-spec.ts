import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Serde } from '../../../serde/serde.js';
import { CombinedKeySchema } from './combined-key-schema.js';
import { LazySerde } from '../../internal/lazy-serde.js';
import { SubscriptionResponseWrapperSerde, SubscriptionWrapperSerde } from './subscription-wrapper.js';

const FK_JOIN = 'A foreign-key join';

/**
 * What the processors of one foreign-key join share: the serdes of both tables' keys and values
 * (the config defaults where the tables do not know theirs), the wire formats built on them, and
 * the pseudo-topic names Kafka serializes keys and hashed values with
 * (`<application.id>-<subscription topic>-pk|-fk|-vh`).
 */
export class ForeignKeyJoinSpec<K, V, KO, VO> {
  readonly primaryKey: LazySerde<K>;
  readonly primaryValue: LazySerde<V>;
  readonly foreignKey: LazySerde<KO>;
  readonly foreignValue: LazySerde<VO>;
  readonly subscriptionSerde: SubscriptionWrapperSerde<K>;
  readonly responseSerde: SubscriptionResponseWrapperSerde<VO>;
  readonly keySchema: CombinedKeySchema<KO, K>;
  #applicationId = '';

  /** @param subscriptionTopic the subscription topic's short name (without the application id) */
  constructor(
    readonly subscriptionTopic: string,
    serdes: { primaryKey?: Serde<K>; primaryValue?: Serde<V>; foreignKey?: Serde<KO>; foreignValue?: Serde<VO> },
  ) {
    this.primaryKey = new LazySerde(serdes.primaryKey, 'default.key.serde', FK_JOIN);
    this.primaryValue = new LazySerde(serdes.primaryValue, 'default.value.serde', FK_JOIN);
    this.foreignKey = new LazySerde(serdes.foreignKey, 'default.key.serde', FK_JOIN);
    this.foreignValue = new LazySerde(serdes.foreignValue, 'default.value.serde', FK_JOIN);
    this.subscriptionSerde = new SubscriptionWrapperSerde(this.primaryKey, () => this.pseudoTopic('-pk'));
    this.responseSerde = new SubscriptionResponseWrapperSerde(this.foreignValue);
    this.keySchema = new CombinedKeySchema(this.foreignKey, () => this.pseudoTopic('-fk'), this.primaryKey, () => this.pseudoTopic('-pk'));
  }

  /** Called from every join processor's `init()`: the serdes left out become the config's defaults. */
  prepare(context: ProcessorContext<unknown, unknown>): void {
    this.#applicationId = context.applicationId;
    const configs = context.appConfigs();
    for (const serde of [this.primaryKey, this.primaryValue, this.foreignKey, this.foreignValue]) serde.useDefaultIfUnset(configs);
  }

  pseudoTopic(suffix: '-pk' | '-fk' | '-vh'): string {
    return `${this.#applicationId}-${this.subscriptionTopic}${suffix}`;
  }

  /** Kafka's hash of a primary value: Murmur3 128 of its bytes, serialized for the `-vh` pseudo topic. */
  valueHashInput(value: V): Buffer {
    return this.primaryValue.bytes(this.pseudoTopic('-vh'), value);
  }
}
