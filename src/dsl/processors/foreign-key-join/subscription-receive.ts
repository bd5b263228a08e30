import type { Processor } from '../../../processor/processor.js';
import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Record } from '../../../processor/record.js';
import type { TimestampedKeyValueStore } from '../../../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../../state/value-and-timestamp.js';
import { change, type Change } from '../../internal/change.js';
import { warnDropped } from '../dropped-records.js';
import type { CombinedKey } from './combined-key-schema.js';
import type { ForeignKeyJoinSpec } from './foreign-key-join-spec.js';
import { Instruction, type SubscriptionWrapper } from './subscription-wrapper.js';

/**
 * Receives subscriptions on the foreign table's side (Kafka's `SubscriptionReceiveProcessorSupplier`):
 * keeps each (foreign key, primary key) subscription in the subscription store, drops it on an
 * unsubscribe, and passes the subscription on to be answered.
 */
export class SubscriptionReceiveProcessor<K, KO> implements Processor<KO | null, SubscriptionWrapper<K>, CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>> {
  #context!: ProcessorContext<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>;
  #store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>;

  constructor(
    private readonly spec: ForeignKeyJoinSpec<K, unknown, KO, unknown>,
    private readonly storeName: string,
  ) {}

  init(context: ProcessorContext<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>): void {
    this.#context = context;
    this.spec.prepare(context);
    this.#store = context.getStateStore<TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>>(this.storeName);
  }

  async process(record: Record<KO | null, SubscriptionWrapper<K>>): Promise<void> {
    const subscription = record.value;
    const foreignKey = record.key;
    const current = ValueAndTimestamp.makeAllowNullable(subscription, record.timestamp);
    let update: Change<ValueAndTimestamp<SubscriptionWrapper<K>>>;
    if (foreignKey === null || foreignKey === undefined) {
      // A left join's row without a foreign key: answered (with null) but never stored.
      if (subscription.instruction !== Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE) {
        warnDropped(this.#context, 'null foreign key', 'foreign-key join');
        return;
      }
      update = change(current);
    } else {
      const key = this.spec.keySchema.toBytes(foreignKey, subscription.primaryKey);
      const old = await this.#store.get(key);
      const unsubscribe = subscription.instruction === Instruction.DELETE_KEY_AND_PROPAGATE || subscription.instruction === Instruction.DELETE_KEY_NO_PROPAGATE;
      if (unsubscribe) await this.#store.delete(key);
      else await this.#store.put(key, current);
      update = change(current, old ?? null);
    }
    await this.#context.forward(record.withKey({ foreignKey: foreignKey ?? null, primaryKey: subscription.primaryKey }).withValue(update));
  }
}
