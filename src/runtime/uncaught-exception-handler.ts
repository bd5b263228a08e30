/**
 * What a `KafkaStreams` client does when one of its stream threads dies of an error
 * (Kafka Streams' `StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse`).
 */
export const StreamThreadExceptionResponse = {
  /** Close the failed thread's tasks as lost and start a new thread in its place. */
  REPLACE_THREAD: 'REPLACE_THREAD',
  /** Stop this client: PENDING_ERROR → ERROR. The default. */
  SHUTDOWN_CLIENT: 'SHUTDOWN_CLIENT',
  /**
   * Stop every client of the application (same `application.id`): the request travels to the
   * group leader in this client's subscription userData at the next rebalance, and the leader
   * answers every member with a shutdown error code in its assignment.
   */
  SHUTDOWN_APPLICATION: 'SHUTDOWN_APPLICATION',
} as const;

export type StreamThreadExceptionResponse = (typeof StreamThreadExceptionResponse)[keyof typeof StreamThreadExceptionResponse];

/** Decides what to do about an error that killed a stream thread. */
export type StreamsUncaughtExceptionHandler = (error: Error) => StreamThreadExceptionResponse;

const RESPONSES: readonly string[] = Object.values(StreamThreadExceptionResponse);

/** Runs the handler; a handler that throws or answers something unknown means SHUTDOWN_CLIENT. */
export function decide(handler: StreamsUncaughtExceptionHandler | undefined, error: Error): { response: StreamThreadExceptionResponse; handlerError?: unknown } {
  if (handler === undefined) return { response: 'SHUTDOWN_CLIENT' };
  try {
    const response = handler(error);
    if (RESPONSES.includes(response)) return { response };
    return { response: 'SHUTDOWN_CLIENT', handlerError: new TypeError(`The uncaught exception handler must return one of ${RESPONSES.join(', ')}, but got: ${String(response)}`) };
  } catch (e) {
    return { response: 'SHUTDOWN_CLIENT', handlerError: e };
  }
}
