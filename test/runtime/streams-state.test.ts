import { describe, expect, it } from 'vitest';
import { IllegalStateException } from '../../src/errors.js';
import { checkTransition, isValidTransition, type KafkaStreamsState } from '../../src/runtime/streams-state.js';
import { decide } from '../../src/runtime/uncaught-exception-handler.js';

const ALL: KafkaStreamsState[] = ['CREATED', 'REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING', 'PENDING_ERROR', 'ERROR'];

describe('KafkaStreams state transitions', () => {
  it('allows exactly Kafka Streams\' transitions', () => {
    const allowed = ALL.flatMap((from) => ALL.filter((to) => isValidTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed).toEqual([
      'CREATED->REBALANCING', 'CREATED->PENDING_SHUTDOWN', 'CREATED->PENDING_ERROR',
      'REBALANCING->RUNNING', 'REBALANCING->PENDING_SHUTDOWN', 'REBALANCING->PENDING_ERROR',
      'RUNNING->REBALANCING', 'RUNNING->PENDING_SHUTDOWN', 'RUNNING->PENDING_ERROR',
      'PENDING_SHUTDOWN->NOT_RUNNING',
      'PENDING_ERROR->ERROR',
    ]);
  });

  it('names both states and the allowed ones when refusing', () => {
    expect(() => checkTransition('NOT_RUNNING', 'RUNNING')).toThrow(IllegalStateException);
    expect(() => checkTransition('RUNNING', 'CREATED')).toThrow('KafkaStreams cannot go from RUNNING to CREATED; allowed from RUNNING: REBALANCING, PENDING_SHUTDOWN, PENDING_ERROR');
  });
});

describe('uncaught exception handler decision', () => {
  const boom = new Error('boom');
  it('defaults to SHUTDOWN_CLIENT', () => {
    expect(decide(undefined, boom)).toEqual({ response: 'SHUTDOWN_CLIENT' });
  });
  it('passes the handler\'s answer through', () => {
    expect(decide(() => 'REPLACE_THREAD', boom).response).toBe('REPLACE_THREAD');
    expect(decide(() => 'SHUTDOWN_APPLICATION', boom).response).toBe('SHUTDOWN_APPLICATION');
  });
  it('shuts the client down when the handler throws or answers nonsense', () => {
    const thrown = decide(() => { throw new Error('handler bug'); }, boom);
    expect(thrown.response).toBe('SHUTDOWN_CLIENT');
    expect(String(thrown.handlerError)).toMatch(/handler bug/);
    const nonsense = decide(() => 'RETRY' as never, boom);
    expect(nonsense.response).toBe('SHUTDOWN_CLIENT');
    expect(String(nonsense.handlerError)).toMatch(/but got: RETRY/);
  });
});
