import type { KeyValueResult } from './query-results.js';

type Answer = KeyValueResult | null | Error;
type Send = (endpoint: string, store: string, keys: readonly string[], allowStale: boolean) => Promise<Answer[]>;

interface Part {
  readonly keys: readonly string[];
  readonly resolve: (answers: Answer[]) => void;
  readonly reject: (error: unknown) => void;
}

interface Batch {
  readonly endpoint: string;
  readonly store: string;
  readonly allowStale: boolean;
  readonly parts: Part[];
  size: number;
}

/**
 * Joins the key batches that concurrent queries send to the same owner in the same turn of the
 * event loop into one forwarded request. Under load an instance reads many queries off its
 * sockets in one turn; each would otherwise send its own small request to each owner, and an
 * HTTP round trip costs both instances far more CPU than reading a few more keys. A lone query
 * waits for nothing: the batch goes at the end of the turn it was asked in (`setImmediate`), so
 * a query still costs at most one forwarded request per remote owner, and often a share of one.
 * A joined request never holds more than `maxKeys` keys (what the owner accepts in one request,
 * when instances share their limits; an owner that refuses a joined request for its size gets
 * each query's batch on its own); each query gets back exactly its own keys' answers, in its
 * order, and a request that fails as a whole otherwise fails every query that was part of it.
 */
export class KeyBatchCoalescer {
  readonly #send: Send;
  readonly #maxKeys: number;
  #pending = new Map<string, Batch>();
  #scheduled = false;

  constructor(send: Send, maxKeys: number) {
    this.#send = send;
    this.#maxKeys = maxKeys;
  }

  keyValues(endpoint: string, store: string, keys: readonly string[], allowStale: boolean): Promise<Answer[]> {
    if (keys.length >= this.#maxKeys) return this.#send(endpoint, store, keys, allowStale);
    return new Promise((resolve, reject) => {
      const id = `${allowStale ? 's' : 'f'}${endpoint}\u0000${store}`;
      let batch = this.#pending.get(id);
      if (batch !== undefined && batch.size + keys.length > this.#maxKeys) {
        this.#pending.delete(id);
        this.#flush(batch);
        batch = undefined;
      }
      if (batch === undefined) this.#pending.set(id, (batch = { endpoint, store, allowStale, parts: [], size: 0 }));
      batch.parts.push({ keys, resolve, reject });
      batch.size += keys.length;
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flushAll());
      }
    });
  }

  #flushAll(): void {
    this.#scheduled = false;
    const batches = this.#pending;
    this.#pending = new Map();
    for (const batch of batches.values()) this.#flush(batch);
  }

  #flush(batch: Batch): void {
    const { parts } = batch;
    if (parts.length === 1) {
      const only = parts[0]!;
      this.#sendSafely(batch, only.keys).then(only.resolve, only.reject);
      return;
    }
    const keys: string[] = [];
    for (const part of parts) for (const key of part.keys) keys.push(key);
    this.#sendSafely(batch, keys).then((answers) => {
      let offset = 0;
      for (const part of parts) {
        part.resolve(answers.slice(offset, offset + part.keys.length));
        offset += part.keys.length;
      }
    }, (error: unknown) => {
      // An owner configured with a lower key limit than ours refuses the joined request: each
      // query's own batch, within the limit it was checked against, goes again on its own.
      if (isLimitExceeded(error)) for (const part of parts) this.#sendSafely(batch, part.keys).then(part.resolve, part.reject);
      else for (const part of parts) part.reject(error);
    });
  }

  /** The request's promise, also when `send` throws instead of rejecting (this runs outside any query's promise chain). */
  #sendSafely(batch: Batch, keys: readonly string[]): Promise<Answer[]> {
    try {
      return this.#send(batch.endpoint, batch.store, keys, batch.allowStale);
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** The owner's LIMIT_EXCEEDED, as the forwarder reports it (a GraphQL error's `extensions.code`, or our exception's `code`). */
function isLimitExceeded(error: unknown): boolean {
  const e = error as { code?: unknown; extensions?: { code?: unknown } } | null;
  return typeof e === 'object' && e !== null && (e.code === 'LIMIT_EXCEEDED' || e.extensions?.code === 'LIMIT_EXCEEDED');
}
