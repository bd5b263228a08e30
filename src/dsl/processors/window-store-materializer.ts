import { TopologyException } from '../../errors.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { Stores } from '../../state/stores.js';
import { TimestampedWindowStoreBuilder } from '../../state/timestamped-window-store-builder.js';
import type { WindowBytesStoreSupplier } from '../../state/window-store-builder.js';
import type { MaterializedInternal } from '../internal/materialized-internal.js';
import type { MaterializedStoreSupplier } from '../materialized.js';
import type { SlidingWindows } from '../sliding-windows.js';
import type { TimeWindows } from '../time-windows.js';

/**
 * The store of a time-windowed aggregation (Kafka's `WindowStoreMaterializer` /
 * `TimeWindowedKStreamImpl.materialize`): the given window store supplier, else a persistent
 * (LevelDB) window store of the windows' size, retaining `Materialized.withRetention` or, by
 * default, size + grace (SEMANTICS §2.5); as a timestamped window store, with the Materialized's
 * caching and logging choices.
 * @throws RangeError when the retention is smaller than size + grace (as Kafka, only for stores it makes)
 * @throws TopologyException when the supplier does not make window stores
 */
export function timeWindowStoreBuilder<K, VA>(mi: MaterializedInternal<K, VA>, windows: TimeWindows): StoreBuilder<StateStore> {
  const m = mi.materialized;
  let supplier: WindowBytesStoreSupplier;
  if (m.storeSupplier === undefined) {
    const retentionMs = m.retentionMs ?? windows.size() + windows.gracePeriodMs();
    if (windows.size() + windows.gracePeriodMs() > retentionMs) {
      throw new RangeError(`The retention period of the window store ${mi.storeName} must be no smaller than its window size plus the grace period. Got size=[${windows.size()}], grace=[${windows.gracePeriodMs()}], retention=[${retentionMs}]`);
    }
    supplier = Stores.persistentWindowStore(mi.storeName, retentionMs, windows.size(), false);
  } else {
    supplier = windowSupplier(m.storeSupplier);
  }
  return withChoices(mi, supplier);
}

/**
 * The store of a sliding-windowed aggregation (Kafka's `SlidingWindowedKStreamImpl.materialize`):
 * windows of the time difference `D`, retaining `Materialized.withRetention` or, by default,
 * `2 * D + grace` (a record reads windows starting up to `2D` before it).
 * @throws RangeError when the retention is smaller than `2 * D + grace`
 * @throws TopologyException when the supplier does not make window stores
 */
export function slidingWindowStoreBuilder<K, VA>(mi: MaterializedInternal<K, VA>, windows: SlidingWindows): StoreBuilder<StateStore> {
  const m = mi.materialized;
  let supplier: WindowBytesStoreSupplier;
  if (m.storeSupplier === undefined) {
    const d = windows.timeDifferenceMs();
    const retentionMs = m.retentionMs ?? windows.gracePeriodMs() + 2 * d;
    if (d * 2 + windows.gracePeriodMs() > retentionMs) {
      throw new RangeError(`The retention period of the window store ${mi.storeName} must be no smaller than 2 * time difference plus the grace period. Got time difference=[${d}], grace=[${windows.gracePeriodMs()}], retention=[${retentionMs}]`);
    }
    supplier = Stores.persistentWindowStore(mi.storeName, retentionMs, d, false);
  } else {
    supplier = windowSupplier(m.storeSupplier);
  }
  return withChoices(mi, supplier);
}

function withChoices<K, VA>(mi: MaterializedInternal<K, VA>, supplier: WindowBytesStoreSupplier): StoreBuilder<StateStore> {
  const m = mi.materialized;
  const builder = new TimestampedWindowStoreBuilder<K, VA>(supplier, mi.keySerde, mi.valueSerde);
  if (m.loggingEnabled) builder.withLoggingEnabled(m.logConfig);
  else builder.withLoggingDisabled();
  if (m.cachingEnabled) builder.withCachingEnabled();
  else builder.withCachingDisabled();
  return builder;
}

function windowSupplier(supplier: MaterializedStoreSupplier): WindowBytesStoreSupplier {
  const candidate = supplier as Partial<WindowBytesStoreSupplier>;
  if (typeof candidate.windowSizeMs !== 'number' || typeof candidate.retentionPeriodMs !== 'number') {
    throw new TopologyException(`Materialized.as(): store supplier ${supplier.name} does not make window stores, but a windowed aggregation needs one (Stores.persistentWindowStore / inMemoryWindowStore)`);
  }
  if (candidate.retainDuplicates === true) {
    throw new TopologyException(`Materialized.as(): window store supplier ${supplier.name} retains duplicates, which a windowed aggregation cannot use (each window holds one aggregate)`);
  }
  return supplier as WindowBytesStoreSupplier;
}
