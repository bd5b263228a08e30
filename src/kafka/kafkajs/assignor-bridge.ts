/**
 * A port `PartitionAssignor` as a kafkajs `Assigner`.
 *
 * The bytes on the wire are Kafka's ConsumerProtocol (v0) Subscription and Assignment, which
 * kafkajs's `AssignerProtocol` encodes: a member's subscription carries its topics and the
 * assignor's `subscriptionUserData`; the leader's assignment for each member carries its
 * partitions and that member's assignment userData. kafkajs hands every member's subscription
 * to the leader's `assign()`, but after SyncGroup it keeps only the partitions of the member's
 * own assignment; the group consumer reads the userData from the SyncGroup response itself
 * (see `coordinator-hooks.ts`).
 */
import type { Assigner, GroupMember, GroupMemberAssignment } from 'kafkajs';
import type { MemberSubscription, PartitionAssignor, TopicPartition } from '../port.js';
import type { Cluster } from './kafkajs-module.js';
import { AssignerProtocol } from './kafkajs-module.js';
import { rootCause } from './kafkajs-error.js';
import { compareTopicPartitions } from './topic-partitions.js';

/** A member's subscription (JoinGroup metadata) decoded; empty when absent or unreadable. */
export function decodeSubscription(member: GroupMember): MemberSubscription {
  const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
  return { memberId: member.memberId, topics: metadata?.topics ?? [], userData: metadata?.userData ?? Buffer.alloc(0) };
}

/** A member's assignment (SyncGroup answer) decoded to sorted partitions and userData. */
export function decodeAssignment(bytes: Buffer): { partitions: TopicPartition[]; userData: Buffer } {
  const decoded = bytes.length === 0 ? null : AssignerProtocol.MemberAssignment.decode(bytes);
  const partitions = Object.entries(decoded?.assignment ?? {})
    .flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })))
    .sort(compareTopicPartitions);
  return { partitions, userData: decoded?.userData ?? Buffer.alloc(0) };
}

export function encodeAssignment(version: number, partitions: readonly TopicPartition[], userData: Buffer | undefined): Buffer {
  const assignment: Record<string, number[]> = {};
  for (const { topic, partition } of [...partitions].sort(compareTopicPartitions)) (assignment[topic] ??= []).push(partition);
  return AssignerProtocol.MemberAssignment.encode({ version, assignment, userData: userData ?? Buffer.alloc(0) });
}

export function encodeSubscription(assignor: PartitionAssignor, topics: readonly string[]): Buffer {
  return AssignerProtocol.MemberMetadata.encode({ version: assignor.version, topics: [...topics], userData: assignor.subscriptionUserData(topics) });
}

/**
 * The kafkajs Assigner for `assignor`. `cluster` is the consumer's own kafkajs Cluster, whose
 * metadata (refreshed by kafkajs just before `assign`) gives the partition counts.
 */
export function kafkajsAssigner(assignor: PartitionAssignor, cluster: Cluster): Assigner {
  return {
    name: assignor.name,
    version: assignor.version,
    protocol: ({ topics }) => ({ name: assignor.name, metadata: encodeSubscription(assignor, topics) }),
    assign: async ({ members }): Promise<GroupMemberAssignment[]> => {
      const subscriptions = members.map(decodeSubscription);
      const topics = [...new Set(subscriptions.flatMap((s) => s.topics))];
      const partitionsPerTopic = new Map<string, number>();
      for (const topic of topics) {
        const count = await partitionCount(cluster, topic);
        if (count > 0) partitionsPerTopic.set(topic, count);
      }
      const assignments = await assignor.assign(subscriptions, partitionsPerTopic);
      return subscriptions.map(({ memberId }) => {
        const assignment = assignments.get(memberId);
        return { memberId, memberAssignment: encodeAssignment(assignor.version, assignment?.partitions ?? [], assignment?.userData) };
      });
    },
  };
}

/**
 * Partitions of `topic` in the cluster metadata; 0 when the topic does not exist (the assignor
 * then sees it missing from `partitionsPerTopic`, as Java's assignors see a missing topic).
 */
async function partitionCount(cluster: Cluster, topic: string): Promise<number> {
  const known = cluster.findTopicPartitionMetadata(topic).length;
  if (known > 0) return known;
  // Members may subscribe to topics the leader does not: add them to the leader's metadata.
  try {
    await cluster.addMultipleTargetTopics([topic]);
  } catch (e) {
    if (rootCause(e).type === 'UNKNOWN_TOPIC_OR_PARTITION') return 0;
    throw e;
  }
  return cluster.findTopicPartitionMetadata(topic).length;
}
