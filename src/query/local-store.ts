import type { KeyValueStore } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import type { WindowStore } from '../state/window-store.js';
import { CompositeKeyValueStore } from './composite-key-value-store.js';
import { CompositeSessionStore } from './composite-session-store.js';
import { CompositeWindowStore } from './composite-window-store.js';
import { checkRunning, queryableStore, resolveLocalStores } from './local-store-resolver.js';
import type { QueryHost } from './query-host.js';
import { StoreCodec } from './store-codec.js';
import type { StoreQueryParameters } from './store-query-parameters.js';
import { UnreachableKindError } from './unreachable.js';

/**
 * The read-only view `KafkaStreams.store(params)` returns, over `host`'s local partitions.
 * @throws UnknownStateStoreException when no queryable store has that name
 * @throws InvalidStateStoreException `WRONG_STORE_TYPE` when the store is of another kind;
 *   retriable ones (the client is not running) come from here or, later, from each read
 */
export function localStore<T>(host: QueryHost, params: StoreQueryParameters<T>): T {
  checkRunning(host);
  const info = queryableStore(host, params.storeName, params.queryableStoreType.kind);
  const codec = new StoreCodec<unknown, unknown>(info);
  const stores = <S>(): S[] => resolveLocalStores(host, info.name, params).map((s) => s.store as S);
  switch (info.kind) {
    case 'keyValue':
      return new CompositeKeyValueStore(codec, () => stores<KeyValueStore<Buffer, Buffer>>()) as T;
    case 'window':
      return new CompositeWindowStore(codec, () => stores<WindowStore<Buffer, Buffer>>()) as T;
    case 'session':
      return new CompositeSessionStore(codec, () => stores<SessionStore<Buffer, Buffer>>()) as T;
    default:
      throw new UnreachableKindError(info.kind);
  }
}
