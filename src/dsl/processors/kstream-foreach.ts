import type { Processor } from '../../processor/processor.js';
import type { Record } from '../../processor/record.js';
import type { ForeachAction } from '../functions.js';

/** `foreach` (Kafka's `ForeachProcessor`): runs the action; a terminal node that forwards nothing. */
export class KStreamForeach<K, V> implements Processor<K, V> {
  constructor(private readonly action: ForeachAction<K, V>) {}

  process(record: Record<K, V>): void | Promise<void> {
    const done: unknown = this.action(record.key, record.value);
    // `(k, v) => list.push(v)` type-checks as a void action but returns a number: only a Promise is awaited.
    return done instanceof Promise ? (done as Promise<void>) : undefined;
  }
}
