import type { Processor } from '../../../processor/processor.js';
import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Record } from '../../../processor/record.js';
import type { TimestampedKeyValueStore } from '../../../state/timestamped-key-value-store.js';
import type { Change } from '../../internal/change.js';
import { warnDropped } from '../dropped-records.js';
import { forwardAll } from '../forward-all.js';
import type { ForeignKeyJoinSpec } from './foreign-key-join-spec.js';
import type { SubscriptionResponseWrapper, SubscriptionWrapper } from './subscription-wrapper.js';

/**
 * The foreign table's updates (Kafka's `ForeignTableJoinProcessorSupplier`): each update of a
 * foreign key is sent to every primary key subscribed to it (a prefix scan of the subscription
 * store, in primary-key byte order), with the update's timestamp and the subscription's hash.
 */
export class ForeignTableJoinProcessor<K, KO, VO> implements Processor<KO, Change<VO>, K, SubscriptionResponseWrapper<VO>> {
  #context!: ProcessorContext<K, SubscriptionResponseWrapper<VO>>;
  #store!: TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>;

  constructor(
    private readonly spec: ForeignKeyJoinSpec<K, unknown, KO, VO>,
    private readonly storeName: string,
  ) {}

  init(context: ProcessorContext<K, SubscriptionResponseWrapper<VO>>): void {
    this.#context = context;
    this.spec.prepare(context);
    this.#store = context.getStateStore<TimestampedKeyValueStore<Buffer, SubscriptionWrapper<K>>>(this.storeName);
  }

  async process(record: Record<KO, Change<VO>>): Promise<void> {
    if (record.key === null || record.key === undefined) {
      warnDropped(this.#context, 'null key', 'foreign-key join');
      return;
    }
    const responses: Record<K, SubscriptionResponseWrapper<VO>>[] = [];
    for await (const { key, value } of this.#store.prefixScan(this.spec.keySchema.prefixBytes(record.key))) {
      const subscription = value.value;
      responses.push(record.withKey(this.spec.keySchema.fromBytes(key).primaryKey).withValue({
        originalValueHash: subscription.hash,
        foreignValue: record.value.newValue,
        primaryPartition: subscription.primaryPartition,
      }));
    }
    await forwardAll(this.#context, responses);
  }
}
