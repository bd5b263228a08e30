/**
 * The port's admin client on kafkajs's admin, plus a bare Cluster (see `bare-cluster.ts`) for
 * three things kafkajs's admin does differently than we need:
 * - `listOffsets`: kafkajs's `fetchTopicOffsets` asks for read_committed offsets, i.e. the last
 *   stable offset, while the port promises the high watermark;
 * - `setCommittedOffsets`: kafkajs's `setOffsets` joins the group with a throwaway consumer and
 *   seeks; a plain OffsetCommit without member id or generation (what Java's
 *   `alterConsumerGroupOffsets` sends) does the same for an empty group, in one request;
 * - `listTopics`: kafkajs lists internal topics too.
 */
import type { Admin, Kafka, PartitionMetadata } from 'kafkajs';
import type {
  GroupDescription,
  GroupMemberDescription,
  KafkaAdmin,
  NewTopic,
  PartitionOffsets,
  TopicDescription,
  TopicPartition,
  TopicPartitionOffset,
} from '../port.js';
import { bareCluster } from './bare-cluster.js';
import { KafkajsAdapterError, rootCause, toAdapterError } from './kafkajs-error.js';
import type { Cluster } from './kafkajs-module.js';
import { AssignerProtocol, ConfigResourceTypes } from './kafkajs-module.js';
import { compareTopicPartitions, offsetsByTopic, quoted } from './topic-partitions.js';

// Kafka's `Topic.isInternal` names (`__share_group_state` since 4.0).
const INTERNAL_TOPICS = new Set(['__consumer_offsets', '__transaction_state', '__share_group_state']);

const METADATA_WAIT_MS = 10_000;

export class KafkajsAdmin implements KafkaAdmin {
  readonly #kafka: Kafka;
  readonly #admin: Admin;
  #cluster: Cluster | undefined;

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
    this.#admin = kafka.admin();
  }

  async connect(): Promise<void> {
    try {
      await this.#admin.connect();
    } catch (e) {
      throw toAdapterError(e, 'connect the admin client');
    }
  }

  async disconnect(): Promise<void> {
    await this.#admin.disconnect();
    if (this.#cluster !== undefined) await this.#cluster.disconnect();
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    if (topics.length === 0) return;
    const names = topics.map((t) => t.name);
    try {
      await this.#admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions,
          replicationFactor: t.replicationFactor ?? 1,
          configEntries: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (e) {
      throw toAdapterError(e, `create topic(s) ${quoted(names)}`);
    }
    // kafkajs skips its wait for leaders when some of the topics already existed.
    const led = (partitions: readonly PartitionMetadata[] | undefined) =>
      partitions !== undefined && partitions.length > 0 && partitions.every((p) => p.leader >= 0 && p.partitionErrorCode === 0);
    await this.#waitForMetadata(names, (described) => names.every((n) => led(described.get(n))), `create topic(s) ${quoted(names)}`);
  }

  async listTopics(): Promise<string[]> {
    const all = await this.#allTopics('list topics');
    return [...all.keys()].filter((name) => !INTERNAL_TOPICS.has(name)).sort();
  }

  async describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>> {
    const all = await this.#allTopics(`describe topic(s) ${quoted(names)}`);
    const described = new Map<string, TopicDescription>();
    for (const name of names) {
      const partitions = all.get(name);
      if (partitions !== undefined) described.set(name, { name, partitions: partitions.length });
    }
    return described;
  }

  async describeTopicConfigs(names: readonly string[]): Promise<Map<string, Readonly<Record<string, string>>>> {
    const existing = [...(await this.describeTopics(names)).keys()];
    const configs = new Map<string, Readonly<Record<string, string>>>();
    if (existing.length === 0) return configs;
    try {
      const { resources } = await this.#admin.describeConfigs({
        includeSynonyms: false,
        resources: existing.map((name) => ({ type: ConfigResourceTypes.TOPIC, name })),
      });
      for (const resource of resources) {
        const entries: Record<string, string> = {};
        for (const entry of resource.configEntries) {
          if (entry.configValue !== null && entry.configValue !== undefined) entries[entry.configName] = entry.configValue;
        }
        configs.set(resource.resourceName, entries);
      }
    } catch (e) {
      throw toAdapterError(e, `describe the configs of topic(s) ${quoted(existing)}`);
    }
    return configs;
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    const existing = [...(await this.describeTopics(names)).keys()];
    if (existing.length === 0) return;
    try {
      await this.#admin.deleteTopics({ topics: existing, timeout: 30_000 });
    } catch (e) {
      const root = rootCause(e);
      if (root.type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw toAdapterError(e, `delete topic(s) ${quoted(existing)}`);
    }
    await this.#waitForMetadata(existing, (described) => existing.every((n) => !described.has(n)), `delete topic(s) ${quoted(existing)}`);
  }

  async listOffsets(topic: string): Promise<PartitionOffsets[]> {
    const cluster = await this.#bareCluster();
    const what = `list the offsets of topic '${topic}'`;
    try {
      await cluster.addMultipleTargetTopics([topic]);
      const partitions = cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      if (partitions.length === 0) throw new KafkajsAdapterError('UNKNOWN_TOPIC_OR_PARTITION', `Failed to ${what}: the topic does not exist`, { code: 3 });
      const [earliest, latest] = await Promise.all([
        cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: true }]),
        cluster.fetchTopicsOffset([{ topic, partitions, fromBeginning: false }]),
      ]);
      const low = offsetsByPartition(earliest);
      const high = offsetsByPartition(latest);
      return partitions
        .map(({ partition }) => ({ partition, earliest: low.get(partition) ?? 0, latest: high.get(partition) ?? 0 }))
        .sort((a, b) => a.partition - b.partition);
    } catch (e) {
      throw toAdapterError(e, what);
    }
  }

  async fetchCommittedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    if (topics.length === 0) return [];
    try {
      const offsets = await this.#admin.fetchOffsets({ groupId, topics: [...topics] });
      return offsets.flatMap(({ topic, partitions }) =>
        partitions.map((p) => ({ topic, partition: p.partition, offset: Number(p.offset) })).sort((a, b) => a.partition - b.partition),
      );
    } catch (e) {
      throw toAdapterError(e, `fetch the committed offsets of group '${groupId}' for topic(s) ${quoted(topics)}`);
    }
  }

  async setCommittedOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const what = `set the committed offsets of group '${groupId}'`;
    const cluster = await this.#bareCluster();
    try {
      const coordinator = await cluster.findGroupCoordinator({ groupId });
      await coordinator.offsetCommit({ groupId, memberId: '', groupGenerationId: -1, topics: offsetsByTopic(offsets) });
    } catch (e) {
      const type = rootCause(e).type;
      if (type === 'UNKNOWN_MEMBER_ID' || type === 'ILLEGAL_GENERATION' || type === 'REBALANCE_IN_PROGRESS') {
        throw new KafkajsAdapterError('NON_EMPTY_GROUP', `Failed to ${what}: the group has active members; stop them first`, { cause: e, code: 68 });
      }
      throw toAdapterError(e, what);
    }
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    try {
      const { groups } = await this.#admin.describeGroups([groupId]);
      const group = groups.find((g) => g.groupId === groupId);
      if (group === undefined) return { groupId, state: 'Dead', protocol: '', members: [] };
      return {
        groupId,
        state: group.state,
        protocol: group.protocol,
        members: group.members.map((m): GroupMemberDescription => {
          const subscription = decodeOrNull(() => AssignerProtocol.MemberMetadata.decode(m.memberMetadata));
          const assignment = decodeOrNull(() => AssignerProtocol.MemberAssignment.decode(m.memberAssignment));
          const partitions: TopicPartition[] = Object.entries(assignment?.assignment ?? {})
            .flatMap(([topic, ps]) => ps.map((partition) => ({ topic, partition })))
            .sort(compareTopicPartitions);
          return {
            memberId: m.memberId,
            clientId: m.clientId,
            subscriptionUserData: subscription?.userData ?? Buffer.alloc(0),
            assignment: { partitions, userData: assignment?.userData ?? Buffer.alloc(0) },
          };
        }),
      };
    } catch (e) {
      throw toAdapterError(e, `describe group '${groupId}'`);
    }
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    try {
      await this.#admin.deleteGroups([...groupIds]);
    } catch (e) {
      const failures = (e as { groups?: { groupId: string; error?: { type?: string; message?: string } }[] }).groups;
      const real = failures?.filter((g) => g.error?.type !== 'GROUP_ID_NOT_FOUND') ?? [];
      if (failures !== undefined && real.length === 0) return;
      if (real.length > 0) {
        const first = real[0]!;
        throw new KafkajsAdapterError(
          first.error?.type ?? 'KAFKA_ERROR',
          `Failed to delete group(s) ${quoted(groupIds)}: ${real.map((g) => `'${g.groupId}': ${g.error?.message ?? 'unknown error'}`).join('; ')}`,
          { cause: e },
        );
      }
      throw toAdapterError(e, `delete group(s) ${quoted(groupIds)}`);
    }
  }

  /** Every topic's partitions, from one Metadata request for all topics. */
  async #allTopics(what: string): Promise<Map<string, PartitionMetadata[]>> {
    try {
      const { topics } = await this.#admin.fetchTopicMetadata();
      return new Map(topics.map((t) => [t.name, t.partitions]));
    } catch (e) {
      throw toAdapterError(e, what);
    }
  }

  /** Topic creation and deletion reach the metadata a moment after the controller answers. */
  async #waitForMetadata(names: readonly string[], done: (described: Map<string, PartitionMetadata[]>) => boolean, what: string): Promise<void> {
    const deadline = Date.now() + METADATA_WAIT_MS;
    for (;;) {
      const all = await this.#allTopics(what);
      if (done(all)) return;
      if (Date.now() > deadline) {
        throw new KafkajsAdapterError('KAFKA_ERROR', `Failed to ${what}: the cluster metadata did not show the change for ${quoted(names)} within ${METADATA_WAIT_MS} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async #bareCluster(): Promise<Cluster> {
    // read_uncommitted: ListOffsets then reports the high watermark, as the port promises.
    this.#cluster ??= bareCluster(this.#kafka, { readCommitted: false });
    await this.#cluster.connect();
    return this.#cluster;
  }
}

function offsetsByPartition(result: readonly { partitions: readonly { partition: number; offset: string }[] }[]): Map<number, number> {
  return new Map(result.flatMap((t) => t.partitions.map((p) => [p.partition, Number(p.offset)] as const)));
}

function decodeOrNull<T>(decode: () => T | null): T | null {
  try {
    return decode();
  } catch {
    return null; // empty or foreign-protocol bytes (e.g. while the group rebalances)
  }
}
