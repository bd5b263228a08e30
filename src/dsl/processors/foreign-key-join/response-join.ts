import type { Processor } from '../../../processor/processor.js';
import type { ProcessorContext } from '../../../processor/processor-context.js';
import type { Record } from '../../../processor/record.js';
import type { ValueJoiner } from '../../functions.js';
import type { KTableValueGetter } from '../../internal/value-getter.js';
import type { ForeignKeyJoinSpec } from './foreign-key-join-spec.js';
import { murmur3Hash128 } from './murmur3.js';
import type { SubscriptionResponseWrapper } from './subscription-wrapper.js';

/**
 * Resolves the foreign side's answers on the primary table's side (Kafka's
 * `ResponseJoinProcessorSupplier`): an answer counts only if the primary row still has the value
 * it was computed for (same hash), else it is stale and dropped. The result is
 * `joiner(primaryValue, foreignValue)`, or a tombstone when there is no foreign value (inner
 * join) or no primary row any more.
 */
export class ResponseJoinProcessor<K, V, VO, VR> implements Processor<K, SubscriptionResponseWrapper<VO>, K, VR | null> {
  #context!: ProcessorContext<K, VR | null>;

  constructor(
    private readonly spec: ForeignKeyJoinSpec<K, V, unknown, VO>,
    private readonly primaryValues: KTableValueGetter<K, V>,
    private readonly joiner: ValueJoiner<V | null, VO | null, VR, K>,
    private readonly leftJoin: boolean,
  ) {}

  init(context: ProcessorContext<K, VR | null>): void {
    this.#context = context;
    this.spec.prepare(context);
    this.primaryValues.init(context);
  }

  async process(record: Record<K, SubscriptionResponseWrapper<VO>>): Promise<void> {
    const current = await this.primaryValues.get(record.key);
    const currentHash = current === null ? null : murmur3Hash128(this.spec.valueHashInput(current.value));
    const { originalValueHash, foreignValue } = record.value;
    const fresh = currentHash === null || originalValueHash === null ? currentHash === originalValueHash : currentHash.equals(originalValueHash);
    if (!fresh) {
      this.#context.recordDropped?.();
      return;
    }
    const result = foreignValue === null && (!this.leftJoin || current === null)
      ? null
      : this.joiner(current === null ? null : current.value, foreignValue, record.key);
    await this.#context.forward(record.withValue(result));
  }
}
