import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import type { Aggregator, Initializer, Reducer } from '../functions.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import { storeValueGetterSupplier, type KTableValueGetterSupplier } from '../internal/value-getter.js';
import { warnDropped } from './dropped-records.js';
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/** How a grouped stream combines values: `aggregate` (`count` is one) or `reduce` (Kafka's `KStreamReduce`). */
export type StreamAggregation<K, V, VA> =
  | { readonly kind: 'aggregate'; readonly initializer: Initializer<VA>; readonly aggregator: Aggregator<K, V, VA> }
  | { readonly kind: 'reduce'; readonly reducer: Reducer<V> };

/**
 * `KGroupedStream.aggregate` / `reduce` / `count` (Kafka's `KStreamAggregate`, `KStreamReduce`):
 * folds each record into its key's aggregate and forwards the new aggregate, with the timestamp
 * `max(record ts, stored aggregate ts)` (the record's own for a new key; SEMANTICS §1.5). Records
 * with a null key or value are skipped (§11). When old values are asked for, the old value of a
 * key's first `aggregate` update is the initializer's result (Kafka's quirk, §5.2); of `reduce`, null.
 */
export class KStreamAggregate<K, V, VA> implements KTableProcessorSupplier<K, VA> {
  #sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: StreamAggregation<K, V, VA>,
  ) {}

  get(): Processor<K, V, K, Change<VA>> {
    return new KStreamAggregateProcessor(this.storeName, this.aggregation, this.#sendOldValues);
  }

  view(): KTableValueGetterSupplier<K, VA> {
    return storeValueGetterSupplier(this.storeName);
  }

  enableSendingOldValues(): boolean {
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [this.storeBuilder];
  }
}

class KStreamAggregateProcessor<K, V, VA> implements Processor<K, V, K, Change<VA>> {
  #context!: ProcessorContext<K, Change<VA>>;
  #store!: TimestampedKeyValueStore<K, VA>;
  #forwarder!: TimestampedTupleForwarder<K, VA>;

  constructor(
    private readonly storeName: string,
    private readonly aggregation: StreamAggregation<K, V, VA>,
    private readonly sendOldValues: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.#context = context;
    this.#store = context.getStateStore<TimestampedKeyValueStore<K, VA>>(this.storeName);
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
  }

  async process(record: Record<K, V>): Promise<void> {
    if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
      warnDropped(this.#context, 'null key or value', this.aggregation.kind);
      return;
    }
    const stored = await this.#store.get(record.key);
    const timestamp = stored === undefined ? record.timestamp : Math.max(record.timestamp, stored.timestamp);
    const a = this.aggregation;
    let oldAgg: VA | null;
    let newAgg: VA;
    if (a.kind === 'aggregate') {
      oldAgg = stored === undefined ? a.initializer() : stored.value;
      newAgg = a.aggregator(record.key, record.value, oldAgg);
    } else {
      oldAgg = stored === undefined ? null : stored.value;
      newAgg = (oldAgg === null ? record.value : a.reducer(oldAgg as unknown as V, record.value)) as unknown as VA;
    }
    await this.#store.put(record.key, ValueAndTimestamp.make(newAgg, timestamp));
    await this.#forwarder.maybeForward(record.withValue(change(newAgg, this.sendOldValues ? oldAgg : null)).withTimestamp(timestamp));
  }
}
