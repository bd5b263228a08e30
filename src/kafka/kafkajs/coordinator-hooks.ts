/**
 * Hooks into a kafkajs consumer's JoinGroup and SyncGroup requests.
 *
 * kafkajs has no rebalance listener. Its consumer re-joins (from its fetch loop, after a
 * heartbeat, fetch or commit saw REBALANCE_IN_PROGRESS, or after UNKNOWN_MEMBER_ID, stale
 * metadata or a restart) through one path: `ConsumerGroup.joinAndSync()`, which calls
 * `cluster.findGroupCoordinator({ groupId })` and then `coordinator.joinGroup(...)` and
 * `coordinator.syncGroup(...)` on the broker it got back. Each kafkajs consumer owns its Cluster
 * (and so its Broker objects), which kafkajs hands to partition-assigner factories. Wrapping
 * `findGroupCoordinator` on that one Cluster lets us wrap `joinGroup` and `syncGroup` on the
 * coordinator it returns, for this consumer only:
 *
 * - before JoinGroup is sent, the member still owns its partitions (eager protocol: the group
 *   cannot complete the rebalance until this member joins). That is where Java's consumer calls
 *   `onPartitionsRevoked` (`ConsumerCoordinator.onJoinPrepare`), and where we call it too;
 * - the SyncGroup response is this member's assignment as the leader encoded it, userData
 *   included: kafkajs decodes it and drops the userData, we decode it again and keep it. This is
 *   exact for the generation being synced, which a DescribeGroups read after the fact is not
 *   (the group may have moved on, and DescribeGroups carries no generation id);
 * - before a Heartbeat is sent, the hook may fail it (with REBALANCE_IN_PROGRESS, as the
 *   coordinator answers when a rebalance started): kafkajs's fetch loop then re-joins through
 *   `joinAndSync()`, which is how the adapter makes kafkajs rejoin on request
 *   (`GroupConsumer.enforceRebalance()`), from kafkajs's own loop and at a point where it expects it.
 *
 * kafkajs is pinned to 2.2.4 (`src/consumer/consumerGroup.js` `[PRIVATE.JOIN]` / `[PRIVATE.SYNC]`);
 * `installCoordinatorHooks` fails loudly if the shapes it relies on are missing.
 */
import type { Cluster, CoordinatorBroker, JoinGroupRequest, JoinGroupResponse, SyncGroupRequest, SyncGroupResponse } from './kafkajs-module.js';

export interface CoordinatorHooks {
  /** Runs before JoinGroup is sent; may replace the request (e.g. fresh subscription metadata). */
  beforeJoin(request: JoinGroupRequest): Promise<JoinGroupRequest>;
  /** Runs with the JoinGroup response, before kafkajs sees it. */
  afterJoin(response: JoinGroupResponse): void;
  /** Runs with the SyncGroup response, before kafkajs sees it; kafkajs waits for it. */
  afterSync(request: SyncGroupRequest, response: SyncGroupResponse): Promise<void>;
  /** Runs before a Heartbeat is sent; throwing fails the heartbeat with that error. */
  beforeHeartbeat?(): void;
}

export function installCoordinatorHooks(cluster: Cluster, groupId: string, hooks: CoordinatorHooks): void {
  const original = cluster.findGroupCoordinator;
  if (typeof original !== 'function') throw new Error('kafkajs Cluster has no findGroupCoordinator (is kafkajs still 2.2.4?)');
  const hooked = new WeakSet<object>();

  cluster.findGroupCoordinator = async (request: { groupId: string }) => {
    const broker = (await original.call(cluster, request)) as CoordinatorBroker;
    if (request.groupId === groupId && !hooked.has(broker)) {
      hookBroker(broker, hooks);
      hooked.add(broker);
    }
    return broker;
  };
}

function hookBroker(broker: CoordinatorBroker, hooks: CoordinatorHooks): void {
  const join = broker.joinGroup;
  const sync = broker.syncGroup;
  if (typeof join !== 'function' || typeof sync !== 'function') {
    throw new Error('kafkajs Broker has no joinGroup/syncGroup (is kafkajs still 2.2.4?)');
  }
  // Own properties shadow the prototype methods on this Broker object only.
  broker.joinGroup = async (request) => {
    const response = await join.call(broker, await hooks.beforeJoin(request));
    hooks.afterJoin(response);
    return response;
  };
  broker.syncGroup = async (request) => {
    const response = await sync.call(broker, request);
    await hooks.afterSync(request, response);
    return response;
  };
  const heartbeat = broker.heartbeat;
  if (hooks.beforeHeartbeat !== undefined && typeof heartbeat === 'function') {
    const before = hooks.beforeHeartbeat;
    broker.heartbeat = async (request) => {
      before();
      return heartbeat.call(broker, request);
    };
  }
}
