/**
 * kstreams: Kafka Streams for TypeScript, with the state it builds queryable over GraphQL.
 * This file is the whole public API; nothing else is importable by users.
 */

/* Config and errors */
export { StreamsConfig } from './config.js';
export type { StreamsConfigInput, ProcessingGuarantee, ExceptionHandlerName } from './config.js';
export {
  StreamsException, TopologyException, MissingSourceTopicException, ConfigException, IllegalStateException,
  DeserializationException, InvalidStateStoreException, TaskMigratedException, streamsErrorCodes,
} from './errors.js';
export type { StreamsErrorCode } from './errors.js';

/* Serdes */
export type { Serde } from './serde/serde.js';
export { Serdes } from './serde/serdes.js';

/* Kafka port (types only: users pick a backend through bootstrap.servers) */
export type { Header, TopicPartition } from './kafka/port.js';

/* Processor API */

/* Topology and DSL */

/* Runtime */

/* State stores */

/* Test driver */
