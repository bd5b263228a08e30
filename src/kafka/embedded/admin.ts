import type {
  GroupDescription,
  KafkaAdmin,
  NewTopic,
  PartitionOffsets,
  TopicDescription,
  TopicPartitionOffset,
} from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import { ConnectionState } from './connection-state.js';
import { EmbeddedKafkaError } from './errors.js';

/** The admin client of an embedded cluster. */
export class EmbeddedAdmin implements KafkaAdmin {
  readonly #cluster: EmbeddedCluster;
  readonly #connection: ConnectionState;

  constructor(cluster: EmbeddedCluster) {
    this.#cluster = cluster;
    this.#connection = new ConnectionState(cluster, 'admin client');
  }

  async connect(): Promise<void> {
    this.#connection.connect();
  }

  async disconnect(): Promise<void> {
    this.#connection.disconnect();
  }

  async createTopics(topics: readonly NewTopic[]): Promise<void> {
    this.#connection.ensureConnected();
    for (const topic of topics) this.#cluster.createTopic(topic);
  }

  async listTopics(): Promise<string[]> {
    this.#connection.ensureConnected();
    return this.#cluster.topicNames();
  }

  async describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>> {
    this.#connection.ensureConnected();
    const described = new Map<string, TopicDescription>();
    for (const name of names) {
      const topic = this.#cluster.topic(name);
      if (topic !== undefined) described.set(name, { name, partitions: topic.partitions.length });
    }
    return described;
  }

  async describeTopicConfigs(names: readonly string[]): Promise<Map<string, Readonly<Record<string, string>>>> {
    this.#connection.ensureConnected();
    const described = new Map<string, Readonly<Record<string, string>>>();
    for (const name of names) {
      const topic = this.#cluster.topic(name);
      if (topic !== undefined) described.set(name, topic.describeConfigs());
    }
    return described;
  }

  async deleteTopics(names: readonly string[]): Promise<void> {
    this.#connection.ensureConnected();
    this.#cluster.deleteTopics(names);
  }

  async listOffsets(topic: string): Promise<PartitionOffsets[]> {
    this.#connection.ensureConnected();
    return this.#cluster.requireTopic(topic).partitions.map((log) => ({
      partition: log.partition,
      earliest: log.logStartOffset,
      latest: log.logEndOffset,
    }));
  }

  async fetchCommittedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]> {
    this.#connection.ensureConnected();
    const group = this.#cluster.findGroup(groupId);
    return topics.flatMap((name) =>
      this.#cluster.requireTopic(name).partitions.map((log) => ({
        topic: name,
        partition: log.partition,
        offset: group?.committed(name, log.partition) ?? -1,
      })),
    );
  }

  async setCommittedOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#connection.ensureConnected();
    const group = this.#cluster.group(groupId);
    if (group.hasMembers) {
      throw new EmbeddedKafkaError(
        'NON_EMPTY_GROUP',
        `Cannot set offsets of group '${groupId}' while it has active members (state ${group.state}); stop its consumers first`,
      );
    }
    for (const { topic, partition, offset } of offsets) {
      this.#cluster.requirePartition(topic, partition);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new EmbeddedKafkaError('INVALID_REQUEST', `Offset for ${topic}-${partition} must be a non-negative integer, but got: ${String(offset)}`);
      }
    }
    group.storeOffsets(offsets);
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    this.#connection.ensureConnected();
    const group = this.#cluster.findGroup(groupId);
    return group?.describe() ?? { groupId, state: 'Dead', protocol: '', members: [] };
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    this.#connection.ensureConnected();
    const failures: EmbeddedKafkaError[] = [];
    for (const groupId of groupIds) {
      try {
        this.#cluster.deleteGroup(groupId);
      } catch (error) {
        failures.push(error as EmbeddedKafkaError);
      }
    }
    // Like Kafka, groups that can be deleted are, and the call reports the others.
    if (failures.length === 1) throw failures[0]!;
    if (failures.length > 1) {
      throw new EmbeddedKafkaError(failures[0]!.type, failures.map((f) => f.message).join('; '), { cause: failures });
    }
  }
}
