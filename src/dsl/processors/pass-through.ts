import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';

/** Forwards every record unchanged (Kafka's `PassThrough`): `merge` and the branch nodes of `split`. */
export class PassThrough<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    return this.#context.forward(record);
  }
}
