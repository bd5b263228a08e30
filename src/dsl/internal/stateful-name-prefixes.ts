/**
 * Prefixes of the node names the stateful DSL generates, spelled as Kafka Streams'
 * `KTableImpl`, `KStreamImpl`, `KGroupedStreamImpl` and `KGroupedTableImpl` constants (the
 * stateless ones are in `name-prefixes.ts`). Store names are `<prefix>STATE-STORE-<n>` with the
 * same prefixes, e.g. `KSTREAM-AGGREGATE-STATE-STORE-0000000002`.
 */
export const TablePrefix = {
  SOURCE: 'KTABLE-SOURCE-',
  FILTER: 'KTABLE-FILTER-',
  MAPVALUES: 'KTABLE-MAPVALUES-',
  TOSTREAM: 'KTABLE-TOSTREAM-',
  JOINTHIS: 'KTABLE-JOINTHIS-',
  JOINOTHER: 'KTABLE-JOINOTHER-',
  MERGE: 'KTABLE-MERGE-',
  SELECT: 'KTABLE-SELECT-',
  AGGREGATE: 'KTABLE-AGGREGATE-',
  REDUCE: 'KTABLE-REDUCE-',
} as const;

export const StatefulStreamPrefix = {
  JOIN: 'KSTREAM-JOIN-',
  LEFTJOIN: 'KSTREAM-LEFTJOIN-',
  TOTABLE: 'KSTREAM-TOTABLE-',
  AGGREGATE: 'KSTREAM-AGGREGATE-',
  REDUCE: 'KSTREAM-REDUCE-',
} as const;

/** Label of joins that keep null-key records (KIP-962): repartition topics upstream of them keep null keys too. */
export const NULL_KEY_RELAXED_JOIN = 'NULL_KEY_RELAXED_JOIN';
