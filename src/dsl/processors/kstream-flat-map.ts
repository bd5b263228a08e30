import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import { describeValue } from '../internal/arguments.js';
import type { KeyValue, KeyValueMapper } from '../functions.js';
import { forwardAll } from './forward-all.js';

/**
 * `flatMap` (Kafka's `KStreamFlatMap`): zero or more output records per input, forwarded in the
 * iterable's order, each with the input's timestamp and headers.
 */
export class KStreamFlatMap<K, V, KR, VR> implements Processor<K, V, KR, VR> {
  #context!: ProcessorContext<KR, VR>;

  constructor(private readonly mapper: KeyValueMapper<K, V, Iterable<KeyValue<KR, VR>>>) {}

  init(context: ProcessorContext<KR, VR>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    const pairs = this.mapper(record.key, record.value);
    if (!isIterable(pairs)) {
      throw new TypeError(`flatMap(): the mapper must return an iterable of { key, value }, but returned: ${describeValue(pairs)}`);
    }
    return forwardAll(this.#context, mapIterable(pairs, (pair) => {
      if (pair === null || typeof pair !== 'object') {
        throw new TypeError(`flatMap(): each element must be { key, value }, but got: ${describeValue(pair)}`);
      }
      return record.withKey(pair.key).withValue(pair.value);
    }));
  }
}

export function isIterable(value: unknown): value is Iterable<unknown> {
  return value !== null && value !== undefined && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

export function* mapIterable<T, R>(items: Iterable<T>, fn: (item: T) => R): Iterable<R> {
  for (const item of items) yield fn(item);
}
