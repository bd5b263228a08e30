import type { NewTopic } from '../port.js';
import { ConsumerGroup } from './consumer-group.js';
import { EmbeddedKafkaError, unknownTopic } from './errors.js';
import type { PartitionLog } from './partition-log.js';
import { TopicLog } from './topic-log.js';
import { TransactionCoordinator } from './transaction-coordinator.js';

/** What the cluster knows of a running group consumer: enough to freeze it in tests. */
export interface RunningConsumer {
  readonly clientId: string;
  freeze(): void;
}

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * One embedded Kafka cluster: its topics, consumer groups and transaction coordinator. The
 * clients of a cluster share this object; `watch` lets fetch loops sleep until a topic they
 * read changes instead of polling.
 */
export class EmbeddedCluster {
  readonly #topics = new Map<string, TopicLog>();
  readonly #groups = new Map<string, ConsumerGroup>();
  readonly #watchers = new Map<string, Set<() => void>>();
  readonly #runningConsumers = new Set<RunningConsumer>();
  readonly transactions: TransactionCoordinator;
  #closed = false;

  constructor(readonly name: string) {
    this.transactions = new TransactionCoordinator({
      writeGroupOffsets: (groupId, offsets) => this.group(groupId).storeOffsets(offsets),
      topicsChanged: (topics) => {
        for (const topic of topics) this.notify(topic);
      },
    });
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Throws once the cluster was reset: clients created before a reset must not touch the new one. */
  ensureOpen(): void {
    if (this.#closed) {
      throw new EmbeddedKafkaError('ILLEGAL_STATE', `Embedded cluster '${this.name}' was reset; create a new client`);
    }
  }

  topic(name: string): TopicLog | undefined {
    return this.#topics.get(name);
  }

  requireTopic(name: string): TopicLog {
    const topic = this.#topics.get(name);
    if (topic === undefined) throw unknownTopic(name);
    return topic;
  }

  requirePartition(topic: string, partition: number): PartitionLog {
    const log = this.requireTopic(topic).partitions[partition];
    if (log === undefined || !Number.isInteger(partition)) throw unknownTopic(topic, partition);
    return log;
  }

  topicNames(): string[] {
    return [...this.#topics.keys()];
  }

  /** Creates the topic unless it exists (then leaves it as it is); returns whether it created it. */
  createTopic(spec: NewTopic): boolean {
    if (typeof spec.name !== 'string' || !LEGAL_TOPIC_NAME.test(spec.name) || spec.name === '.' || spec.name === '..') {
      throw new EmbeddedKafkaError(
        'INVALID_TOPIC_EXCEPTION',
        `Topic name must be 1-249 characters of [a-zA-Z0-9._-] and not '.' or '..', but got: ${JSON.stringify(spec.name)}`,
      );
    }
    if (!Number.isInteger(spec.partitions) || spec.partitions < 1) {
      throw new EmbeddedKafkaError('INVALID_PARTITIONS', `Topic '${spec.name}' needs a positive integer partition count, but got: ${String(spec.partitions)}`);
    }
    const rf = spec.replicationFactor ?? 1;
    // -1 is Kafka's "broker default"; any other positive factor is accepted (there are no replicas).
    if (!Number.isInteger(rf) || (rf < 1 && rf !== -1)) {
      throw new EmbeddedKafkaError('INVALID_REPLICATION_FACTOR', `Topic '${spec.name}' has an invalid replication factor: ${String(rf)}`);
    }
    if (this.#topics.has(spec.name)) return false;
    this.#topics.set(spec.name, new TopicLog(spec.name, spec.partitions, spec.configs));
    this.#topicsChanged([spec.name]);
    return true;
  }

  /** Deletes the topics that exist; returns the names it deleted. */
  deleteTopics(names: readonly string[]): string[] {
    const deleted = names.filter((name) => this.#topics.delete(name));
    if (deleted.length === 0) return deleted;
    for (const group of this.#groups.values()) group.forgetTopics(deleted);
    this.#topicsChanged(deleted);
    return deleted;
  }

  /** The group, created (Empty) on first use, as Kafka's coordinator does. */
  group(groupId: string): ConsumerGroup {
    this.ensureOpen();
    let group = this.#groups.get(groupId);
    if (group === undefined) this.#groups.set(groupId, (group = new ConsumerGroup(groupId)));
    return group;
  }

  findGroup(groupId: string): ConsumerGroup | undefined {
    return this.#groups.get(groupId);
  }

  /** Deletes a group without members; a group that does not exist is ignored, as deleteTopics ignores topics. */
  deleteGroup(groupId: string): void {
    const group = this.#groups.get(groupId);
    if (group === undefined) return;
    if (group.hasMembers) {
      throw new EmbeddedKafkaError('NON_EMPTY_GROUP', `Group '${groupId}' has active members; stop its consumers before deleting it`);
    }
    group.close();
    this.#groups.delete(groupId);
  }

  /** Calls `listener` (soon, not synchronously) whenever one of `topics` changes. Returns the unsubscribe. */
  watch(topics: readonly string[], listener: () => void): () => void {
    for (const topic of topics) {
      let set = this.#watchers.get(topic);
      if (set === undefined) this.#watchers.set(topic, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const topic of topics) {
        const set = this.#watchers.get(topic);
        set?.delete(listener);
        if (set?.size === 0) this.#watchers.delete(topic);
      }
    };
  }

  notify(topic: string): void {
    const set = this.#watchers.get(topic);
    if (set !== undefined) for (const listener of set) listener();
  }

  /** Tracks a running consumer until the returned function is called. */
  registerConsumer(consumer: RunningConsumer): () => void {
    this.#runningConsumers.add(consumer);
    return () => this.#runningConsumers.delete(consumer);
  }

  /** Freezes the running consumers with that client id (all when undefined); returns how many. */
  freezeConsumers(clientId: string | undefined): number {
    const frozen = [...this.#runningConsumers].filter((c) => clientId === undefined || c.clientId === clientId);
    for (const consumer of frozen) consumer.freeze();
    return frozen.length;
  }

  /** Ends the cluster: groups and transactions stop, watchers wake to find it closed. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const group of this.#groups.values()) group.close();
    this.transactions.close();
    for (const set of this.#watchers.values()) for (const listener of set) listener();
    this.#watchers.clear();
  }

  #topicsChanged(topics: readonly string[]): void {
    for (const group of this.#groups.values()) group.topicsChanged(topics);
    for (const topic of topics) this.notify(topic);
  }
}
