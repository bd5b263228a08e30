import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import { describeValue } from '../internal/arguments.js';
import type { ValueMapper } from '../functions.js';
import { forwardAll } from './forward-all.js';
import { isIterable, mapIterable } from './kstream-flat-map.js';

/** `flatMapValues` (Kafka's `KStreamFlatMapValues`): zero or more values per input, same key, timestamp and headers. */
export class KStreamFlatMapValues<K, V, VR> implements Processor<K, V, K, VR> {
  #context!: ProcessorContext<K, VR>;

  constructor(private readonly mapper: ValueMapper<V, Iterable<VR>, K>) {}

  init(context: ProcessorContext<K, VR>): void {
    this.#context = context;
  }

  process(record: Record<K, V>): void | Promise<void> {
    const values = this.mapper(record.value, record.key);
    if (!isIterable(values)) {
      throw new TypeError(`flatMapValues(): the mapper must return an iterable of values, but returned: ${describeValue(values)}`);
    }
    return forwardAll(this.#context, mapIterable(values, (value) => record.withValue(value)));
  }
}
