import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';

/**
 * Forwards records in order. A `forward` returns a Promise when a child is async; they are
 * collected and returned as one, so the task awaits the whole fan-out and a failing child is
 * reported, not left as an unhandled rejection. The synchronous path allocates nothing extra.
 */
export function forwardAll<K, V>(context: ProcessorContext<K, V>, records: Iterable<Record<K, V>>): void | Promise<void> {
  let pending: Promise<void>[] | undefined;
  for (const record of records) {
    const done = context.forward(record);
    if (done !== undefined) (pending ??= []).push(done);
  }
  if (pending !== undefined) return Promise.all(pending).then(() => undefined);
  return undefined;
}
