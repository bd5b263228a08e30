import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { ValueMapper } from '../functions.js';

/** `mapValues` (Kafka's `KStreamMapValues`): same key, timestamp and headers, new value. */
export class KStreamMapValues<K, V, VR> implements Processor<K, V, K, VR> {
  #context!: ProcessorContext<K, VR>;

  constructor(private readonly mapper: ValueMapper<V, VR, K>) {}

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    return this.#context.forward(record.withValue(this.mapper(record.value, record.key)));
  }
}
