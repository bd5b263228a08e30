/**
 * Reads that need not wait. Most key lookups on a task's hot path can be answered at once: a
 * record-cache hit, an in-memory map, LevelDB's `getSync`. Awaiting them anyway costs each
 * record a promise and a microtask hop per store layer, and makes the reading processor (a
 * stream-table join) asynchronous, which in turn makes the task chain and drain promises for
 * every record. A layer that can answer synchronously implements `getMaybeSync`; it returns a
 * promise only when it truly waits (e.g. a cache eviction that has to flush dirty entries first).
 */

/** A value now, or a promise of it when it is not at hand. */
export type MaybePromise<T> = T | Promise<T>;

/** A store layer that can answer `get` without a promise when the value is at hand. */
export interface SyncReadable<K, V> {
  /** Like `get`, but the value itself (not a promise) whenever no waiting is needed. */
  getMaybeSync(key: K): MaybePromise<V | undefined>;
}

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/** `store.getMaybeSync(key)` when the store has it, else its awaited `get`. */
export function getMaybeSync<K, V>(store: { get(key: K): Promise<V | undefined> }, key: K): MaybePromise<V | undefined> {
  const readable = store as Partial<SyncReadable<K, V>>;
  return typeof readable.getMaybeSync === 'function' ? readable.getMaybeSync(key) : store.get(key);
}
