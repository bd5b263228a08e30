/**
 * Errors of the kafkajs adapter. Like kafkajs's own `KafkaJSProtocolError` and the embedded
 * backend's `EmbeddedKafkaError`, they carry Kafka's error name in `type` (what code above the
 * port matches on, e.g. `PRODUCER_FENCED`), a numeric `code` and `retriable`; the kafkajs error
 * stays in `cause`. Messages name what was being done and to which topic, then kafkajs's reason.
 */

/** Type names this adapter uses beyond Kafka's protocol errors. */
export type ClientSideErrorType = 'UNSUPPORTED' | 'ILLEGAL_STATE' | 'BROKER_UNAVAILABLE' | 'KAFKA_ERROR';

export class KafkajsAdapterError extends Error {
  /** Kafka's error name (e.g. `UNKNOWN_TOPIC_OR_PARTITION`, `PRODUCER_FENCED`) or a client-side one. */
  readonly type: string;
  /** Kafka's numeric error code; -1 for client-side errors. */
  readonly code: number;
  readonly retriable: boolean;

  constructor(type: string, message: string, options?: ErrorOptions & { code?: number; retriable?: boolean }) {
    super(message, options);
    this.name = 'KafkajsAdapterError';
    this.type = type;
    this.code = options?.code ?? -1;
    this.retriable = options?.retriable ?? false;
  }
}

/** A feature this adapter cannot provide on kafkajs; the message says what and why. */
export function unsupported(message: string): KafkajsAdapterError {
  return new KafkajsAdapterError('UNSUPPORTED', `Unsupported by the kafkajs adapter: ${message}`);
}

export function illegalState(message: string): KafkajsAdapterError {
  return new KafkajsAdapterError('ILLEGAL_STATE', message);
}

interface ErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly type?: string;
  readonly code?: number | string;
  readonly retriable?: boolean;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: readonly unknown[];
  readonly topic?: string;
  readonly partition?: number;
}

// Kafka answers a fenced transactional producer with INVALID_PRODUCER_EPOCH on the request
// versions kafkajs speaks (PRODUCER_FENCED, code 90, only on newer ones, which kafkajs does not
// even know). Java's TransactionManager reports both as ProducerFencedException; so do we.
const FENCED_CODES = new Set([47, 90]);

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSBrokerNotFound',
  'KafkaJSRequestTimeoutError',
]);

/** The innermost kafkajs error: retries wrap the original in `cause` (or `originalError`). */
export function rootCause(error: unknown): ErrorLike {
  const seen = new Set<unknown>();
  let e = error as ErrorLike;
  while (typeof e === 'object' && e !== null && !seen.has(e)) {
    seen.add(e);
    if (e instanceof KafkajsAdapterError) return e;
    if (typeof e.type === 'string') return e;
    const inner = e.cause ?? e.originalError;
    if (typeof inner !== 'object' || inner === null) return e;
    e = inner as ErrorLike;
  }
  return (typeof e === 'object' && e !== null ? e : { message: String(error) }) as ErrorLike;
}

/**
 * Maps whatever kafkajs threw to a {@link KafkajsAdapterError}.
 * @param what what was being done, naming topics or group, e.g. `send to topic 'orders'`
 */
export function toAdapterError(error: unknown, what: string, options?: { transactional?: boolean }): KafkajsAdapterError {
  if (error instanceof KafkajsAdapterError) return error;
  const root = rootCause(error);
  if (root instanceof KafkajsAdapterError) return root;

  // createTopics and friends report one error per topic.
  if (Array.isArray(root.errors) && root.errors.length > 0) {
    const parts = root.errors.map((e) => {
      const r = rootCause(e);
      return `${r.topic !== undefined ? `'${r.topic}': ` : ''}${r.message ?? String(e)}`;
    });
    const first = rootCause(root.errors[0]);
    return new KafkajsAdapterError(first.type ?? 'KAFKA_ERROR', `Failed to ${what}: ${parts.join('; ')}`, {
      cause: error,
      code: typeof first.code === 'number' ? first.code : -1,
      retriable: first.retriable === true,
    });
  }

  const reason = root.message ?? String(error);
  const numericCode = typeof root.code === 'number' ? root.code : undefined;
  let type = root.type;
  if (numericCode !== undefined && FENCED_CODES.has(numericCode) && options?.transactional === true) type = 'PRODUCER_FENCED';
  if (type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && numericCode === 90) type = 'PRODUCER_FENCED';
  if (type === undefined) {
    if (root.name === 'KafkaJSOffsetOutOfRange') type = 'OFFSET_OUT_OF_RANGE';
    else if (root.name === 'KafkaJSMetadataNotLoaded' || root.name === 'KafkaJSTopicMetadataNotLoaded') type = 'UNKNOWN_TOPIC_OR_PARTITION';
    else if (root.name !== undefined && CONNECTION_ERRORS.has(root.name)) type = 'BROKER_UNAVAILABLE';
    else if (typeof root.code === 'string' && /^E[A-Z]+$/.test(root.code)) type = 'BROKER_UNAVAILABLE';
    else type = 'KAFKA_ERROR';
  }
  const where = root.topic !== undefined ? ` (topic '${root.topic}'${root.partition !== undefined ? `, partition ${root.partition}` : ''})` : '';
  return new KafkajsAdapterError(type, `Failed to ${what}: ${reason}${where}`, {
    cause: error,
    code: numericCode ?? -1,
    retriable: root.retriable === true || type === 'BROKER_UNAVAILABLE',
  });
}
