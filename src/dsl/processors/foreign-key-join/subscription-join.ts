import type { Processor } from '../../../processor/processor.js';
import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Record } from '../../../processor/record.js';
import type { ValueAndTimestamp } from '../../../state/value-and-timestamp.js';
import type { Change } from '../../internal/change.js';
import type { KTableValueGetter } from '../../internal/value-getter.js';
import type { CombinedKey } from './combined-key-schema.js';
import type { ForeignKeyJoinSpec } from './foreign-key-join-spec.js';
import { Instruction, type SubscriptionResponseWrapper, type SubscriptionWrapper } from './subscription-wrapper.js';

/**
 * Answers a subscription with the foreign table's current value (Kafka's
 * `SubscriptionJoinProcessorSupplier`), as its instruction says, keyed by the primary key and
 * timestamped `max(subscription ts, foreign value ts)`.
 */
export class SubscriptionJoinProcessor<K, KO, VO> implements Processor<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>, K, SubscriptionResponseWrapper<VO>> {
  #context!: ProcessorContext<K, SubscriptionResponseWrapper<VO>>;

  constructor(
    private readonly spec: ForeignKeyJoinSpec<K, unknown, KO, VO>,
    private readonly foreignValues: KTableValueGetter<KO, VO>,
  ) {}

  init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.#context = context;
    this.spec.prepare(context);
    this.foreignValues.init(context);
  }

  async process(record: Record<CombinedKey<KO | null, K>, Change<ValueAndTimestamp<SubscriptionWrapper<K>>>>): Promise<void> {
    const received = record.value.newValue;
    if (received === null) throw new Error('A foreign-key join subscription arrived without a value');
    const { hash, instruction, primaryPartition } = received.value;
    const foreignKey = record.key.foreignKey;
    const foreign = foreignKey === null ? null : await this.foreignValues.get(foreignKey);
    const timestamp = foreign === null ? received.timestamp : Math.max(received.timestamp, foreign.timestamp);
    let foreignValue: VO | null;
    switch (instruction) {
      case Instruction.DELETE_KEY_AND_PROPAGATE:
        foreignValue = null;
        break;
      case Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE:
        foreignValue = foreign === null ? null : foreign.value;
        break;
      case Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE:
        if (foreign === null) return;
        foreignValue = foreign.value;
        break;
      case Instruction.DELETE_KEY_NO_PROPAGATE:
        return;
    }
    const response: SubscriptionResponseWrapper<VO> = { originalValueHash: hash, foreignValue, primaryPartition };
    await this.#context.forward(record.withKey(record.key.primaryKey).withValue(response).withTimestamp(timestamp));
  }
}
