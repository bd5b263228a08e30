import { EmbeddedCluster } from './cluster.js';
import type { TransactionFault } from './transaction-coordinator.js';

// Kept on globalThis so that two copies of this module (say, `src` through tsx and `dist` in
// one process) still share clusters: `embedded://demo` must mean one cluster per process.
const REGISTRY_KEY = Symbol.for('kstreams.embedded-kafka.clusters');

function registry(): Map<string, EmbeddedCluster> {
  const holder = globalThis as { [REGISTRY_KEY]?: Map<string, EmbeddedCluster> };
  return (holder[REGISTRY_KEY] ??= new Map());
}

/** The process-wide cluster of that name, created on first use. */
export function embeddedCluster(name: string): EmbeddedCluster {
  const clusters = registry();
  let cluster = clusters.get(name);
  if (cluster === undefined) clusters.set(name, (cluster = new EmbeddedCluster(name)));
  return cluster;
}

/**
 * Deletes the named cluster with everything in it. Clients created before keep working on
 * nothing: their calls fail and their consumers stop. The next client of that name starts a
 * fresh, empty cluster. Returns whether a cluster of that name existed.
 */
export function resetEmbeddedCluster(name: string): boolean {
  const clusters = registry();
  const cluster = clusters.get(name);
  if (cluster === undefined) return false;
  clusters.delete(name);
  cluster.close();
  return true;
}

/** Names of the embedded clusters that exist in this process. */
export function embeddedClusterNames(): string[] {
  return [...registry().keys()];
}

/**
 * Test hook: simulates the process of these consumers freezing or crashing. Every running
 * group consumer of cluster `name` with this client id (every one when omitted) stops at once:
 * no further callbacks, no revocation, no leaving the group, no heartbeats, so the group
 * removes it after its session timeout and gives its partitions to the others, as Kafka does.
 * Its `disconnect()` then only releases it. Returns how many consumers froze.
 */
export function freezeEmbeddedConsumers(name: string, clientId?: string): number {
  return registry().get(name)?.freezeConsumers(clientId) ?? 0;
}

/**
 * Test hook: the next `fault.times` (default 1) matching calls of transactions on cluster `name`
 * (`send`, `sendOffsets` or `commit`, of one transactional id or any) fail with the Kafka error
 * `fault.error`, as a broker in trouble answers (e.g. REQUEST_TIMED_OUT, NOT_ENOUGH_REPLICAS).
 * The failed call has no effect; a failed commit leaves the transaction open. Throws when no
 * cluster of that name exists.
 */
export function failEmbeddedTransactions(name: string, fault: TransactionFault): void {
  const cluster = registry().get(name);
  if (cluster === undefined) throw new Error(`No embedded cluster named '${name}'`);
  cluster.transactions.injectFault(fault);
}
