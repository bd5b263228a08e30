import { describe, expect, it } from 'vitest';
import { installCoordinatorHooks } from '../../src/kafka/kafkajs/coordinator-hooks.js';
import type { Cluster, JoinGroupRequest } from '../../src/kafka/kafkajs/kafkajs-module.js';

/** A Broker whose JoinGroup/SyncGroup log what they were sent, and a Cluster that returns it. */
function fakes() {
  const calls: string[] = [];
  const broker = {
    async joinGroup(request: JoinGroupRequest) {
      calls.push(`join:${request.groupProtocols.map((p) => p.metadata.toString()).join(',')}`);
      return { generationId: 4, leaderId: 'm1', memberId: 'm1', groupProtocol: 'p' };
    },
    async syncGroup() {
      calls.push('sync');
      return { memberAssignment: Buffer.from('assignment') };
    },
  };
  const cluster = {
    async findGroupCoordinator() {
      return broker;
    },
  } as unknown as Cluster;
  return { calls, broker, cluster };
}

const join = (broker: unknown) =>
  (broker as { joinGroup(r: JoinGroupRequest): Promise<unknown> }).joinGroup({
    groupId: 'g',
    sessionTimeout: 10_000,
    rebalanceTimeout: 20_000,
    memberId: '',
    groupProtocols: [{ name: 'p', metadata: Buffer.from('old') }],
  });

describe('kafkajs coordinator hooks', () => {
  it('runs beforeJoin to completion before JoinGroup is sent, and may replace the request', async () => {
    const { calls, cluster } = fakes();
    installCoordinatorHooks(cluster, 'g', {
      beforeJoin: async (request) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        calls.push('revoked');
        return { ...request, groupProtocols: [{ name: 'p', metadata: Buffer.from('fresh') }] };
      },
      afterJoin: (response) => calls.push(`joined:${response.generationId}`),
      afterSync: async (request, response) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        calls.push(`assigned:${request.generationId}:${response.memberAssignment.toString()}`);
      },
    });
    const coordinator = await cluster.findGroupCoordinator({ groupId: 'g' });
    await join(coordinator);
    await (coordinator as unknown as { syncGroup(r: unknown): Promise<unknown> }).syncGroup({ groupId: 'g', generationId: 4, memberId: 'm1' });
    calls.push('kafkajs continues');
    expect(calls).toEqual(['revoked', 'join:fresh', 'joined:4', 'sync', 'assigned:4:assignment', 'kafkajs continues']);
  });

  it('hooks only the coordinator of its own group, and each broker once', async () => {
    const { calls, cluster } = fakes();
    let hooked = 0;
    installCoordinatorHooks(cluster, 'g', {
      beforeJoin: async (request) => {
        hooked++;
        return request;
      },
      afterJoin: () => undefined,
      afterSync: async () => undefined,
    });
    await join(await cluster.findGroupCoordinator({ groupId: 'other' }));
    expect(hooked).toBe(0);
    await cluster.findGroupCoordinator({ groupId: 'g' });
    await join(await cluster.findGroupCoordinator({ groupId: 'g' }));
    expect(hooked).toBe(1);
    expect(calls).toEqual(['join:old', 'join:old']);
  });
});
