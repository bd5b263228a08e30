import type { MemberAssignment, MemberSubscription, PartitionAssignor, TopicPartition } from '../port.js';

/**
 * The default assignor when a consumer brings none: kafkajs's `RoundRobinAssigner` (same
 * protocol name, so a describeGroup reads alike on both backends). Members sorted by id,
 * partitions sorted by topic then number, dealt in turn to the members subscribed to the topic.
 */
export const roundRobinAssignor: PartitionAssignor = {
  name: 'RoundRobinAssigner',
  version: 0,
  subscriptionUserData: () => Buffer.alloc(0),
  async assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>) {
    const memberIds = members.map((m) => m.memberId).sort();
    const subscribed = new Map(members.map((m) => [m.memberId, new Set(m.topics)]));
    const assigned = new Map<string, TopicPartition[]>(memberIds.map((id) => [id, []]));
    let turn = 0;
    for (const topic of [...partitionsPerTopic.keys()].sort()) {
      const candidates = memberIds.filter((id) => subscribed.get(id)!.has(topic));
      if (candidates.length === 0) continue;
      for (let partition = 0; partition < partitionsPerTopic.get(topic)!; partition++) {
        // Rotate over all members (not per topic) so that several topics spread evenly.
        let chosen: string | undefined;
        for (let i = 0; i < memberIds.length && chosen === undefined; i++) {
          const id = memberIds[(turn + i) % memberIds.length]!;
          if (subscribed.get(id)!.has(topic)) {
            chosen = id;
            turn = (turn + i + 1) % memberIds.length;
          }
        }
        assigned.get(chosen!)!.push({ topic, partition });
      }
    }
    return new Map<string, MemberAssignment>([...assigned].map(([id, partitions]) => [id, { partitions }]));
  },
};
