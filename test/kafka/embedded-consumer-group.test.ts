/**
 * The group coordinator's protocol edge cases, driven directly (the consumer always commits
 * with its current generation, so stale ones cannot be provoked through the port).
 */
import { describe, expect, it } from 'vitest';
import { ConsumerGroup, type JoinRequest } from '../../src/kafka/embedded/consumer-group.js';
import { sleep } from './embedded-helpers.js';

function request(overrides: Partial<JoinRequest> = {}): JoinRequest & { rejoinCalls: number } {
  const req = {
    memberId: undefined,
    clientId: 'c',
    topics: ['t'],
    protocol: 'p',
    userData: Buffer.from('u'),
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    rejoinCalls: 0,
    onRejoinNeeded: () => {
      req.rejoinCalls += 1;
    },
    ...overrides,
  };
  return req;
}

const assignAll = (memberIds: string[]) => new Map(memberIds.map((id) => [id, { partitions: [{ topic: 't', partition: 0 }] }]));

describe('embedded group coordinator', () => {
  it('puts members joining in the same turn into one generation, led by the first', async () => {
    const group = new ConsumerGroup('g');
    const a = group.join(request({ clientId: 'a' }));
    const b = group.join(request({ clientId: 'b' }));
    const [ra, rb] = await Promise.all([a.reply, b.reply]);
    expect(ra.generationId).toBe(1);
    expect(rb.generationId).toBe(1);
    expect(ra.leaderId).toBe(a.memberId);
    expect(ra.members.map((m) => m.memberId)).toEqual([a.memberId, b.memberId]);
    expect(rb.members).toEqual([]);
    group.close();
  });

  it('refuses commits from a stale generation and between join and sync', async () => {
    const group = new ConsumerGroup('g');
    const a = group.join(request());
    const joined = await a.reply;
    expect(() => group.commit(a.memberId, joined.generationId, [])).toThrow(expect.objectContaining({ type: 'REBALANCE_IN_PROGRESS' }));
    await group.sync(a.memberId, joined.generationId, assignAll([a.memberId]));
    group.commit(a.memberId, joined.generationId, [{ topic: 't', partition: 0, offset: 4 }]);
    expect(group.committed('t', 0)).toBe(4);

    const rejoin = group.join(request({ memberId: a.memberId }));
    // While members rejoin, the old generation may still commit (revocation commits).
    group.commit(a.memberId, joined.generationId, [{ topic: 't', partition: 0, offset: 5 }]);
    const next = await rejoin.reply;
    expect(next.generationId).toBe(joined.generationId + 1);
    expect(() => group.commit(a.memberId, joined.generationId, [])).toThrow(expect.objectContaining({ type: 'ILLEGAL_GENERATION' }));
    expect(() => group.commit('stranger', next.generationId, [])).toThrow(expect.objectContaining({ type: 'UNKNOWN_MEMBER_ID' }));
    expect(group.committed('t', 0)).toBe(5);
    group.close();
  });

  it('removes a member that does not rejoin within the rebalance timeout', async () => {
    const group = new ConsumerGroup('g');
    const slowReq = request({ rebalanceTimeoutMs: 100 });
    const slow = group.join(slowReq);
    const first = await slow.reply;
    await group.sync(slow.memberId, first.generationId, assignAll([slow.memberId]));

    const started = Date.now();
    const fresh = group.join(request({ rebalanceTimeoutMs: 100 }));
    expect(slowReq.rejoinCalls).toBe(1);
    const joined = await fresh.reply;
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    expect(joined.leaderId).toBe(fresh.memberId);
    expect(joined.members.map((m) => m.memberId)).toEqual([fresh.memberId]);
    expect(() => group.join(request({ memberId: slow.memberId }))).toThrow(expect.objectContaining({ type: 'UNKNOWN_MEMBER_ID' }));
    group.close();
  });

  it('expires a member busy past its session timeout with one cheap timer', async () => {
    const group = new ConsumerGroup('g');
    const a = group.join(request({ sessionTimeoutMs: 60 }));
    const ja = await a.reply;
    await group.sync(a.memberId, ja.generationId, assignAll([a.memberId]));
    group.setBusy(a.memberId, true);
    group.setBusy(a.memberId, false);
    await sleep(100);
    expect(group.hasMembers).toBe(true);
    group.setBusy(a.memberId, true);
    await sleep(100);
    expect(group.hasMembers).toBe(false);
    expect(group.state).toBe('Empty');
    group.close();
  });

  it('fails followers waiting for a sync when a new rebalance starts', async () => {
    const group = new ConsumerGroup('g');
    const a = group.join(request());
    const b = group.join(request());
    const [, jb] = await Promise.all([a.reply, b.reply]);
    const waiting = group.sync(b.memberId, jb.generationId);
    group.join(request());
    await expect(waiting).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
    group.close();
  });
});
