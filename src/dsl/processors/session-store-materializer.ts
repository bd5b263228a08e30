import { TopologyException } from '../../errors.js';
import { CachedSessionStoreBuilder } from '../../state/cached-session-store-builder.js';
import type { SessionBytesStoreSupplier } from '../../state/session-store-builder.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import { Stores } from '../../state/stores.js';
import type { MaterializedInternal } from '../internal/materialized-internal.js';
import type { MaterializedStoreSupplier } from '../materialized.js';
import type { SessionWindows } from '../session-windows.js';

/**
 * The store of a session-windowed aggregation (Kafka's `SessionStoreMaterializer`): the given
 * session store supplier, else a persistent (LevelDB) session store retaining
 * `Materialized.withRetention` or, by default, gap + grace (SEMANTICS §4); with the Materialized's
 * caching and logging choices.
 * @throws RangeError when the retention is smaller than gap + grace (as Kafka, only for stores it makes)
 * @throws TopologyException when the supplier does not make session stores
 */
export function sessionStoreBuilder<K, VA>(mi: MaterializedInternal<K, VA>, windows: SessionWindows): StoreBuilder<StateStore> {
  const m = mi.materialized;
  let supplier: SessionBytesStoreSupplier;
  if (m.storeSupplier === undefined) {
    const retentionMs = m.retentionMs ?? windows.inactivityGap() + windows.gracePeriodMs();
    if (windows.inactivityGap() + windows.gracePeriodMs() > retentionMs) {
      throw new RangeError(`The retention period of the session store ${mi.storeName} must be no smaller than the session inactivity gap plus the grace period. Got gap=[${windows.inactivityGap()}], grace=[${windows.gracePeriodMs()}], retention=[${retentionMs}]`);
    }
    supplier = Stores.persistentSessionStore(mi.storeName, retentionMs);
  } else {
    supplier = sessionSupplier(m.storeSupplier);
  }
  const builder = new CachedSessionStoreBuilder<K, VA>(supplier, mi.keySerde, mi.valueSerde);
  if (m.loggingEnabled) builder.withLoggingEnabled(m.logConfig);
  else builder.withLoggingDisabled();
  if (m.cachingEnabled) builder.withCachingEnabled();
  else builder.withCachingDisabled();
  return builder;
}

function sessionSupplier(supplier: MaterializedStoreSupplier): SessionBytesStoreSupplier {
  const candidate = supplier as Partial<SessionBytesStoreSupplier> & { windowSizeMs?: unknown };
  if (typeof candidate.retentionPeriodMs !== 'number' || candidate.windowSizeMs !== undefined) {
    throw new TopologyException(`Materialized.as(): store supplier ${supplier.name} does not make session stores, but a session-windowed aggregation needs one (Stores.persistentSessionStore / inMemorySessionStore)`);
  }
  return supplier as SessionBytesStoreSupplier;
}
