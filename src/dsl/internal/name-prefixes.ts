/**
 * Prefixes of generated node names, spelled as Kafka Streams' `KStreamImpl` /
 * `BranchedKStreamImpl` constants so `Topology.describe()` reads the same as Kafka's for the same
 * program. A generated name is the prefix plus the builder's counter as 10 digits
 * (`KSTREAM-FILTER-0000000001`).
 */
export const NamePrefix = {
  SOURCE: 'KSTREAM-SOURCE-',
  SINK: 'KSTREAM-SINK-',
  FILTER: 'KSTREAM-FILTER-',
  MAP: 'KSTREAM-MAP-',
  MAPVALUES: 'KSTREAM-MAPVALUES-',
  FLATMAP: 'KSTREAM-FLATMAP-',
  FLATMAPVALUES: 'KSTREAM-FLATMAPVALUES-',
  KEY_SELECT: 'KSTREAM-KEY-SELECT-',
  PEEK: 'KSTREAM-PEEK-',
  FOREACH: 'KSTREAM-FOREACH-',
  PRINTER: 'KSTREAM-PRINTER-',
  MERGE: 'KSTREAM-MERGE-',
  BRANCH: 'KSTREAM-BRANCH-',
  PROCESSOR: 'KSTREAM-PROCESSOR-',
  PROCESSVALUES: 'KSTREAM-PROCESSVALUES-',
  REPARTITION: 'KSTREAM-REPARTITION-',
} as const;

/** Suffix of every repartition topic (and of the prefix of its sink/filter/source node names). */
export const REPARTITION_TOPIC_SUFFIX = '-repartition';

/** Infix of generated store names: `<prefix>STATE-STORE-<n>`, e.g. `KSTREAM-AGGREGATE-STATE-STORE-0000000002`. */
export const STATE_STORE_INFIX = 'STATE-STORE-';
