import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import { storeValueGetterSupplier, type KTableValueGetterSupplier } from '../internal/value-getter.js';
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/**
 * The node both sides of a table-table join forward into (Kafka's `KTableKTableJoinMerger`,
 * `KTABLE-MERGE-<n>`): the join's result table. It writes the result into its store when the join
 * was materialized, and passes updates on, with old values only when downstream asked for them.
 */
export class KTableKTableJoinMerger<K, V> implements KTableProcessorSupplier<K, V> {
  #sendOldValues = false;

  constructor(
    private readonly thisSide: KTableProcessorSupplier<K, V>,
    private readonly otherSide: KTableProcessorSupplier<K, V>,
    readonly queryableName: string | undefined,
    private readonly storeBuilder: StoreBuilder<StateStore> | undefined,
  ) {}

  get(): Processor<K, Change<V>, K, Change<V>> {
    return new KTableKTableJoinMergeProcessor(this.queryableName, this.#sendOldValues);
  }

  view(): KTableValueGetterSupplier<K, V> {
    if (this.queryableName !== undefined) return storeValueGetterSupplier(this.queryableName);
    const thisView = this.thisSide.view();
    const otherView = this.otherSide.view();
    return {
      storeNames: () => [...new Set([...thisView.storeNames(), ...otherView.storeNames()])],
      get: () => thisView.get(),
    };
  }

  enableSendingOldValues(): boolean {
    this.thisSide.enableSendingOldValues(true);
    this.otherSide.enableSendingOldValues(true);
    this.#sendOldValues = true;
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return this.storeBuilder === undefined ? [] : [this.storeBuilder];
  }
}

class KTableKTableJoinMergeProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  #context!: ProcessorContext<K, Change<V>>;
  #store: TimestampedKeyValueStore<K, V> | undefined;
  #forwarder: TimestampedTupleForwarder<K, V> | undefined;

  constructor(
    private readonly queryableName: string | undefined,
    private readonly sendOldValues: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context;
    if (this.queryableName !== undefined) {
      this.#store = context.getStateStore<TimestampedKeyValueStore<K, V>>(this.queryableName);
      this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
    }
  }

  async process(record: Record<K, Change<V>>): Promise<void> {
    const store = this.#store;
    if (store === undefined) {
      await this.#context.forward(this.sendOldValues ? record : record.withValue(change(record.value.newValue)));
      return;
    }
    await store.put(record.key, ValueAndTimestamp.make<V>(record.value.newValue, record.timestamp));
    await (this.#forwarder as TimestampedTupleForwarder<K, V>).maybeForward(record);
  }
}
