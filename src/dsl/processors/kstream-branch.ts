import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { Predicate } from '../functions.js';

/**
 * The node of `split()` (Kafka's `KStreamBranch`): each record goes to the child of the first
 * predicate it satisfies, in the order branches were added; else to the default branch when
 * there is one (the child after the last predicate's); else nowhere.
 *
 * `predicates` and `childNames` are the live lists of the `BranchedKStream`, which keeps adding to
 * them after this node was added to the graph; they are complete before any record flows.
 */
export class KStreamBranch<K, V> implements Processor<K, V, K, V> {
  #context!: ProcessorContext<K, V>;

  constructor(
    private readonly predicates: readonly Predicate<K, V>[],
    private readonly childNames: readonly string[],
  ) {}

  init(context: ProcessorContext<K, V>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    for (let i = 0; i < this.predicates.length; i++) {
      if (this.predicates[i]!(record.key, record.value)) return this.#context.forward(record, this.childNames[i]);
    }
    if (this.childNames.length > this.predicates.length) {
      return this.#context.forward(record, this.childNames[this.predicates.length]);
    }
    return undefined;
  }
}
