/**
 * The embedded (in-process) Kafka backend, selected by `bootstrap.servers: embedded://NAME`.
 * Clusters are process-wide by name: every client created with the same name shares its
 * topics, groups and transactions, so two KafkaStreams instances in one process form one
 * consumer group on it.
 *
 * It behaves as a single Kafka broker with `auto.create.topics.enable=false` where the port
 * can tell: offsets, control markers and the LSO of transactions, producer fencing, classic
 * eager group rebalancing with generations, DescribeGroups only showing metadata when Stable,
 * out-of-range resets, cleaning of closed segments. Where it knowingly differs:
 * - liveness: a member "heartbeats" unless it is inside one of its own callbacks (or frozen
 *   with `freezeEmbeddedConsumers`); any positive session timeout is accepted, without the
 *   broker's 6 s minimum, so that expiry can be tested quickly;
 * - replication factors are accepted and ignored (there is one copy);
 * - segments default to 32 MiB (not 1 GiB) so that memory stays bounded; cleaning runs when
 *   a segment closes, not on a timer;
 * - every send is atomic: it lands entirely or not at all.
 */
import type { KafkaClient, KafkaClientOptions } from '../port.js';
import { EmbeddedClient } from './client.js';
import { embeddedCluster } from './registry.js';

export { resetEmbeddedCluster, embeddedClusterNames, freezeEmbeddedConsumers, failEmbeddedTransactions } from './registry.js';
export type { TransactionFault } from './transaction-coordinator.js';
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
