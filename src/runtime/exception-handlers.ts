import type { ExceptionHandlerName, ProductionErrorContext, ProductionErrorRecord, ResolvedStreamsConfig } from '../config.js';
import { DeserializationException, StreamsException, TaskMigratedException } from '../errors.js';
import type { ConsumedRecord, Header, ProducerRecord } from '../kafka/port.js';
import type { Logger } from 'pino';
import { kafkaErrorType } from './kafka-errors.js';
import type { TaskId, TaskMetricsSink } from './task.js';

/**
 * Kafka KIP-1034's dead-letter headers (`ExceptionHandlerUtils`), so tools written for Kafka
 * Streams' dead-letter topics read ours.
 */
export const DLQ_HEADERS = {
  EXCEPTION: '__streams.errors.exception',
  MESSAGE: '__streams.errors.message',
  STACKTRACE: '__streams.errors.stacktrace',
  TOPIC: '__streams.errors.topic',
  PARTITION: '__streams.errors.partition',
  OFFSET: '__streams.errors.offset',
} as const;

/**
 * A processing failure the handler decided to fail on. Already handled: a parent processor
 * whose `forward` threw it must rethrow it as is, not handle it again.
 */
export class FailedProcessingException extends StreamsException {
  constructor(message: string, cause: unknown) {
    super(message, 'PROCESSING', { cause });
  }
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/** Errors that must pass through the handlers untouched (already decided, or a lost task). */
export function isPassThrough(e: unknown): boolean {
  return e instanceof FailedProcessingException || e instanceof TaskMigratedException;
}

function where(raw: ConsumedRecord): string {
  return `topic ${raw.topic} partition ${raw.partition} offset ${raw.offset}`;
}

export function deserializationFailure(raw: ConsumedRecord, sourceNode: string, error: Error): DeserializationException {
  return new DeserializationException(
    `Failed to deserialize the record at ${where(raw)} (source node ${sourceNode}): ${error.message}. ` +
      `The deserialization exception handler is 'logAndFail'; set 'default.deserialization.exception.handler' ` +
      `to 'logAndContinue' or 'deadLetterQueue' to skip such records.`,
    { cause: error },
  );
}

export function processingFailure(raw: ConsumedRecord | undefined, nodeName: string, error: Error): FailedProcessingException {
  const origin = raw === undefined ? 'during punctuation' : `while processing the record at ${where(raw)}`;
  return new FailedProcessingException(
    `Exception caught in processor ${nodeName} ${origin}: ${error.message}. ` +
      `The processing exception handler is 'logAndFail'; set 'processing.exception.handler' ` +
      `to 'logAndContinue' or 'deadLetterQueue' to skip such records.`,
    error,
  );
}

/**
 * The dead-letter record: the ORIGINAL key and value bytes and headers of the input record, plus
 * the error headers. Sent with the input record's timestamp, partitioned by its key.
 */
export function deadLetterRecord(dlqTopic: string, raw: ConsumedRecord, error: Error): ProducerRecord {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const headers: Header[] = [
    ...raw.headers,
    ...errorHeaders(error),
    { key: DLQ_HEADERS.TOPIC, value: text(raw.topic) },
    { key: DLQ_HEADERS.PARTITION, value: text(String(raw.partition)) },
    { key: DLQ_HEADERS.OFFSET, value: text(String(raw.offset)) },
  ];
  return { topic: dlqTopic, key: raw.key, value: raw.value, timestamp: raw.timestamp, headers };
}

export type HandlerDecision = 'fail' | 'continue' | 'deadLetter';

export function decisionOf(handler: ExceptionHandlerName): HandlerDecision {
  switch (handler) {
    case 'logAndFail':
      return 'fail';
    case 'logAndContinue':
      return 'continue';
    case 'deadLetterQueue':
      return 'deadLetter';
  }
}

/**
 * Send errors the production exception handler never sees (Kafka's `RecordCollectorImpl.recordSendError`):
 * the producer was fenced or lost its idempotent state (the task may have moved), or a fatal
 * error (security, an invalid topic name, an unknown server error, an illegal state).
 */
const NOT_FOR_THE_PRODUCTION_HANDLER = new Set([
  'PRODUCER_FENCED',
  'INVALID_PRODUCER_EPOCH',
  'UNKNOWN_PRODUCER_ID',
  'INVALID_PRODUCER_ID_MAPPING',
  'OUT_OF_ORDER_SEQUENCE_NUMBER',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  'SECURITY_DISABLED',
  'INVALID_TOPIC_EXCEPTION',
  'UNKNOWN_SERVER_ERROR',
  'OFFSET_METADATA_TOO_LARGE',
  'ILLEGAL_STATE',
]);

/** True when the production exception handler may decide about this send error. */
export function isHandleableSendError(error: unknown): boolean {
  if (error instanceof TaskMigratedException) return false;
  const type = kafkaErrorType(error);
  return type === undefined || !NOT_FOR_THE_PRODUCTION_HANDLER.has(type);
}

/**
 * Asks the production exception handler about a record: 'fail', 'continue' or 'deadLetter'. A
 * function handler that throws or answers something else than 'CONTINUE' / 'FAIL' means 'fail'
 * (Kafka: "Fatal user code error in production error callback").
 */
export function productionDecision(
  handler: ResolvedStreamsConfig['productionExceptionHandler'],
  context: ProductionErrorContext,
  record: ProductionErrorRecord,
  error: Error,
  origin: 'SERIALIZATION' | 'SEND',
): HandlerDecision {
  if (typeof handler !== 'function') return handler === 'fail' ? 'fail' : handler === 'continue' ? 'continue' : 'deadLetter';
  try {
    return handler(context, record, error, origin) === 'CONTINUE' ? 'continue' : 'fail';
  } catch {
    return 'fail';
  }
}

export function serializationFailure(sink: string, topic: string, raw: ConsumedRecord | undefined, error: Error): FailedProcessingException {
  const origin = raw === undefined ? 'during punctuation' : `input record at ${where(raw)}`;
  return new FailedProcessingException(
    `Failed to serialize the record of sink ${sink} to topic ${topic} (${origin}): ${error.message}. ` +
      `The production exception handler is 'fail'; set 'production.exception.handler' ` +
      `to 'continue' or 'deadLetterQueue' to skip such records.`,
    error,
  );
}

/** The error headers every dead-letter record carries: exception class, message, stack trace. */
function errorHeaders(error: Error): Header[] {
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  return [
    { key: DLQ_HEADERS.EXCEPTION, value: text(error.name) },
    { key: DLQ_HEADERS.MESSAGE, value: text(error.message) },
    { key: DLQ_HEADERS.STACKTRACE, value: text(error.stack ?? `${error.name}: ${error.message}`) },
  ];
}

/** The dead-letter record of a record the producer failed to send: its own bytes and headers, plus the error headers. */
export function sendFailureDeadLetter(dlqTopic: string, record: ProducerRecord, error: Error): ProducerRecord {
  const headers: Header[] = [...(record.headers ?? []), ...errorHeaders(error)];
  return { topic: dlqTopic, key: record.key, value: record.value, ...(record.timestamp === undefined ? {} : { timestamp: record.timestamp }), headers };
}

export interface SendErrorHandlerOptions {
  readonly config: Pick<ResolvedStreamsConfig, 'productionExceptionHandler' | 'deadLetterQueueTopic'>;
  readonly log: Pick<Logger, 'error'>;
  readonly metrics: TaskMetricsSink | undefined;
  /** The task that sent a record, when known. */
  readonly taskOf: (record: ProducerRecord) => TaskId | undefined;
  /** Queues a dead-letter record. */
  readonly deadLetter: (record: ProducerRecord) => void;
}

/**
 * The at-least-once collector's `onSendError`: asks the production exception handler; on
 * 'continue' / 'deadLetterQueue' logs, counts `dropped-records` for the sending task and (DLQ)
 * queues the failed record's bytes to the dead letter topic. A dead-letter record that cannot be
 * sent itself fails (no loop, no silent loss).
 */
export function sendErrorHandler(o: SendErrorHandlerOptions): (record: ProducerRecord, error: Error, origin: 'SEND') => 'CONTINUE' | 'FAIL' {
  const { productionExceptionHandler: handler, deadLetterQueueTopic: dlqTopic } = o.config;
  return (record, error, origin) => {
    if (handler === 'deadLetterQueue' && record.topic === dlqTopic) return 'FAIL';
    const taskId = o.taskOf(record);
    const decision = productionDecision(handler, taskId === undefined ? {} : { taskId }, record, error, origin);
    if (decision === 'fail') return 'FAIL';
    const dead = decision === 'deadLetter' && dlqTopic !== undefined;
    o.log.error(
      { err: error, sinkTopic: record.topic, task: taskId },
      `send failed; the production exception handler chose to continue: the record is dropped${dead ? ' and sent to the dead letter queue' : ''}`,
    );
    if (dead) {
      o.deadLetter(sendFailureDeadLetter(dlqTopic, record, error));
      if (taskId !== undefined) o.metrics?.increment('dead-letter-records', taskId);
    }
    if (taskId !== undefined) o.metrics?.increment('dropped-records', taskId);
    return 'CONTINUE';
  };
}
