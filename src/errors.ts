/**
 * Every error kstreams throws on purpose is a StreamsException with a stable `code`.
 * Class names follow Kafka Streams' `errors` package; `graphql/` alone maps codes to
 * GraphQL `extensions.code`.
 */
export const streamsErrorCodes = [
  'CONFIG',
  'TOPOLOGY',
  'MISSING_SOURCE_TOPIC',
  'DESERIALIZATION',
  'PROCESSING',
  'TASK_MIGRATED',
  'TASK_CORRUPTED',
  'PRODUCER_FENCED',
  'INVALID_STATE_STORE',
  'STORE_MIGRATED',
  'UNKNOWN_STORE',
  'WRONG_STORE_TYPE',
  'ILLEGAL_STATE',
  'STATE_DIR_LOCKED',
  // Kafka's TimeoutException: an operation given a time limit did not finish within it.
  'TIMEOUT',
  // Interactive queries (src/query): a key the store's key serde cannot take, an owning
  // instance that did not answer, a request over the page-size or key-count limits.
  'BAD_KEY',
  'OWNER_UNREACHABLE',
  'LIMIT_EXCEEDED',
] as const;
export type StreamsErrorCode = (typeof streamsErrorCodes)[number];

export class StreamsException extends Error {
  readonly code: StreamsErrorCode;
  constructor(message: string, code: StreamsErrorCode = 'PROCESSING', options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The topology is invalid (e.g. co-partitioning mismatch, unknown parent node, duplicate name). */
export class TopologyException extends StreamsException {
  constructor(message: string, options?: ErrorOptions) {
    super(`Invalid topology: ${message}`, 'TOPOLOGY', options);
  }
}

/** A topic the topology reads does not exist. */
export class MissingSourceTopicException extends StreamsException {
  constructor(readonly topics: readonly string[]) {
    super(`Missing source topic(s): ${topics.join(', ')}. Create them before starting the application.`, 'MISSING_SOURCE_TOPIC');
  }
}

export class ConfigException extends StreamsException {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'CONFIG', options);
  }
}

/** A method was called in a state that does not allow it (e.g. start() twice). */
export class IllegalStateException extends StreamsException {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'ILLEGAL_STATE', options);
  }
}

/** A record could not be deserialized; names where it came from. */
export class DeserializationException extends StreamsException {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'DESERIALIZATION', options);
  }
}

/** The store cannot be queried now (restoring, migrating, closed). Retriable. */
export class InvalidStateStoreException extends StreamsException {
  constructor(message: string, code: 'INVALID_STATE_STORE' | 'STORE_MIGRATED' | 'UNKNOWN_STORE' | 'WRONG_STORE_TYPE' = 'INVALID_STATE_STORE', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/**
 * Exactly-once: a Kafka error (not a fencing) failed or aborted these tasks' transactions, so
 * their local state may hold writes that were never committed. The stream thread closes them
 * dirty, rebuilds their state from the changelogs and reprocesses from the committed offsets.
 */
export class TaskCorruptedException extends StreamsException {
  constructor(
    message: string,
    readonly taskIds: readonly string[],
    options?: ErrorOptions,
  ) {
    super(message, 'TASK_CORRUPTED', options);
  }
}

/** This instance no longer owns a task (rebalance or fencing); the task is closed as lost. */
export class TaskMigratedException extends StreamsException {
  constructor(message: string, options?: ErrorOptions) {
    super(message, 'TASK_MIGRATED', options);
  }
}
