import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { Predicate } from '../functions.js';

/** `filter` / `filterNot` (Kafka's `KStreamFilter`): forwards the record unchanged when the predicate says so. */
export class KStreamFilter<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;

  /** @param filterNot forward records the predicate rejects instead of those it accepts */
  constructor(
    private readonly predicate: Predicate<K, V>,
    private readonly filterNot: boolean,
  ) {}

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    if (this.predicate(record.key, record.value) !== this.filterNot) return this.#context.forward(record);
    return undefined;
  }
}
