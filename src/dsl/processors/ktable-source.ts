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
import { warnDropped } from './dropped-records.js';
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/**
 * The source of a KTable (`builder.table()`, `toTable()`, and the update processor of a
 * GlobalKTable; Kafka's `KTableSource`): turns each record into a `Change` of its key, dropping
 * null keys; a null value deletes the key (SEMANTICS §5, §13).
 *
 * A source table has a store only when it must: it was given a store name, or a later operator
 * reads its values (a join, `view()`) or needs its old values (`enableSendingOldValues`); either
 * materializes it. Until then it forwards `Change(value, null)` without a store.
 */
export class KTableSource<K, V> implements KTableProcessorSupplier<K, V> {
  #queryableName: string | undefined;
  #sendOldValues = false;
  #builder: StoreBuilder<StateStore> | undefined;

  /**
   * @param storeName the store's name when materialized (given or generated)
   * @param queryableName the store name the user gave, if any (then it is materialized from the start)
   * @param makeStoreBuilder builds the store when the graph is written and the table is materialized
   * @param forwardUpdates false for a global table's update processor, which has no children
   */
  constructor(
    readonly storeName: string,
    queryableName: string | undefined,
    private readonly makeStoreBuilder: () => StoreBuilder<StateStore>,
    private readonly forwardUpdates = true,
  ) {
    this.#queryableName = queryableName;
  }

  get queryableName(): string | undefined {
    return this.#queryableName;
  }

  get materialized(): boolean {
    return this.#queryableName !== undefined;
  }

  /** Forces a store (Kafka: "whenever a source ktable is required for getter, it should be materialized"). */
  materialize(): void {
    this.#queryableName = this.storeName;
  }

  get(): Processor<K, V, K, Change<V>> {
    return new KTableSourceProcessor(this.#queryableName, this.#sendOldValues, this.forwardUpdates);
  }

  view(): KTableValueGetterSupplier<K, V> {
    this.materialize();
    return storeValueGetterSupplier(this.storeName);
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (!forceMaterialization && !this.materialized) return false;
    this.#sendOldValues = true;
    this.materialize();
    return true;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    if (!this.materialized) return [];
    this.#builder ??= this.makeStoreBuilder();
    return [this.#builder];
  }
}

class KTableSourceProcessor<K, V> implements Processor<K, V, K, Change<V>> {
  #context!: ProcessorContext<K, Change<V>>;
  #store: TimestampedKeyValueStore<K, V> | undefined;
  #forwarder: TimestampedTupleForwarder<K, V> | undefined;

  constructor(
    private readonly storeName: string | undefined,
    private readonly sendOldValues: boolean,
    private readonly forwardUpdates: boolean,
  ) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context;
    if (this.storeName !== undefined) {
      this.#store = context.getStateStore<TimestampedKeyValueStore<K, V>>(this.storeName);
      if (this.forwardUpdates) this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
    }
  }

  async process(record: Record<K, V>): Promise<void> {
    if (record.key === null || record.key === undefined) {
      warnDropped(this.#context, 'null key', 'KTableSource');
      return;
    }
    const store = this.#store;
    if (store === undefined) {
      await this.#context.forward(record.withValue(change(record.value)));
      return;
    }
    const old = await store.get(record.key);
    await store.put(record.key, ValueAndTimestamp.make(record.value, record.timestamp));
    await this.#forwarder?.maybeForward(record.withValue(change(record.value, old === undefined ? null : old.value)));
  }
}
