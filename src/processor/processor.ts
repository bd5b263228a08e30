import type { ProcessorContext } from './processor-context.js';
import type { Record } from './record.js';

/**
 * A node of the processor graph (Kafka's `api.Processor`).
 *
 * `process` may be synchronous or return a Promise; an async `process` is awaited before the
 * processor sees its next record, so records of a partition are never reordered.
 *
 * @typeParam KIn - key type of records it receives
 * @typeParam VIn - value type of records it receives
 * @typeParam KOut - key type of records it forwards (`never` when it forwards nothing)
 * @typeParam VOut - value type of records it forwards
 *
 * @example
 * class Upper implements Processor<string, string, string, string> {
 *   #ctx!: ProcessorContext<string, string>;
 *   init(ctx: ProcessorContext<string, string>) { this.#ctx = ctx; }
 *   process(r: Record<string, string>) { this.#ctx.forward(r.withValue(r.value.toUpperCase())); }
 * }
 */
export interface Processor<KIn, VIn, KOut = never, VOut = never> {
  /** Called once before the first record; keep the context to forward and schedule. */
  init?(context: ProcessorContext<KOut, VOut>): void | Promise<void>;
  /** Called for each record, in order. */
  process(record: Record<KIn, VIn>): void | Promise<void>;
  /** Called once when the task closes. */
  close?(): void | Promise<void>;
}

/**
 * Makes a new processor for each task (Kafka's `ProcessorSupplier`): a function, or an object
 * with `get()`. It must return a new instance on every call; a shared instance would be run by
 * several tasks at once.
 */
export type ProcessorSupplier<KIn, VIn, KOut = never, VOut = never> =
  | (() => Processor<KIn, VIn, KOut, VOut>)
  | { get(): Processor<KIn, VIn, KOut, VOut> };

/** Calls a supplier of either shape. */
export function supplyProcessor<KIn, VIn, KOut, VOut>(supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>): Processor<KIn, VIn, KOut, VOut> {
  return typeof supplier === 'function' ? supplier() : supplier.get();
}
