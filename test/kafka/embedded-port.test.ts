/**
 * The Kafka port conformance suite against the embedded backend. Every feature of the port is
 * supported, so no case is declared unsupported.
 */
import { afterAll } from 'vitest';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import { kafkaPortSuite } from './port.suite.js';

const cluster = `port-suite-${process.pid}`;
afterAll(() => {
  resetEmbeddedCluster(cluster);
});

kafkaPortSuite('embedded', () => createEmbeddedClient(cluster, { bootstrapServers: `embedded://${cluster}`, clientId: 'port-suite' }));
