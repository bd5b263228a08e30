import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { MemberSubscription, TopicPartition } from '../../src/kafka/port.js';
import { AssignorError, decodeAssignmentInfo, encodeAssignmentInfo } from '../../src/runtime/assignment-info.js';
import { StreamsPartitionAssignor, type AssignorContext } from '../../src/runtime/streams-partition-assignor.js';
import { decodeSubscriptionInfo, encodeSubscriptionInfo } from '../../src/runtime/subscription-info.js';
import type { SubtopologyMetadata } from '../../src/topology/topology-metadata.js';

const silent = pino({ level: 'silent' });

// Sub-topology 0 joins `order` with `address` (co-partitioned); sub-topology 1 reads `clicks`.
const subtopologies: SubtopologyMetadata[] = [
  { id: 0, sourceTopics: ['order', 'address'], repartitionSourceTopics: [], copartitionGroups: [['order', 'address']] },
  { id: 1, sourceTopics: ['clicks'], repartitionSourceTopics: [], copartitionGroups: [] },
];
const counts = new Map([['order', 3], ['address', 3], ['clicks', 2]]);

function assignorFor(processId: string, endpoint?: string, owned: string[] = [], shutdown = false): StreamsPartitionAssignor {
  return new StreamsPartitionAssignor({ processId, endpoint, subtopologies, ownedActiveTasks: () => owned, shutdownRequested: () => shutdown, log: silent });
}

function member(memberId: string, a: StreamsPartitionAssignor): MemberSubscription {
  return { memberId, topics: ['order', 'address', 'clicks'], userData: a.subscriptionUserData(['order', 'address', 'clicks']) };
}

const sortTps = (tps: readonly TopicPartition[]): string[] => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort();

describe('StreamsPartitionAssignor', () => {
  it('assigns co-partitioned partitions with the same number to the same member', async () => {
    const leader = assignorFor('p1', 'h1:1');
    const members = [member('m1', leader), member('m2', assignorFor('p2', 'h2:1')), member('m3', assignorFor('p3', 'h3:1'))];
    const result = await leader.assign(members, counts);
    const owner = new Map<string, string>();
    for (const [memberId, a] of result) for (const tp of a.partitions) owner.set(`${tp.topic}-${tp.partition}`, memberId);
    expect(owner.size).toBe(8);
    for (let p = 0; p < 3; p++) expect(owner.get(`order-${p}`)).toBe(owner.get(`address-${p}`));
  });

  it('tells each member its tasks with their partitions, and everyone the same endpoint map', async () => {
    const leader = assignorFor('p1', 'h1:1');
    const members = [member('m1', leader), member('m2', assignorFor('p2', 'h2:1'))];
    const result = await leader.assign(members, counts);
    const infos = [...result].map(([id, a]) => ({ id, a, info: decodeAssignmentInfo(a.userData ?? Buffer.alloc(0)) }));
    for (const { a, info } of infos) {
      expect(info?.errorCode).toBe(AssignorError.NONE);
      expect(sortTps([...(info?.activeTasks.values() ?? [])].flat())).toEqual(sortTps(a.partitions));
      for (const [taskId, tps] of info?.activeTasks ?? []) {
        const [sub, p] = taskId.split('_').map(Number);
        for (const tp of tps) {
          expect(tp.partition).toBe(p);
          expect(subtopologies[sub as number]?.sourceTopics).toContain(tp.topic);
        }
      }
    }
    const hosts = infos.map(({ info }) => info?.hosts);
    expect(hosts[0]).toEqual(hosts[1]);
    const byEndpoint = new Map(hosts[0]?.map((h) => [h.endpoint, sortTps(h.active)]));
    expect(byEndpoint.get('h1:1')).toEqual(sortTps(result.get('m1')?.partitions ?? []));
    expect(byEndpoint.get('h2:1')).toEqual(sortTps(result.get('m2')?.partitions ?? []));
  });

  it('treats the consumers of one process as one client: its endpoint lists all their partitions', async () => {
    const a1 = assignorFor('p1', 'h1:1');
    const members = [member('m1', a1), member('m2', assignorFor('p1', 'h1:1')), member('m3', assignorFor('p2', 'h2:1'))];
    const result = await a1.assign(members, counts);
    const hosts = decodeAssignmentInfo(result.get('m3')?.userData ?? Buffer.alloc(0))?.hosts ?? [];
    expect(hosts.map((h) => h.endpoint)).toEqual(['h1:1', 'h2:1']);
    const p1 = hosts.find((h) => h.endpoint === 'h1:1');
    expect(sortTps(p1?.active ?? [])).toEqual(sortTps([...(result.get('m1')?.partitions ?? []), ...(result.get('m2')?.partitions ?? [])]));
    // 5 tasks, 3 threads over 2 clients: process p1 (2 threads) gets 3 or 4 tasks, p2 gets the rest.
    const tasksOf = (id: string): number => decodeAssignmentInfo(result.get(id)?.userData ?? Buffer.alloc(0))?.activeTasks.size ?? -1;
    expect(tasksOf('m1') + tasksOf('m2') + tasksOf('m3')).toBe(5);
    expect(Math.max(tasksOf('m1'), tasksOf('m2'), tasksOf('m3')) - Math.min(tasksOf('m1'), tasksOf('m2'), tasksOf('m3'))).toBeLessThanOrEqual(1);
  });

  it('is sticky: tasks reported in the subscriptions stay where they were', async () => {
    const leader = assignorFor('p1', undefined, ['0_0', '0_1', '1_0']);
    const other = assignorFor('p2', undefined, ['0_2', '1_1']);
    const result = await leader.assign([member('m1', leader), member('m2', other)], counts);
    expect(sortTps(result.get('m1')?.partitions ?? [])).toEqual(['address-0', 'address-1', 'clicks-0', 'order-0', 'order-1']);
    expect(sortTps(result.get('m2')?.partitions ?? [])).toEqual(['address-2', 'clicks-1', 'order-2']);
  });

  it('answers every member with SHUTDOWN_REQUESTED and no partitions when one asks for it', async () => {
    const leader = assignorFor('p1');
    const result = await leader.assign([member('m1', leader), member('m2', assignorFor('p2', undefined, [], true))], counts);
    for (const a of result.values()) {
      expect(a.partitions).toEqual([]);
      expect(decodeAssignmentInfo(a.userData ?? Buffer.alloc(0))?.errorCode).toBe(AssignorError.SHUTDOWN_REQUESTED);
    }
  });

  it('answers INCOMPLETE_SOURCE_TOPIC_METADATA when a source topic has no metadata', async () => {
    const leader = assignorFor('p1');
    const result = await leader.assign([member('m1', leader)], new Map([['order', 3], ['address', 3]]));
    const a = result.get('m1');
    expect(a?.partitions).toEqual([]);
    expect(decodeAssignmentInfo(a?.userData ?? Buffer.alloc(0))?.errorCode).toBe(AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA);
  });

  it('with num.standby.replicas=1 gives each stateful task a standby on another client, listed in every member\'s endpoint map', async () => {
    const make = (processId: string, endpoint: string, sums: Record<string, number> = {}): StreamsPartitionAssignor =>
      new StreamsPartitionAssignor({
        processId, endpoint, subtopologies, ownedActiveTasks: () => [], shutdownRequested: () => false, log: silent,
        numStandbyReplicas: 1, statefulSubtopologies: new Set([0]), taskOffsetSums: () => sums,
      });
    const leader = make('p1', 'h1:1');
    const result = await leader.assign([member('m1', leader), member('m2', make('p2', 'h2:1'))], counts);
    const infos = new Map([...result].map(([id, a]) => [id, decodeAssignmentInfo(a.userData ?? Buffer.alloc(0))!]));
    const m1 = infos.get('m1')!;
    const m2 = infos.get('m2')!;
    // Sub-topology 0 (3 tasks) is stateful: every task has its standby on the other client; sub-topology 1 none.
    expect([...m1.standbyTasks.keys(), ...m2.standbyTasks.keys()].sort()).toEqual(['0_0', '0_1', '0_2']);
    for (const [t] of m1.standbyTasks) expect(m1.activeTasks.has(t)).toBe(false);
    for (const [t] of m2.standbyTasks) expect(m2.activeTasks.has(t)).toBe(false);
    expect(sortTps(m1.standbyTasks.get([...m1.standbyTasks.keys()][0]!) ?? [])).toHaveLength(2);
    // Standby partitions are not consumed: the member's partitions are its active ones only.
    expect(sortTps(result.get('m1')!.partitions)).toEqual(sortTps([...m1.activeTasks.values()].flat()));
    expect(m1.hosts).toEqual(m2.hosts);
    const h1 = m1.hosts.find((h) => h.endpoint === 'h1:1')!;
    expect(sortTps(h1.standby)).toEqual(sortTps([...m1.standbyTasks.values()].flat()));
  });

  it('fails a task over to the client whose subscription reports its state (offset sums)', async () => {
    const make = (processId: string, sums: Record<string, number>): StreamsPartitionAssignor =>
      new StreamsPartitionAssignor({ processId, endpoint: undefined, subtopologies, ownedActiveTasks: () => [], shutdownRequested: () => false, log: silent, taskOffsetSums: () => sums });
    const a = make('p1', { '0_0': 5, '0_2': 7, '1_1': 3 });
    const b = make('p2', { '0_1': 9, '1_0': 2 });
    const result = await a.assign([member('m1', a), member('m2', b)], counts);
    const tasksOf = (id: string): string[] => [...(decodeAssignmentInfo(result.get(id)!.userData ?? Buffer.alloc(0))?.activeTasks.keys() ?? [])].sort();
    expect(tasksOf('m1')).toEqual(['0_0', '0_2', '1_1']);
    expect(tasksOf('m2')).toEqual(['0_1', '1_0']);
  });

  describe('with changelog end offsets (KIP-441 warm-ups)', () => {
    // Sub-topology 1 is stateful, its changelog 5,000 records per partition; 'p1' runs every task, 'p2' just joined.
    // Balance alone keeps sub-topology 0 on p1 and moves sub-topology 1 (1_0, 1_1) to p2.
    const ends = new Map([['1_0', 5_000], ['1_1', 5_000]]);
    const assignor = (processId: string, endpoint: string, owned: string[], extra: Partial<AssignorContext>): StreamsPartitionAssignor =>
      new StreamsPartitionAssignor({ processId, endpoint, subtopologies, ownedActiveTasks: () => owned, shutdownRequested: () => false, log: silent, statefulSubtopologies: new Set([1]), ...extra });

    it('keeps stateful tasks on the caught-up client, gives the new one warm-ups, and says a probing rebalance is due', async () => {
      const computed: Array<[number, number]> = [];
      const leader = assignor('p1', 'h1:1', ['0_0', '0_1', '0_2', '1_0', '1_1'], {
        acceptableRecoveryLag: 100, maxWarmupReplicas: 1,
        changelogEndOffsetSums: async () => ends,
        onAssignmentComputed: (held, warmups) => computed.push([held, warmups]),
      });
      const result = await leader.assign([member('m1', leader), member('m2', assignor('p2', 'h2:1', [], {}))], counts);
      const m1 = decodeAssignmentInfo(result.get('m1')!.userData!)!;
      const m2 = decodeAssignmentInfo(result.get('m2')!.userData!)!;
      expect([...m1.activeTasks.keys()].sort()).toEqual(['0_0', '0_1', '0_2', '1_0', '1_1']);
      expect(m2.activeTasks.size).toBe(0);
      // Two tasks held, one warm-up (max.warmup.replicas=1).
      expect([...m2.standbyTasks.keys()]).toEqual(['1_0']);
      expect(computed).toEqual([[2, 1]]);
      // The endpoint map every member routes queries by lists the warm-up as p2's standby.
      expect(sortTps(m1.hosts.find((h) => h.endpoint === 'h2:1')!.standby)).toEqual(sortTps([...m2.standbyTasks.values()].flat()));
    });

    it('moves the tasks once the new client reports offset sums within the acceptable lag, and says no probing is due', async () => {
      const computed: Array<[number, number]> = [];
      const leader = assignor('p1', 'h1:1', ['0_0', '0_1', '0_2', '1_0', '1_1'], { acceptableRecoveryLag: 100, changelogEndOffsetSums: async () => ends, onAssignmentComputed: (held, warmups) => computed.push([held, warmups]) });
      const warm = assignor('p2', 'h2:1', [], { taskOffsetSums: () => ({ '1_0': 4_990, '1_1': 4_990 }) });
      const result = await leader.assign([member('m1', leader), member('m2', warm)], counts);
      const m2 = decodeAssignmentInfo(result.get('m2')!.userData!)!;
      expect([...m2.activeTasks.keys()].sort()).toEqual(['1_0', '1_1']);
      expect(computed).toEqual([[0, 0]]);
    });

    it('assigns as if every client were caught up when the end offsets cannot be read', async () => {
      const leader = assignor('p1', 'h1:1', ['0_0', '0_1', '0_2', '1_0', '1_1'], { acceptableRecoveryLag: 100, changelogEndOffsetSums: async () => { throw new Error('broker down'); } });
      const result = await leader.assign([member('m1', leader), member('m2', assignor('p2', 'h2:1', [], {}))], counts);
      const m2 = decodeAssignmentInfo(result.get('m2')!.userData!)!;
      expect([...m2.activeTasks.keys()].sort()).toEqual(['1_0', '1_1']);
      expect(m2.standbyTasks.size).toBe(0);
    });
  });

  it('still assigns work to a member whose userData it cannot read', async () => {
    const leader = assignorFor('p1');
    const result = await leader.assign([member('m1', leader), { memberId: 'm2', topics: ['order'], userData: Buffer.from('junk') }], counts);
    expect(result.get('m2')?.partitions.length).toBeGreaterThan(0);
    expect((result.get('m1')?.partitions.length ?? 0) + (result.get('m2')?.partitions.length ?? 0)).toBe(8);
  });
});

describe('subscription and assignment userData', () => {
  it('round-trips a subscription with a version prefix', () => {
    const bytes = encodeSubscriptionInfo({ processId: 'p', endpoint: 'h:1', activeTasks: ['0_1'], standbyTasks: [], shutdownRequested: true });
    expect(bytes.readInt32BE(0)).toBe(1);
    expect(decodeSubscriptionInfo(bytes)).toEqual({ version: 1, processId: 'p', endpoint: 'h:1', activeTasks: ['0_1'], standbyTasks: [], shutdownRequested: true });
  });

  it('round-trips task offset sums, dropping entries that are not non-negative integers', () => {
    const bytes = encodeSubscriptionInfo({ processId: 'p', activeTasks: [], standbyTasks: ['0_2'], taskOffsetSums: { '0_2': 41, '1_0': 7 }, shutdownRequested: false });
    expect(decodeSubscriptionInfo(bytes).taskOffsetSums).toEqual({ '0_2': 41, '1_0': 7 });
    const odd = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from(JSON.stringify({ processId: 'p', taskOffsetSums: { '0_0': -1, '0_1': 'x', '0_2': 3 } }))]);
    expect(decodeSubscriptionInfo(odd).taskOffsetSums).toEqual({ '0_2': 3 });
  });

  it('rejects bytes that are not ours, saying what it got', () => {
    expect(() => decodeSubscriptionInfo(Buffer.from([1]))).toThrow(/4-byte version, but got 1 bytes/);
    const noProcess = Buffer.concat([Buffer.from([0, 0, 0, 1]), Buffer.from('{}')]);
    expect(() => decodeSubscriptionInfo(noProcess)).toThrow(/processId/);
  });

  it('round-trips an assignment; an empty buffer means none', () => {
    const info = {
      errorCode: AssignorError.NONE,
      activeTasks: new Map([['0_1', [{ topic: 'a', partition: 1 }, { topic: 'b', partition: 1 }]]]),
      standbyTasks: new Map(),
      hosts: [{ endpoint: 'h:1', processId: 'p', active: [{ topic: 'a', partition: 1 }], standby: [] }],
    };
    expect(decodeAssignmentInfo(encodeAssignmentInfo(info))).toEqual({ version: 1, ...info });
    expect(decodeAssignmentInfo(Buffer.alloc(0))).toBeUndefined();
  });
});
