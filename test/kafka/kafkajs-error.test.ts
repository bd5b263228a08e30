import { describe, expect, it } from 'vitest';
import { KafkajsAdapterError, toAdapterError } from '../../src/kafka/kafkajs/kafkajs-error.js';

/** A kafkajs protocol error as kafkajs builds it (`KafkaJSProtocolError`). */
function protocolError(type: string, code: number, message: string, retriable = false): Error {
  return Object.assign(new Error(message), { name: 'KafkaJSProtocolError', type, code, retriable });
}

describe('kafkajs error mapping', () => {
  it("keeps Kafka's error name in `type`, says what failed, and keeps the kafkajs error as cause", () => {
    const original = protocolError('UNKNOWN_TOPIC_OR_PARTITION', 3, 'This server does not host this topic-partition', true);
    const error = toAdapterError(original, "send 1 record(s) to topic(s) 'orders'");
    expect(error).toBeInstanceOf(KafkajsAdapterError);
    expect(error).toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION', code: 3, retriable: true });
    expect(error.message).toBe("Failed to send 1 record(s) to topic(s) 'orders': This server does not host this topic-partition");
    expect(error.cause).toBe(original);
  });

  it('finds the original error behind kafkajs retry wrappers', () => {
    const original = protocolError('REBALANCE_IN_PROGRESS', 27, 'The group is rebalancing, so a rejoin is needed');
    const wrapped = Object.assign(new Error('retries exceeded'), { name: 'KafkaJSNumberOfRetriesExceeded', cause: original });
    expect(toAdapterError(wrapped, 'commit').type).toBe('REBALANCE_IN_PROGRESS');
  });

  it('reports a fenced transactional producer as PRODUCER_FENCED, whichever code the broker used', () => {
    const epoch = protocolError('INVALID_PRODUCER_EPOCH', 47, 'Producer attempted an operation with an old epoch');
    expect(toAdapterError(epoch, 'commit the transaction', { transactional: true }).type).toBe('PRODUCER_FENCED');
    expect(toAdapterError(epoch, 'send').type).toBe('INVALID_PRODUCER_EPOCH');
    const fenced = protocolError('KAFKAJS_UNKNOWN_ERROR_CODE', 90, 'Unknown error code 90');
    expect(toAdapterError(fenced, 'commit the transaction').type).toBe('PRODUCER_FENCED');
  });

  it('names every topic of an aggregated per-topic failure', () => {
    const aggregate = Object.assign(new Error('Topic creation errors'), {
      name: 'KafkaJSAggregateError',
      errors: [
        Object.assign(protocolError('INVALID_PARTITIONS', 37, 'Number of partitions is invalid'), { topic: 'a' }),
        Object.assign(protocolError('INVALID_REPLICATION_FACTOR', 38, 'Replication-factor is invalid'), { topic: 'b' }),
      ],
    });
    const error = toAdapterError(aggregate, "create topic(s) 'a', 'b'");
    expect(error.type).toBe('INVALID_PARTITIONS');
    expect(error.message).toBe("Failed to create topic(s) 'a', 'b': 'a': Number of partitions is invalid; 'b': Replication-factor is invalid");
  });

  it('classifies connection failures as BROKER_UNAVAILABLE and unknown ones as KAFKA_ERROR', () => {
    expect(toAdapterError(Object.assign(new Error('Connection error: connect ECONNREFUSED'), { name: 'KafkaJSConnectionError' }), 'connect').type).toBe('BROKER_UNAVAILABLE');
    expect(toAdapterError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }), 'connect')).toMatchObject({ type: 'BROKER_UNAVAILABLE', retriable: true });
    expect(toAdapterError(new Error('boom'), 'do it')).toMatchObject({ type: 'KAFKA_ERROR', message: 'Failed to do it: boom' });
    expect(toAdapterError('not even an error', 'do it').message).toBe('Failed to do it: not even an error');
  });

  it('passes adapter errors through unchanged', () => {
    const own = new KafkajsAdapterError('UNSUPPORTED', 'nope');
    expect(toAdapterError(own, 'x')).toBe(own);
    expect(toAdapterError(Object.assign(new Error('wrapper'), { cause: own }), 'x')).toBe(own);
  });
});
