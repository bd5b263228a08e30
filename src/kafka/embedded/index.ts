/**
 * The embedded (in-process) Kafka backend, selected by `bootstrap.servers: embedded://NAME`.
 * Clusters are process-wide by name: every client created with the same name shares its
 * topics, groups and transactions, so two KafkaStreams instances in one process form one
 * consumer group on it.
 */
import type { KafkaClient, KafkaClientOptions } from '../port.js';
import { EmbeddedClient } from './client.js';
import { embeddedCluster } from './registry.js';

export { resetEmbeddedCluster, embeddedClusterNames, freezeEmbeddedConsumers } from './registry.js';
export { EmbeddedKafkaError, embeddedErrorCodes } from './errors.js';
export type { EmbeddedErrorType } from './errors.js';

/**
 * A client of the process-wide embedded cluster `name`, created empty on first use.
 * @param name the NAME of `embedded://NAME`
 * @throws TypeError when `name` is empty
 */
export function createEmbeddedClient(name: string, options: KafkaClientOptions): KafkaClient {
  if (typeof name !== 'string' || name === '') {
    throw new TypeError(`An embedded cluster needs a name (embedded://NAME), but got: ${JSON.stringify(name)}`);
  }
  return new EmbeddedClient(embeddedCluster(name), options);
}
