import { InvalidStateStoreException, StreamsException } from '../errors.js';

/** No store of that name is queryable in this topology (Kafka's `UnknownStateStoreException`). Not retriable. */
export class UnknownStateStoreException extends InvalidStateStoreException {
  constructor(storeName: string, known: readonly string[]) {
    super(`Cannot get state store ${storeName} because no such store is registered in the topology; queryable stores: [${known.join(', ')}]`, 'UNKNOWN_STORE');
  }
}

/** The store exists but is of another kind than the query asked for. Not retriable. */
export class WrongStoreTypeException extends InvalidStateStoreException {
  constructor(storeName: string, expected: string, actual: string) {
    super(`Store ${storeName} is a ${actual} store, but the query expects a ${expected} store`, 'WRONG_STORE_TYPE');
  }
}

/** A key given as text cannot be read by the store's key serde. */
export class BadKeyException extends StreamsException {
  constructor(storeName: string, key: string, options?: ErrorOptions) {
    super(`Key ${JSON.stringify(key)} cannot be read as a key of store ${storeName}`, 'BAD_KEY', options);
  }
}

/** The instance owning a key's partition (learned from the group) did not answer. */
export class OwnerUnreachableException extends StreamsException {
  constructor(readonly endpoint: string, options?: ErrorOptions) {
    super(`The instance ${endpoint} that owns the partition did not answer`, 'OWNER_UNREACHABLE', options);
  }
}

/** A request over the page-size or key-count limits. */
export class QueryLimitException extends StreamsException {
  constructor(what: string, limit: number, received: number) {
    super(`${what} is limited to ${limit}, but got: ${received}`, 'LIMIT_EXCEEDED');
  }
}

/**
 * Whether a query failing with `error` may succeed when retried: the store is restoring, moved
 * or not yet assigned (Kafka's `InvalidStateStoreException` family minus unknown / wrong type).
 */
export function isRetriable(error: unknown): boolean {
  return error instanceof StreamsException && (error.code === 'INVALID_STATE_STORE' || error.code === 'STORE_MIGRATED');
}
