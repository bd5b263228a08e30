import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import { describeValue } from '../internal/arguments.js';
import type { KeyValue, KeyValueMapper } from '../functions.js';

/**
 * `map` and `selectKey` (Kafka's `KStreamMap`): one output record per input with the mapped key
 * and value; timestamp and headers pass through.
 */
export class KStreamMap<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  #context!: ProcessorContext<KR, VR>;

  /** @param operator the DSL operator, for the error when the mapper returns no pair */
  constructor(
    private readonly mapper: KeyValueMapper<K, V, KeyValue<KR, VR>>,
    private readonly operator: string,
  ) {}

  init(context: ProcessorContext<KR, VR>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    const pair = this.mapper(record.key, record.value);
    if (pair === null || typeof pair !== 'object') {
      throw new TypeError(`${this.operator}: the mapper must return { key, value }, but returned: ${describeValue(pair)}`);
    }
    return this.#context.forward(record.withKey(pair.key).withValue(pair.value));
  }
}
