import { formatKey, parseKeyText, toJson, type JsonValue } from './key-text.js';
import { queryableStore } from './local-store-resolver.js';
import { WrongStoreTypeException } from './query-errors.js';
import type { QueryHost } from './query-host.js';
import { StoreCodec } from './store-codec.js';

/** A change of a store's entry as subscribers see it: text key, JSON value (`null`: deleted). */
export interface KeyValueChangeResult {
  readonly store: string;
  readonly key: string;
  readonly value: JsonValue;
  readonly partition: number;
  readonly timestamp: number;
  /** The window the change is in (window stores only): start inclusive, end exclusive. */
  readonly windowStart?: number;
  readonly windowEnd?: number;
}

/**
 * Follows the changes this instance's tasks make to key-value or window store `store` (only
 * `key` when given; of a window store, that key's every window), rendered as text and JSON,
 * until the returned function is called.
 * @throws UnknownStateStoreException / WrongStoreTypeException (session stores) / BadKeyException at once
 */
export function followLocalChanges(host: QueryHost, store: string, key: string | undefined, listener: (change: KeyValueChangeResult) => void): () => void {
  const info = queryableStore(host, store);
  if (info.kind === 'session') throw new WrongStoreTypeException(store, 'keyValue', info.kind);
  const size = info.windowSizeMs ?? 0;
  const codec = new StoreCodec(info);
  const only = key === undefined ? undefined : parseKeyText(info, key).bytes;
  if (host.subscribeChanges === undefined) return () => {};
  return host.subscribeChanges((change) => {
    if (change.store !== store || (only !== undefined && !only.equals(change.key))) return;
    listener({
      store,
      key: formatKey(info, codec.key(change.key)),
      value: change.value === null ? null : toJson(codec.value(change.value)),
      partition: change.partition,
      timestamp: codec.timestamp(change.value ?? Buffer.alloc(0)) ?? change.timestamp,
      ...(change.windowStart === undefined ? {} : { windowStart: change.windowStart, windowEnd: change.windowStart + size }),
    });
  });
}
