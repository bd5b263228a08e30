import type { Processor } from '../../processor/processor.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { Change } from '../internal/change.js';
import type { KTableProcessorSupplier } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import { PassThrough } from './pass-through.js';

/**
 * The merge node of a cogrouped aggregation (Kafka's `KTablePassThrough`): forwards what each
 * input's aggregate processor forwards, and stands for the result table towards later operators.
 * All those processors share one store, so the table is read through any of them (the first), and
 * old values, when asked for, must be sent by all of them.
 */
export class KTablePassThrough<K, V> implements KTableProcessorSupplier<K, V> {
  constructor(private readonly parents: readonly [KTableProcessorSupplier<K, V>, ...KTableProcessorSupplier<K, V>[]]) {}

  get(): Processor<never, never, K, Change<V>> {
    return new PassThrough<K, Change<V>>() as unknown as Processor<never, never, K, Change<V>>;
  }

  view(): KTableValueGetterSupplier<K, V> {
    return this.parents[0].view();
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    for (const parent of this.parents) parent.enableSendingOldValues(forceMaterialization);
    return true;
  }

  /** None: the store belongs to the aggregate processors. */
  stores(): readonly StoreBuilder<StateStore>[] {
    return [];
  }
}
