import type { KeyValue } from './key-value-store.js';
import type { StateStore } from './state-store.js';
import type { Windowed } from './windowed.js';

/** One write of {@link SessionStore.putAll}. */
export interface SessionStoreWrite<K, AGG> {
  readonly sessionKey: Windowed<K>;
  /** `null` removes the session. */
  readonly aggregate: AGG | null;
}

/**
 * A store of aggregates per (key, session): what session-windowed aggregations keep (Kafka
 * Streams' `SessionStore`). Sessions are `[start, end]`, both inclusive; scans yield
 * `Windowed<K>` keys with a `SessionWindow`. Byte stores (`SessionStore<Buffer, Buffer>`, LevelDB
 * or in memory) and the typed store over them implement it.
 *
 * Conventions:
 * - Order: a key's sessions by ascending (end, start), as Kafka Streams iterates them
 *   (`backward*`: descending). Scans over several keys by (serialized key bytes, end, start);
 *   `backward*` is the exact reverse. Key range bounds are inclusive, either may be `undefined`.
 * - Retention: the store tracks `observedStreamTime`, the largest session end ever put. A session
 *   with `end <= observedStreamTime - retentionPeriodMs` is expired: puts of it are skipped, reads
 *   never return it, and the store deletes it (LevelDB: whole segments by end time).
 */
export interface SessionStore<K, AGG> extends StateStore {
  /** How long a session is kept after the newest session end seen, in milliseconds (default gap + grace). */
  readonly retentionPeriodMs: number;
  /** Scans currently holding an iterator, as `KeyValueStore.openIterators`. */
  readonly openIterators: number;

  /**
   * Sets the aggregate of the session `sessionKey.window()` (its start and end); `null` removes
   * it. Skipped when the session is expired.
   * @throws RangeError when the session's start or end is not a non-negative integer.
   */
  put(sessionKey: Windowed<K>, aggregate: AGG | null): Promise<void>;
  /** Each write as {@link put}, in order, in one batch per segment (atomic per segment for LevelDB). */
  putAll(writes: Iterable<SessionStoreWrite<K, AGG>>): Promise<void>;
  /** Removes a session (a put of `null`). */
  remove(sessionKey: Windowed<K>): Promise<void>;
  /** The aggregate of `key`'s session `[sessionStartMs, sessionEndMs]`, or `undefined`. */
  fetchSession(key: K, sessionStartMs: number, sessionEndMs: number): Promise<AGG | undefined>;
  /**
   * `key`'s sessions with `end >= earliestSessionEndMs` and `start <= latestSessionStartMs` (both
   * inclusive), by ascending (end, start): the sessions a record at `t` merges with for gap `G`
   * are `findSessions(key, t - G, t + G)`.
   */
  findSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** As {@link findSessions}, by descending (end, start). */
  backwardFindSessions(key: K, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** As {@link findSessions} for keys in `[keyFrom, keyTo]`, by (key, end, start). */
  findSessionsRange(keyFrom: K | undefined, keyTo: K | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** As {@link findSessionsRange}, in reverse order. */
  backwardFindSessionsRange(keyFrom: K | undefined, keyTo: K | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** Every unexpired session of `key`, by ascending (end, start). */
  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** Every unexpired session of `key`, by descending (end, start). */
  backwardFetch(key: K): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** Every unexpired session of keys in `[keyFrom, keyTo]`, by (key, end, start). */
  fetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
  /** As {@link fetchRange}, in reverse order. */
  backwardFetchRange(keyFrom: K | undefined, keyTo: K | undefined): AsyncIterable<KeyValue<Windowed<K>, AGG>>;
}
