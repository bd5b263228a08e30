import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import type { Record } from '../../processor/record.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { TimestampedKeyValueStore } from '../../state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import type { ValueMapper } from '../functions.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier, ParentTable } from '../internal/ktable-processor-supplier.js';
import { storeValueGetterSupplier, type KTableValueGetterSupplier } from '../internal/value-getter.js';
import { TimestampedTupleForwarder } from './timestamped-tuple-forwarder.js';

/**
 * `KTable.mapValues` (Kafka's `KTableMapValues`): maps new (and, when sent, old) values; a delete
 * stays a delete, the mapper never sees `null`. Old values are asked of the parent only when a
 * downstream operator asks for them.
 */
export class KTableMapValues<K, V, VR> implements KTableProcessorSupplier<K, VR> {
  #sendOldValues = false;

  constructor(
    private readonly parent: ParentTable<K, V>,
    private readonly mapper: ValueMapper<V, VR, K>,
    private readonly queryableName: string | undefined,
    private readonly storeBuilder: StoreBuilder<StateStore> | undefined,
  ) {}

  get(): Processor<K, Change<V>, K, Change<VR>> {
    return new KTableMapValuesProcessor(this.queryableName, this.#sendOldValues, (key, value) => this.#computeValue(key, value));
  }

  view(): KTableValueGetterSupplier<K, VR> {
    if (this.queryableName !== undefined) return storeValueGetterSupplier(this.queryableName);
    const parentSupplier = this.parent.valueGetterSupplier();
    return {
      storeNames: () => parentSupplier.storeNames(),
      get: () => {
        const parent = parentSupplier.get();
        return {
          init: (context) => parent.init(context),
          get: async (key) => {
            const found = await parent.get(key);
            return found === null ? null : ValueAndTimestamp.make(this.mapper(found.value, key), found.timestamp);
          },
        };
      },
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

  #computeValue(key: K, value: V | null): VR | null {
    return value === null ? null : this.mapper(value, key);
  }
}

class KTableMapValuesProcessor<K, V, VR> implements Processor<K, Change<V>, K, Change<VR>> {
  #context!: ProcessorContext<K, Change<VR>>;
  #store: TimestampedKeyValueStore<K, VR> | undefined;
  #forwarder: TimestampedTupleForwarder<K, VR> | undefined;

  constructor(
    private readonly queryableName: string | undefined,
    private readonly sendOldValues: boolean,
    private readonly compute: (key: K, value: V | null) => VR | null,
  ) {}

  init(context: ProcessorContext<K, Change<VR>>): void {
    this.#context = context;
    if (this.queryableName !== undefined) {
      this.#store = context.getStateStore<TimestampedKeyValueStore<K, VR>>(this.queryableName);
      this.#forwarder = new TimestampedTupleForwarder(this.#store, context, this.sendOldValues);
    }
  }

  async process(record: Record<K, Change<V>>): Promise<void> {
    const key = record.key;
    const newValue = this.compute(key, record.value.newValue);
    const store = this.#store;
    let oldValue: VR | null = null;
    if (this.sendOldValues) {
      oldValue = store === undefined ? this.compute(key, record.value.oldValue) : ((await store.get(key))?.value ?? null);
    }
    if (store === undefined) {
      await this.#context.forward(record.withValue(change(newValue, oldValue)));
      return;
    }
    await store.put(key, ValueAndTimestamp.make<VR>(newValue, record.timestamp));
    await (this.#forwarder as TimestampedTupleForwarder<K, VR>).maybeForward(record.withValue(change(newValue, oldValue)));
  }
}
