import { InvalidStateStoreException } from '../errors.js';
import type { ByteStore, LocalStorePartition, QueryHost, QueryableStoreInfo, QueryableStoreKind } from './query-host.js';
import { UnknownStateStoreException, WrongStoreTypeException } from './query-errors.js';

/** Which local partitions of a store may answer, decided again at every read. */
export interface StoreSelection {
  readonly partition?: number | undefined;
  readonly staleStoresEnabled: boolean;
}

/** The store's info, checked to exist and to be of `kind`. */
export function queryableStore(host: QueryHost, name: string, kind?: QueryableStoreKind): QueryableStoreInfo {
  const stores = host.stores();
  const info = stores.find((s) => s.name === name);
  if (info === undefined) throw new UnknownStateStoreException(name, stores.map((s) => s.name));
  if (kind !== undefined && info.kind !== kind) throw new WrongStoreTypeException(name, kind, info.kind);
  return info;
}

/**
 * The local byte stores that may answer now, as Kafka Streams' `StreamThreadStateStoreProvider`:
 * active RUNNING tasks only, unless stale stores are enabled (then standbys and restoring tasks
 * too). Throws the retriable `InvalidStateStoreException` when none may: the client is not
 * running, the partition is not here (`STORE_MIGRATED`) or is restoring, or a store is closed.
 */
export function resolveLocalStores<S extends ByteStore>(host: QueryHost, name: string, selection: StoreSelection): Array<LocalStorePartition & { store: S }> {
  checkRunning(host);
  const { partition, staleStoresEnabled } = selection;
  const local = host.localStores(name).filter((s) => partition === undefined || s.partition === partition);
  const usable = local.filter((s) => staleStoresEnabled || (s.active && s.state === 'RUNNING'));
  if (usable.length === 0) {
    if (local.length > 0 && local.every((s) => !s.active)) {
      throw new InvalidStateStoreException(`The state store, ${name}, has only standby replicas of${partition === undefined ? ' its local partitions' : ` its partition ${partition}`} here; they answer only with stale stores enabled.`);
    }
    if (local.length > 0) throw new InvalidStateStoreException(`The state store, ${name}, is restoring${partition === undefined ? '' : ` its partition ${partition}`} and may not be queried yet.`);
    const which = partition === undefined ? '' : ` partition ${partition} of`;
    throw new InvalidStateStoreException(`The specified${which} state store, ${name}, is not hosted by this instance; it may have migrated to another instance.`, 'STORE_MIGRATED');
  }
  for (const s of usable) {
    if (!s.store.isOpen) throw new InvalidStateStoreException(`The state store, ${name}, is closed (partition ${s.partition}); it may have migrated to another instance.`, 'STORE_MIGRATED');
  }
  return usable as Array<LocalStorePartition & { store: S }>;
}

/** Kafka's rule for every query: the client is RUNNING or REBALANCING, else a retriable error. */
export function checkRunning(host: QueryHost): void {
  const state = host.state();
  if (state !== 'RUNNING' && state !== 'REBALANCING') {
    throw new InvalidStateStoreException(`KafkaStreams is not running. State is ${state}.`);
  }
}
