import type { JsonValue } from './key-text.js';

/** A key-value answer as remote queries carry it: text key, JSON value, where it was read. */
export interface KeyValueResult {
  readonly key: string;
  readonly value: JsonValue;
  readonly partition: number;
  readonly servedBy: string;
  /** Opaque position of the entry (its key bytes) for pagination and merging; '' in key lookups (`getLocal`, forwarded batches). */
  readonly cursor: string;
  /** True when a standby or restoring copy answered (stale reads only). */
  readonly stale?: boolean;
  /** Changelog records that copy is behind, when known. */
  readonly offsetLag?: number;
}

/** A window of a key with its value; `start`/`end` in epoch ms. */
export interface WindowedResult {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly value: JsonValue;
  readonly servedBy: string;
  /** Opaque position (key bytes, window start). */
  readonly cursor: string;
}

/** A session of a key with its aggregate; `start`/`end` in epoch ms, both inclusive. */
export interface SessionResult {
  readonly key: string;
  readonly start: number;
  readonly end: number;
  readonly value: JsonValue;
  readonly servedBy: string;
}

/** One page of a paginated scan. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly hasNextPage: boolean;
}

/** A key range scan: text bounds (inclusive, optional), page size, and the cursor to continue after. */
export interface RangeRequest {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly first: number;
  readonly after?: string | undefined;
}

/** Every key's windows with a start in `[fromMs, toMs]`, optionally within a key range. */
export interface WindowedRangeRequest {
  readonly fromMs: number;
  readonly toMs: number;
  readonly keyFrom?: string | undefined;
  readonly keyTo?: string | undefined;
  readonly first: number;
  readonly after?: string | undefined;
}

/**
 * How the router reaches another instance: implemented by `graphql/` over HTTP. Every call
 * targets an endpoint the router learned from the group, and is answered by that instance from
 * its local stores only (forwarded requests are never forwarded again). Failures to reach the
 * instance reject with `OwnerUnreachableException`; the instance's own errors keep their code.
 */
export interface QueryForwarder {
  /** Values of `keys` in order (`null` when absent, an Error where that key failed). */
  keyValues(endpoint: string, store: string, keys: readonly string[], allowStale?: boolean): Promise<Array<KeyValueResult | null | Error>>;
  /** A page of the instance's `partitions` of the store. */
  range(endpoint: string, store: string, request: RangeRequest, partitions: readonly number[]): Promise<Page<KeyValueResult>>;
  windowed(endpoint: string, store: string, key: string, fromMs: number, toMs: number): Promise<WindowedResult[]>;
  windowedRange(endpoint: string, store: string, request: WindowedRangeRequest, partitions: readonly number[]): Promise<Page<WindowedResult>>;
  sessions(endpoint: string, store: string, key: string): Promise<SessionResult[]>;
}
