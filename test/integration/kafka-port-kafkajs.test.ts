/**
 * The Kafka port conformance suite against a real broker through the kafkajs adapter.
 * The broker address comes from KAFKA_BOOTSTRAP_SERVERS (set by the integration global setup,
 * or by hand: `KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka-local start) npx vitest run --project integration`).
 */
import { createKafkaClient } from '../../src/kafka/index.js';
import { kafkaPortSuite } from '../kafka/port.suite.js';

const bootstrapServers = process.env.KAFKA_BOOTSTRAP_SERVERS;
if (bootstrapServers === undefined || bootstrapServers === '') {
  throw new Error('KAFKA_BOOTSTRAP_SERVERS is not set: the kafkajs port suite needs a real broker (see scripts/kafka-local)');
}

kafkaPortSuite('kafkajs', () => createKafkaClient({ bootstrapServers, clientId: 'port-suite-kafkajs' }), {
  topicPrefix: 'port-kafkajs-',
  // kafkajs keeps record headers in an object keyed by name and cannot encode a null value.
  supports: { interleavedHeaderOrder: false, nullHeaderValues: false },
});
