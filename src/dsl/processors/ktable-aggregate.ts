import { StreamsException } from '../../errors.js';
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
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/**
 * How a grouped table combines values into its aggregate: `aggregate` (initializer, adder,
 * subtractor; `count` is one) or `reduce` (the first value is the aggregate; Kafka's `KTableReduce`).
 */
export type TableAggregation<K, V, VA> =
  | { readonly kind: 'aggregate'; readonly initializer: Initializer<VA>; readonly adder: Aggregator<K, V, VA>; readonly subtractor: Aggregator<K, V, VA> }
  | { readonly kind: 'reduce'; readonly adder: Reducer<V>; readonly subtractor: Reducer<V> };

/**
 * `KGroupedTable.aggregate` / `reduce` / `count` (Kafka's `KTableAggregate`, `KTableReduce`):
 * for each `Change` of a group, first subtracts the old value from the group's aggregate (when
 * both exist), then adds the new value (to the initializer's result when the group is new). A
 * null result deletes the group. The timestamp is the record's, or the max with the stored
 * aggregate's when that was used (SEMANTICS §10).
 */
export class KTableAggregate<K, V, VA> implements KTableProcessorSupplier<K, VA> {
  #sendOldValues = false;

  constructor(
    readonly storeName: string,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly aggregation: TableAggregation<K, V, VA>,
  ) {}

  get(): Processor<K, Change<V>, K, Change<VA>> {
    return new KTableAggregateProcessor(this.storeName, this.aggregation, this.#sendOldValues);
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

class KTableAggregateProcessor<K, V, VA> implements Processor<K, Change<V>, K, Change<VA>> {
  #store!: TimestampedKeyValueStore<K, VA>;
  #forwarder!: TimestampedTupleForwarder<K, VA>;

  constructor(
    private readonly storeName: string,
    private readonly aggregation: TableAggregation<K, V, VA>,
    private readonly sendOldValues: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<VA>>): void {
    this.#store = context.getStateStore<TimestampedKeyValueStore<K, VA>>(this.storeName);
    this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
  }

  async process(record: Record<K, Change<V>>): Promise<void> {
    if (record.key === null || record.key === undefined) {
      throw new StreamsException(`Record key for KTable ${this.aggregation.kind} operator with state ${this.storeName} should not be null.`);
    }
    const stored = await this.#store.get(record.key);
    const oldAgg = stored === undefined ? null : stored.value;
    const { newValue, oldValue } = record.value;
    let timestamp = record.timestamp;
    let agg = oldAgg;
    if (oldValue !== null && oldAgg !== null) {
      agg = this.#subtract(record.key, oldValue, oldAgg);
      timestamp = Math.max(record.timestamp, (stored as ValueAndTimestamp<VA>).timestamp);
    }
    if (newValue !== null) {
      // Kafka's KTableAggregate takes the stored timestamp whenever a stored aggregate exists;
      // KTableReduce only when the new value was added to one (not when it starts the group anew).
      const addsToStored = this.aggregation.kind === 'aggregate' ? stored !== undefined : agg !== null;
      agg = this.#add(record.key, newValue, agg);
      if (addsToStored) timestamp = Math.max(record.timestamp, (stored as ValueAndTimestamp<VA>).timestamp);
    }
    await this.#store.put(record.key, ValueAndTimestamp.make<VA>(agg, timestamp));
    await this.#forwarder.maybeForward(record.withValue(change(agg, this.sendOldValues ? oldAgg : null)).withTimestamp(timestamp));
  }

  #subtract(key: K, value: V, agg: VA): VA | null {
    const a = this.aggregation;
    const result = a.kind === 'aggregate' ? a.subtractor(key, value, agg) : (a.subtractor(agg as unknown as V, value) as unknown as VA);
    return result ?? null;
  }

  #add(key: K, value: V, agg: VA | null): VA {
    const a = this.aggregation;
    if (a.kind === 'aggregate') return a.adder(key, value, agg ?? a.initializer());
    return (agg === null ? value : a.adder(agg as unknown as V, value)) as unknown as VA;
  }
}
