import { IllegalStateException } from '../errors.js';

/**
 * The lifecycle of a `KafkaStreams` client, with Kafka Streams' state names.
 *
 * CREATED → REBALANCING (start) → RUNNING ⇄ REBALANCING → PENDING_SHUTDOWN (close) → NOT_RUNNING;
 * a fatal error takes REBALANCING or RUNNING to PENDING_ERROR → ERROR. `close()` on an ERROR
 * client releases what is left and keeps it in ERROR, as Kafka Streams does.
 */
export type KafkaStreamsState =
  | 'CREATED'
  | 'REBALANCING'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'NOT_RUNNING'
  | 'PENDING_ERROR'
  | 'ERROR';

/** Legal transitions, in one table (Kafka Streams' `KafkaStreams.State` valid transitions). */
const NEXT: { readonly [S in KafkaStreamsState]: readonly KafkaStreamsState[] } = {
  CREATED: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  REBALANCING: ['RUNNING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  RUNNING: ['REBALANCING', 'PENDING_SHUTDOWN', 'PENDING_ERROR'],
  PENDING_SHUTDOWN: ['NOT_RUNNING'],
  NOT_RUNNING: [],
  PENDING_ERROR: ['ERROR'],
  ERROR: [],
};

export function isValidTransition(from: KafkaStreamsState, to: KafkaStreamsState): boolean {
  return NEXT[from].includes(to);
}

/** Throws `IllegalStateException` when `from → to` is not in the table. */
export function checkTransition(from: KafkaStreamsState, to: KafkaStreamsState): void {
  if (!isValidTransition(from, to)) {
    throw new IllegalStateException(`KafkaStreams cannot go from ${from} to ${to}; allowed from ${from}: ${NEXT[from].join(', ') || 'none'}`);
  }
}

/** True for the states a client never leaves by itself (start() waits for one of these or RUNNING). */
export function isTerminal(state: KafkaStreamsState): boolean {
  return state === 'NOT_RUNNING' || state === 'ERROR' || state === 'PENDING_SHUTDOWN' || state === 'PENDING_ERROR';
}

/** Called on every transition, after it happened. */
export type StateListener = (newState: KafkaStreamsState, oldState: KafkaStreamsState) => void;
