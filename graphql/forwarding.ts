/** Headers of a request one instance forwards to another. */
export const FORWARDED_HEADER = 'x-kstreams-forwarded';
/** The store partitions a forwarded scan covers (comma-separated). */
export const PARTITIONS_HEADER = 'x-kstreams-partitions';

/**
 * The query text of a forwarded key batch. Kept byte-for-byte stable: the receiving instance
 * recognises it and answers it without the GraphQL pipeline (see `forwardedKeyValues`).
 */
export const FORWARDED_KEY_VALUES = 'query KeyValues($store: String!, $keys: [String!]!, $allowStale: Boolean) { keyValues(store: $store, keys: $keys, allowStale: $allowStale) { key value partition servedBy stale offsetLag } }';
