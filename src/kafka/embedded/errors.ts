/**
 * Errors of the embedded backend. They carry Kafka's own error names (`type`) and numeric
 * codes, and a `retriable` flag, in the same shape kafkajs gives its `KafkaJSProtocolError`, so
 * code above the port can recognise a fenced producer or a stale generation the same way on
 * both backends.
 */

/** Kafka protocol error names the embedded backend raises, with Kafka's numeric codes. */
export const embeddedErrorCodes = {
  OFFSET_OUT_OF_RANGE: 1,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  REQUEST_TIMED_OUT: 7,
  MESSAGE_TOO_LARGE: 10,
  COORDINATOR_NOT_AVAILABLE: 15,
  INVALID_TOPIC_EXCEPTION: 17,
  NOT_ENOUGH_REPLICAS: 19,
  ILLEGAL_GENERATION: 22,
  INCONSISTENT_GROUP_PROTOCOL: 23,
  UNKNOWN_MEMBER_ID: 25,
  INVALID_SESSION_TIMEOUT: 26,
  REBALANCE_IN_PROGRESS: 27,
  INVALID_PARTITIONS: 37,
  INVALID_REPLICATION_FACTOR: 38,
  INVALID_CONFIG: 40,
  INVALID_REQUEST: 42,
  INVALID_PRODUCER_EPOCH: 47,
  INVALID_TXN_STATE: 48,
  INVALID_TRANSACTION_TIMEOUT: 50,
  NON_EMPTY_GROUP: 68,
  GROUP_ID_NOT_FOUND: 69,
  INVALID_RECORD: 87,
  PRODUCER_FENCED: 90,
  /** Not a Kafka protocol error: the client was used in a state that does not allow the call. */
  ILLEGAL_STATE: -1,
} as const;

export type EmbeddedErrorType = keyof typeof embeddedErrorCodes;

const RETRIABLE: ReadonlySet<EmbeddedErrorType> = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'REBALANCE_IN_PROGRESS',
  // Raised only by injected faults (failEmbeddedTransactions): what a broker answers under trouble.
  'REQUEST_TIMED_OUT',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_ENOUGH_REPLICAS',
]);

export class EmbeddedKafkaError extends Error {
  /** Kafka's error name, e.g. `PRODUCER_FENCED`, as kafkajs reports it in `type`. */
  readonly type: EmbeddedErrorType;
  /** Kafka's numeric error code (-1 for client-side state errors). */
  readonly code: number;
  readonly retriable: boolean;

  constructor(type: EmbeddedErrorType, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmbeddedKafkaError';
    this.type = type;
    this.code = embeddedErrorCodes[type];
    this.retriable = RETRIABLE.has(type);
  }
}

export function unknownTopic(topic: string, partition?: number): EmbeddedKafkaError {
  const where = partition === undefined ? `topic '${topic}'` : `partition ${topic}-${partition}`;
  return new EmbeddedKafkaError(
    'UNKNOWN_TOPIC_OR_PARTITION',
    `This server does not host ${where} (embedded backends do not auto-create topics; create it first)`,
  );
}

export function illegalState(message: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError('ILLEGAL_STATE', message);
}
