/** Headers of a request one instance forwards to another. */
export const FORWARDED_HEADER = 'x-kstreams-forwarded';
/** The store partitions a forwarded scan covers (comma-separated). */
export const PARTITIONS_HEADER = 'x-kstreams-partitions';
