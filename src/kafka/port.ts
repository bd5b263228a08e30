/**
 * The Kafka port: the only shape in which the rest of kstreams talks to a broker.
 *
 * Two adapters implement it: `kafkajs` (real Kafka, `src/kafka/kafkajs/`) and `embedded`
 * (in-process, `src/kafka/embedded/`, selected by `bootstrap.servers: embedded://NAME`).
 * Both pass one conformance suite (`test/kafka/port.suite.ts`).
 *
 * Keys and values cross the port as bytes (`Buffer`, or `null` for a null key / tombstone);
 * serdes live above it. Offsets are plain numbers (Kafka offsets are int64, but a partition
 * would need 2^53 records before that matters). Timestamps are epoch milliseconds.
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** For commits: the next offset to read (last processed + 1), as Kafka defines it. */
  readonly offset: number;
  /**
   * The metadata string committed with the offset (Kafka's `OffsetAndMetadata.metadata`):
   * Kafka Streams commits the partition time and processor metadata there. Absent: none.
   */
  readonly metadata?: string;
}

/** One Kafka record header. Kafka allows the same key more than once, so headers are a list. */
export interface Header {
  readonly key: string;
  readonly value: Buffer | null;
}

export interface ProducerRecord {
  readonly topic: string;
  /** Explicit partition; when absent the adapter uses Kafka's default partitioner (murmur2 of the key). */
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Epoch ms; when absent the producer's clock. */
  readonly timestamp?: number;
  readonly headers?: readonly Header[];
}

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly Header[];
}

export interface RecordMetadata extends TopicPartition {
  /** Offset of the record in its partition (for a batch, each record's own offset when known, else the base). */
  readonly offset: number;
}

// ---------------------------------------------------------------------------------------------
// Admin

export interface NewTopic {
  readonly name: string;
  readonly partitions: number;
  /** Defaults to 1 (single-broker clusters). */
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicDescription {
  readonly name: string;
  readonly partitions: number;
}

export interface PartitionOffsets {
  readonly partition: number;
  /** First offset still in the log. */
  readonly earliest: number;
  /** Log end offset (high watermark): the offset the next record will get. */
  readonly latest: number;
}

export interface GroupMemberDescription {
  readonly memberId: string;
  readonly clientId: string;
  /** The member's subscription userData (our assignor's metadata), raw. */
  readonly subscriptionUserData: Buffer;
  /** What the leader assigned to this member, decoded to partitions, plus the raw userData. */
  readonly assignment: { readonly partitions: readonly TopicPartition[]; readonly userData: Buffer };
}

export interface GroupDescription {
  readonly groupId: string;
  /** Kafka's group state: 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'. */
  readonly state: string;
  readonly protocol: string;
  readonly members: readonly GroupMemberDescription[];
}

export interface KafkaAdmin {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Creates the topics that do not exist yet; existing topics are left as they are (no error). */
  createTopics(topics: readonly NewTopic[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Describes the named topics; topics that do not exist are absent from the result. */
  describeTopics(names: readonly string[]): Promise<Map<string, TopicDescription>>;
  /**
   * Configs of the named topics (e.g. `cleanup.policy`), as the broker reports them, defaults
   * included; topics that do not exist are absent. Optional: an adapter that cannot report
   * configs leaves it out, and the conformance suite lists that as unsupported.
   */
  describeTopicConfigs?(names: readonly string[]): Promise<Map<string, Readonly<Record<string, string>>>>;
  /** Deletes the named topics; missing ones are ignored. */
  deleteTopics(names: readonly string[]): Promise<void>;
  /** Earliest and latest offsets of every partition of a topic. */
  listOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Committed offsets of a group for the given topics (-1 where nothing is committed). */
  fetchCommittedOffsets(groupId: string, topics: readonly string[]): Promise<TopicPartitionOffset[]>;
  /** Overwrites a group's committed offsets (the group must have no active members). */
  setCommittedOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  describeGroup(groupId: string): Promise<GroupDescription>;
  deleteGroups(groupIds: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Producer and transactions

export interface ProducerOptions {
  /** Idempotent producer (acks=all, one in-flight request per connection where the client needs it). */
  readonly idempotent?: boolean;
  /** Makes the producer transactional; implies idempotent. */
  readonly transactionalId?: string;
  /** Transaction timeout (ms); Kafka's default 60000. */
  readonly transactionTimeoutMs?: number;
}

export interface KafkaProducer {
  /** For a transactional producer this also initialises transactions (fencing older epochs). */
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Sends a batch (any topics/partitions); resolves when the broker acknowledged every record (acks=all). */
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  /** Starts a transaction. Only for producers created with a `transactionalId`. */
  beginTransaction(): Promise<KafkaTransaction>;
}

export interface KafkaTransaction {
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  /** Adds consumer-group offsets (next offset to read) to the transaction. */
  sendOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Consumer in a group, with a custom partition assignor

export interface MemberSubscription {
  readonly memberId: string;
  readonly topics: readonly string[];
  /** What that member's `PartitionAssignor.subscriptionUserData()` returned. */
  readonly userData: Buffer;
}

export interface MemberAssignment {
  readonly partitions: readonly TopicPartition[];
  readonly userData?: Buffer;
}

/**
 * A consumer-group partition assignor. Runs on the group leader; `subscriptionUserData` runs on
 * every member at every join, so it can carry the member's endpoint and the tasks it holds.
 */
export interface PartitionAssignor {
  /** Protocol name, e.g. 'kstreams'. Every member of a group must offer the same one. */
  readonly name: string;
  readonly version: number;
  subscriptionUserData(topics: readonly string[]): Buffer;
  assign(
    members: readonly MemberSubscription[],
    partitionsPerTopic: ReadonlyMap<string, number>,
  ): Promise<Map<string, MemberAssignment>>;
}

export interface GroupConsumerOptions {
  readonly groupId: string;
  readonly clientId?: string;
  /** Default true: only committed transactional records are delivered. */
  readonly readCommitted?: boolean;
  readonly sessionTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly rebalanceTimeoutMs?: number;
  /** Upper bound of bytes fetched per partition per request. */
  readonly maxBytesPerPartition?: number;
  /** Custom assignor; when absent the adapter's round-robin/range default. */
  readonly assignor?: PartitionAssignor;
  /** Where to start when the group has no committed offset: 'earliest' (default, as Kafka Streams) or 'latest'. */
  readonly autoOffsetReset?: 'earliest' | 'latest';
}

export interface AssignmentContext {
  readonly generationId: number;
  readonly memberId: string;
  readonly isLeader: boolean;
  /**
   * The userData the leader's assignor put in this member's assignment (kafkajs drops it on
   * followers; the adapter reads it back through describeGroup). Empty buffer when none.
   */
  readonly userData: Buffer;
}

export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
  /** Log end offset (or last stable offset under read_committed) seen with this fetch, for lag. */
  readonly highWatermark: number;
}

/**
 * Callbacks of a running group consumer. The consumer awaits each callback before it calls the
 * next one, so a listener sees a consistent sequence: revoke → assign → batches of the assigned
 * partitions only → revoke → ...
 */
export interface ConsumerListener {
  /**
   * Called before the consumer gives up its partitions in a rebalance (eager: all of them),
   * and on disconnect. Offsets may still be committed during this callback.
   */
  onPartitionsRevoked(partitions: readonly TopicPartition[]): Promise<void>;
  /** Called after a rebalance completed with this member's new partitions. */
  onPartitionsAssigned(partitions: readonly TopicPartition[], context: AssignmentContext): Promise<void>;
  /**
   * Records fetched from one partition, in offset order. The consumer delivers the next batch of
   * the same partition only after this promise resolves; the listener may buffer the records
   * and return at once (and pause the partition when its buffer is full).
   */
  onBatch(batch: FetchedBatch): Promise<void>;
  /** The consumer failed fatally (after its own retries) and stopped. */
  onError?(error: Error): void;
}

export interface GroupConsumer {
  connect(): Promise<void>;
  subscribe(topics: readonly string[]): Promise<void>;
  /** Starts fetching; returns once the consumer is running (not when it stops). */
  run(listener: ConsumerListener): Promise<void>;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
  /** The next fetch of this partition starts at `offset`. */
  seek(partition: TopicPartitionOffset): void;
  /**
   * Asks for a rebalance (Java's `Consumer.enforceRebalance()`): the consumer rejoins the group
   * soon (at its next heartbeat), so the listener hears `onPartitionsRevoked` and then
   * `onPartitionsAssigned` as in any rebalance, and fetching resumes from the committed offsets.
   * A no-op unless the consumer is running.
   */
  enforceRebalance(): void;
  /** Commits offsets (next offset to read) for the current generation. */
  commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** Current committed offsets of this group for the given partitions (-1 where none). */
  committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]>;
  /** Leaves the group (revoking its partitions first) and closes connections. */
  disconnect(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Reader: manual assignment, no group (changelog restore, global tables)

export interface PartitionReaderOptions {
  readonly clientId?: string;
  /** Default true. */
  readonly readCommitted?: boolean;
  readonly maxBytesPerPartition?: number;
}

export interface PartitionReader {
  /** Replaces the set of partitions read; each starts at the given offset. */
  assign(partitions: readonly TopicPartitionOffset[]): Promise<void>;
  /**
   * Fetches whatever is available from the assigned partitions, waiting at most `maxWaitMs`
   * when nothing is. Records of one partition come in offset order; an empty array means no
   * new records within the wait.
   */
  poll(maxWaitMs: number): Promise<ConsumedRecord[]>;
  /**
   * The next offset the reader fetches from an assigned partition: past every record it
   * delivered and past what it skipped (transaction markers, records of aborted transactions),
   * so a partition whose log ends in a commit marker reaches its end offset. Undefined for a
   * partition that is not assigned.
   */
  position(topic: string, partition: number): number | undefined;
  /**
   * The partition's end as the latest fetch saw it: the last stable offset under
   * read_committed (what a reader can reach while transactions are open), the high watermark
   * otherwise. Undefined before the first fetch of the partition.
   */
  endOffset(topic: string, partition: number): number | undefined;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------

export interface KafkaClient {
  admin(): KafkaAdmin;
  producer(options?: ProducerOptions): KafkaProducer;
  consumer(options: GroupConsumerOptions): GroupConsumer;
  reader(options?: PartitionReaderOptions): PartitionReader;
}

export interface KafkaClientOptions {
  /** `host:port[,host:port]` for real Kafka, or `embedded://NAME` for the in-process backend. */
  readonly bootstrapServers: string;
  readonly clientId?: string;
  /** Log level for the client's own logs. Default 'warn'. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'nothing';
}
