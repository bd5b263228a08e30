import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { ForeachAction } from '../functions.js';

/** `peek` (Kafka's `KStreamPeek`): runs the action, then forwards the record unchanged. */
export class KStreamPeek<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;

  constructor(private readonly action: ForeachAction<K, V>) {}

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    const done: unknown = this.action(record.key, record.value);
    // An async action finishes before the record moves on, so its effect precedes downstream ones.
    if (done instanceof Promise) return done.then(() => this.#context.forward(record));
    return this.#context.forward(record);
  }
}
