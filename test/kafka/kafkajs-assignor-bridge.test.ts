import { describe, expect, it } from 'vitest';
import { decodeAssignment, encodeAssignment, kafkajsAssigner } from '../../src/kafka/kafkajs/assignor-bridge.js';
import type { Cluster } from '../../src/kafka/kafkajs/kafkajs-module.js';
import { AssignerProtocol } from '../../src/kafka/kafkajs/kafkajs-module.js';
import type { MemberAssignment, MemberSubscription, PartitionAssignor } from '../../src/kafka/port.js';

/** The two Cluster methods the bridge uses, over a fixed topic → partition-count table. */
function fakeCluster(counts: Record<string, number>, known: Set<string>): Cluster {
  return {
    findTopicPartitionMetadata: (topic: string) =>
      known.has(topic) ? Array.from({ length: counts[topic] ?? 0 }, (_, partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] })) : [],
    addMultipleTargetTopics: async (topics: string[]) => {
      for (const topic of topics) {
        if (counts[topic] === undefined) throw Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
        known.add(topic);
      }
    },
  } as unknown as Cluster;
}

class RecordingAssignor implements PartitionAssignor {
  readonly name = 'test-assignor';
  readonly version = 3;
  seen: { members: readonly MemberSubscription[]; partitionsPerTopic: ReadonlyMap<string, number> } | undefined;
  subscriptionUserData(topics: readonly string[]): Buffer {
    return Buffer.from(`endpoint:host-1|${topics.join('+')}`);
  }
  async assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Promise<Map<string, MemberAssignment>> {
    this.seen = { members, partitionsPerTopic };
    // Only the first member gets something; the second is left out of the map on purpose.
    return new Map([[members[0]!.memberId, { partitions: [{ topic: 'b', partition: 1 }, { topic: 'a', partition: 0 }], userData: Buffer.from('for-m1') }]]);
  }
}

describe('kafkajs assignor bridge', () => {
  it("offers the assignor's subscription userData in the ConsumerProtocol subscription", () => {
    const assigner = kafkajsAssigner(new RecordingAssignor(), fakeCluster({}, new Set()));
    const protocol = assigner.protocol({ topics: ['a', 'b'] });
    expect(protocol.name).toBe('test-assignor');
    expect(AssignerProtocol.MemberMetadata.decode(protocol.metadata)).toEqual({ version: 3, topics: ['a', 'b'], userData: Buffer.from('endpoint:host-1|a+b') });
  });

  it("decodes every member's subscription, counts partitions (also of topics only others read), and encodes each member's assignment with its userData", async () => {
    const assignor = new RecordingAssignor();
    const assigner = kafkajsAssigner(assignor, fakeCluster({ a: 2, b: 3 }, new Set(['a'])));
    const member = (memberId: string, topics: string[], userData: string) => ({
      memberId,
      memberMetadata: AssignerProtocol.MemberMetadata.encode({ version: 3, topics, userData: Buffer.from(userData) }),
    });
    const result = await assigner.assign({ members: [member('m1', ['a'], 'u1'), member('m2', ['a', 'b', 'missing'], 'u2')], topics: ['a'] });

    expect(assignor.seen!.members).toEqual([
      { memberId: 'm1', topics: ['a'], userData: Buffer.from('u1') },
      { memberId: 'm2', topics: ['a', 'b', 'missing'], userData: Buffer.from('u2') },
    ]);
    expect(assignor.seen!.partitionsPerTopic).toEqual(new Map([['a', 2], ['b', 3]]));
    expect(result.map((r) => r.memberId)).toEqual(['m1', 'm2']);
    expect(decodeAssignment(result[0]!.memberAssignment)).toEqual({
      partitions: [{ topic: 'a', partition: 0 }, { topic: 'b', partition: 1 }],
      userData: Buffer.from('for-m1'),
    });
    expect(decodeAssignment(result[1]!.memberAssignment)).toEqual({ partitions: [], userData: Buffer.alloc(0) });
  });

  it('decodes an empty SyncGroup assignment as no partitions and empty userData', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({ partitions: [], userData: Buffer.alloc(0) });
    expect(decodeAssignment(encodeAssignment(0, [{ topic: 't', partition: 2 }], undefined))).toEqual({ partitions: [{ topic: 't', partition: 2 }], userData: Buffer.alloc(0) });
  });
});
