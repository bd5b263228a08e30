import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import type { Predicate } from '../functions.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier, ParentTable } from '../internal/ktable-processor-supplier.js';
import { storeValueGetterSupplier, type KTableValueGetter, type KTableValueGetterSupplier } from '../internal/value-getter.js';
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/**
 * `KTable.filter` / `filterNot` (Kafka's `KTableFilter`): a value that fails the predicate becomes
 * a delete. It asks its parent for old values at once (without forcing a store): when the parent
 * is materialized, an update whose old and new values both fail is not forwarded at all, else
 * every failing update is forwarded as a tombstone (SEMANTICS §5.4, KAFKA-10077).
 */
export class KTableFilter<K, V> implements KTableProcessorSupplier<K, V> {
  #sendOldValues: boolean;

  /**
   * @param queryableName the result's store when it is materialized (`Materialized.as(name)`)
   * @param storeBuilder that store's builder
   */
  constructor(
    private readonly parent: ParentTable<K, V>,
    private readonly predicate: Predicate<K, V>,
    private readonly filterNot: boolean,
    private readonly queryableName: string | undefined,
    private readonly storeBuilder: StoreBuilder<StateStore> | undefined,
  ) {
    this.#sendOldValues = parent.enableSendingOldValues(false);
  }

  get(): Processor<K, Change<V>, K, Change<V>> {
    return new KTableFilterProcessor(this.queryableName, this.#sendOldValues, (key, value) => this.#computeValue(key, value));
  }

  view(): KTableValueGetterSupplier<K, V> {
    if (this.queryableName !== undefined) return storeValueGetterSupplier(this.queryableName);
    const parentSupplier = this.parent.valueGetterSupplier();
    return {
      storeNames: () => parentSupplier.storeNames(),
      get: () => filteredGetter(parentSupplier.get(), (key, value) => this.#computeValue(key, value)),
    };
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (this.queryableName !== undefined) {
      this.#sendOldValues = true;
      return true;
    }
    if (this.parent.enableSendingOldValues(forceMaterialization)) this.#sendOldValues = true;
    return this.#sendOldValues;
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return this.storeBuilder === undefined ? [] : [this.storeBuilder];
  }

  #computeValue(key: K, value: V | null): V | null {
    return value !== null && this.predicate(key, value) !== this.filterNot ? value : null;
  }
}

function filteredGetter<K, V>(parent: KTableValueGetter<K, V>, compute: (key: K, value: V | null) => V | null): KTableValueGetter<K, V> {
  return {
    init: (context) => parent.init(context),
    async get(key) {
      const found = await parent.get(key);
      return found !== null && compute(key, found.value) !== null ? found : null;
    },
  };
}

class KTableFilterProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  #context!: ProcessorContext<K, Change<V>>;
  #store: TimestampedKeyValueStore<K, V> | undefined;
  #forwarder: TimestampedTupleForwarder<K, V> | undefined;

  constructor(
    private readonly queryableName: string | undefined,
    private readonly sendOldValues: boolean,
    private readonly compute: (key: K, value: V | null) => V | null,
  ) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context;
    if (this.queryableName !== undefined) {
      this.#store = context.getStateStore<TimestampedKeyValueStore<K, V>>(this.queryableName);
      this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
    }
  }

  async process(record: Record<K, Change<V>>): Promise<void> {
    const key = record.key;
    const newValue = this.compute(key, record.value.newValue);
    const store = this.#store;
    let oldValue: V | null = null;
    if (this.sendOldValues) {
      oldValue = store === undefined ? this.compute(key, record.value.oldValue) : ((await store.get(key))?.value ?? null);
    }
    // Both absent: the table did not change (only known when old values are sent).
    if (this.sendOldValues && oldValue === null && newValue === null) return;
    if (store === undefined) {
      await this.#context.forward(record.withValue(change(newValue, oldValue)));
      return;
    }
    await store.put(key, ValueAndTimestamp.make<V>(newValue, record.timestamp));
    await (this.#forwarder as TimestampedTupleForwarder<K, V>).maybeForward(record.withValue(change(newValue, oldValue)));
  }
}
