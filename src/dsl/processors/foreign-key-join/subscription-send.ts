import type { Processor } from '../../../processor/processor.js';
import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Record } from '../../../processor/record.js';
import type { ForeignKeyExtractor } from '../../functions.js';
import type { Change } from '../../internal/change.js';
import { warnDropped } from '../dropped-records.js';
import { forwardAll } from '../forward-all.js';
import type { ForeignKeyJoinSpec } from './foreign-key-join-spec.js';
import { murmur3Hash128 } from './murmur3.js';
import { Instruction, type SubscriptionWrapper } from './subscription-wrapper.js';

/**
 * The primary table's side of a foreign-key join (Kafka's `SubscriptionSendProcessorSupplier`):
 * each update of a row becomes subscription instructions keyed by foreign key — subscribe to the
 * new foreign key, unsubscribe from the old one when it changed — carrying the hash of the row's
 * new value, so a response computed for an older value can be recognized and dropped.
 */
export class SubscriptionSendProcessor<K, V, KO> implements Processor<K, Change<V>, KO | null, SubscriptionWrapper<K>> {
  #context!: ProcessorContext<KO | null, SubscriptionWrapper<K>>;

  constructor(
    private readonly spec: ForeignKeyJoinSpec<K, V, KO, unknown>,
    private readonly extractor: ForeignKeyExtractor<K, V, KO>,
    private readonly leftJoin: boolean,
  ) {}

  init(context: ProcessorContext<KO | null, SubscriptionWrapper<K>>): void {
    this.#context = context;
    this.spec.prepare(context);
  }

  process(record: Record<K, Change<V>>): void | Promise<void> {
    const { newValue, oldValue } = record.value;
    const out: [KO | null, Instruction][] = [];
    const newKey = newValue === null ? null : this.#extract(record.key, newValue);
    if (oldValue !== null) {
      const oldKey = this.#extract(record.key, oldValue);
      if (this.leftJoin) {
        if (oldKey !== null && !this.#sameKey(newKey, oldKey)) out.push([oldKey, Instruction.DELETE_KEY_NO_PROPAGATE]);
        out.push([newKey, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]);
      } else if (oldKey === null && newKey === null) {
        warnDropped(this.#context, 'null foreign key', 'foreign-key join');
      } else if (oldKey === null) {
        out.push([newKey, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]);
      } else if (newKey === null) {
        out.push([oldKey, Instruction.DELETE_KEY_AND_PROPAGATE]);
      } else if (!this.#sameKey(newKey, oldKey)) {
        out.push([oldKey, Instruction.DELETE_KEY_NO_PROPAGATE], [newKey, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]);
      } else {
        out.push([newKey, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]);
      }
    } else if (newValue !== null) {
      if (this.leftJoin) out.push([newKey, Instruction.PROPAGATE_NULL_IF_NO_FK_VAL_AVAILABLE]);
      else if (newKey === null) warnDropped(this.#context, 'null foreign key', 'foreign-key join');
      else out.push([newKey, Instruction.PROPAGATE_ONLY_IF_FK_VAL_AVAILABLE]);
    }
    if (out.length === 0) return undefined;
    const hash = newValue === null ? null : murmur3Hash128(this.spec.valueHashInput(newValue));
    const primaryPartition = this.#context.recordMetadata()?.partition ?? -1;
    return forwardAll(this.#context, out.map(([foreignKey, instruction]) =>
      record.withKey(foreignKey).withValue<SubscriptionWrapper<K>>({ hash, instruction, primaryKey: record.key, primaryPartition })));
  }

  #extract(key: K, value: V): KO | null {
    return this.extractor(value, key) ?? null;
  }

  /** Kafka compares foreign keys by their serialized bytes. */
  #sameKey(a: KO | null, b: KO | null): boolean {
    if (a === null || b === null) return a === b;
    const topic = this.spec.pseudoTopic('-fk');
    return this.spec.foreignKey.bytes(topic, a).equals(this.spec.foreignKey.bytes(topic, b));
  }
}
