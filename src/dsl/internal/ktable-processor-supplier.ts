import type { Processor } from '../../processor/processor.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Change } from './change.js';
import type { KTableValueGetterSupplier } from './value-getter.js';

/**
 * The processor behind a KTable (Kafka's `KTableProcessorSupplier`, `KTableSource` and
 * `KStreamAggProcessorSupplier` in one shape): it makes the processors that forward the table's
 * `Change`s, and it is the table's memory of how it was built, which later operators query and
 * change until the topology is built:
 * - `view()`: how to read the table's current values (a source table becomes materialized when asked);
 * - `enableSendingOldValues(force)`: downstream needs old values (SEMANTICS §5.2); returns whether
 *   they will be sent (a source table sends them only when materialized, or when `force`d to be);
 * - `stores()`: the stores to add with the processor, read when the graph is written.
 */
export interface KTableProcessorSupplier<K, V> {
  get(): Processor<never, never, K, Change<V>>;
  view(): KTableValueGetterSupplier<K, V>;
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  stores(): readonly StoreBuilder<StateStore>[];
}

/**
 * What table processors need of the table they read (Kafka passes the parent `KTableImpl`): ask
 * it for old values, and read its values. Implemented by `TableState`.
 */
export interface ParentTable<K, V> {
  enableSendingOldValues(forceMaterialization: boolean): boolean;
  valueGetterSupplier(): KTableValueGetterSupplier<K, V>;
}

/**
 * A KTable's supplier plus whether it already sends old values (Kafka keeps that flag on
 * `KTableImpl`), shared by every handle of the table.
 */
export class TableState<K, V> implements ParentTable<K, V> {
  #sendOldValues = false;

  constructor(readonly supplier: KTableProcessorSupplier<K, V>) {}

  valueGetterSupplier(): KTableValueGetterSupplier<K, V> {
    return this.supplier.view();
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    if (!this.#sendOldValues) {
      if (!this.supplier.enableSendingOldValues(forceMaterialization)) return false;
      this.#sendOldValues = true;
    }
    return true;
  }

  get sendingOldValues(): boolean {
    return this.#sendOldValues;
  }
}
