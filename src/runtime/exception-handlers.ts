import type { ExceptionHandlerName } from '../config.js';
import { DeserializationException, StreamsException, TaskMigratedException } from '../errors.js';
import type { ConsumedRecord, Header, ProducerRecord } from '../kafka/port.js';

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
    { key: DLQ_HEADERS.EXCEPTION, value: text(error.name) },
    { key: DLQ_HEADERS.MESSAGE, value: text(error.message) },
    { key: DLQ_HEADERS.STACKTRACE, value: text(error.stack ?? `${error.name}: ${error.message}`) },
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
