/**
 * The port's partition reader (manual assignment, no group) on kafkajs.
 *
 * kafkajs has no manual assignment: its consumer always joins a group. Emulating one with a
 * throwaway group (join, then seek) would cost a JoinGroup/SyncGroup round per `assign()`, a
 * rebalance per reassignment, a group left behind on the broker, and kafkajs's fetch loop,
 * which pushes records at us rather than answering a `poll`. Instead the reader uses kafkajs's
 * Cluster (metadata, connections, request encoding; obtained as in `bare-cluster.ts`) and sends
 * Fetch requests itself: one per partition leader, each partition from the position we keep.
 * The price: read_committed filtering (control records, aborted transactions) and position
 * bookkeeping are ours (`committed-records.ts`).
 */
import type { Kafka } from 'kafkajs';
import type { ConsumedRecord, PartitionReader, PartitionReaderOptions, TopicPartitionOffset } from '../port.js';
import { bareCluster } from './bare-cluster.js';
import { committedRecords, nextFetchOffset } from './committed-records.js';
import { illegalState, KafkajsAdapterError, rootCause, toAdapterError } from './kafkajs-error.js';
import type { Cluster, FetchPartitionResponse, FetchResponse } from './kafkajs-module.js';
import { IsolationLevel } from './kafkajs-module.js';
import { toConsumedRecord } from './record-mapping.js';
import { partitionKey, partitionsByTopic, quoted } from './topic-partitions.js';

const DEFAULT_MAX_BYTES_PER_PARTITION = 1_048_576;
const MAX_BYTES_PER_FETCH = 52_428_800;

// Errors after which a fresh metadata view (a new leader) lets the next poll succeed.
const STALE_METADATA = new Set(['LEADER_NOT_AVAILABLE', 'NOT_LEADER_FOR_PARTITION', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'BROKER_UNAVAILABLE']);

interface Position {
  readonly topic: string;
  readonly partition: number;
  offset: number;
  /** The LSO (read_committed) or high watermark the latest fetch reported. */
  end: number | undefined;
}

export class KafkajsPartitionReader implements PartitionReader {
  readonly #cluster: Cluster;
  readonly #isolationLevel: number;
  readonly #maxBytesPerPartition: number;
  #positions = new Map<string, Position>();
  #closed = false;

  constructor(kafka: Kafka, options: PartitionReaderOptions = {}) {
    const readCommitted = options.readCommitted !== false;
    this.#cluster = bareCluster(kafka, { readCommitted });
    this.#isolationLevel = readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
    this.#maxBytesPerPartition = options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
  }

  async assign(partitions: readonly TopicPartitionOffset[]): Promise<void> {
    if (this.#closed) throw illegalState('The partition reader is closed');
    for (const { topic, partition, offset } of partitions) {
      if (!Number.isSafeInteger(offset) || offset < 0) {
        throw illegalState(`Cannot read ${topic}-${partition} from offset ${offset}: offsets are non-negative integers`);
      }
    }
    const topics = [...new Set(partitions.map((p) => p.topic))];
    try {
      await this.#cluster.connect();
      if (topics.length > 0) await this.#cluster.addMultipleTargetTopics(topics);
    } catch (e) {
      throw toAdapterError(e, `assign partitions of topic(s) ${quoted(topics)} to the reader`);
    }
    for (const topic of topics) {
      const known = new Set(this.#cluster.findTopicPartitionMetadata(topic).map((p) => p.partitionId));
      const missing = partitions.filter((p) => p.topic === topic && !known.has(p.partition));
      if (missing.length > 0) {
        throw new KafkajsAdapterError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Cannot read partition(s) ${missing.map((p) => p.partition).join(', ')} of topic '${topic}': it has ${known.size} partition(s)`,
          { code: 3 },
        );
      }
    }
    this.#positions = new Map(partitions.map((p) => [partitionKey(p.topic, p.partition), { topic: p.topic, partition: p.partition, offset: p.offset, end: undefined }]));
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    if (this.#closed) throw illegalState('The partition reader is closed');
    const positions = [...this.#positions.values()];
    if (positions.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, maxWaitMs));
      return [];
    }
    try {
      await this.#cluster.refreshMetadataIfNecessary();
      const requests = this.#requestsByLeader(positions);
      const responses = await Promise.all(
        [...requests].map(async ([nodeId, topics]) => {
          const broker = await this.#cluster.findBroker({ nodeId: String(nodeId) });
          return (await broker.fetch({
            isolationLevel: this.#isolationLevel,
            maxWaitTime: maxWaitMs,
            minBytes: 1,
            maxBytes: MAX_BYTES_PER_FETCH,
            topics,
          })) as FetchResponse;
        }),
      );
      return this.#deliver(responses);
    } catch (e) {
      return this.#recover(e);
    }
  }

  position(topic: string, partition: number): number | undefined {
    return this.#positions.get(partitionKey(topic, partition))?.offset;
  }

  endOffset(topic: string, partition: number): number | undefined {
    return this.#positions.get(partitionKey(topic, partition))?.end;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#positions.clear();
    await this.#cluster.disconnect();
  }

  /** One Fetch request per partition leader. */
  #requestsByLeader(positions: readonly Position[]): Map<number, { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]> {
    const requests = new Map<number, { topic: string; partitions: { partition: number; fetchOffset: string; maxBytes: number }[] }[]>();
    for (const { topic, partitions } of partitionsByTopic(positions)) {
      const byLeader = this.#cluster.findLeaderForPartitions(topic, partitions);
      for (const [leader, ps] of Object.entries(byLeader)) {
        const nodeId = Number(leader);
        let topicsOfNode = requests.get(nodeId);
        if (topicsOfNode === undefined) requests.set(nodeId, (topicsOfNode = []));
        topicsOfNode.push({
          topic,
          partitions: ps.map((partition) => ({
            partition,
            fetchOffset: String(this.#positions.get(partitionKey(topic, partition))!.offset),
            maxBytes: this.#maxBytesPerPartition,
          })),
        });
      }
    }
    return requests;
  }

  #deliver(responses: readonly FetchResponse[]): ConsumedRecord[] {
    const delivered: ConsumedRecord[] = [];
    for (const response of responses) {
      for (const { topicName, partitions } of response.responses) {
        for (const data of partitions) {
          const position = this.#positions.get(partitionKey(topicName, data.partition));
          if (position === undefined) continue; // reassigned while the fetch was in flight
          const from = position.offset;
          const kept = committedRecords(data.messages, this.#isolationLevel === IsolationLevel.READ_COMMITTED ? data.abortedTransactions : undefined);
          // A compressed batch may start before the requested offset: drop what precedes it.
          for (const raw of kept) if (Number(raw.offset) >= from) delivered.push(toConsumedRecord(topicName, data.partition, raw));
          position.offset = nextFetchOffset(data.messages, from);
          position.end = this.#endOf(data);
        }
      }
    }
    return delivered;
  }

  /** The LSO under read_committed (the broker sends -1 when it has none to report), else the high watermark. */
  #endOf(data: FetchPartitionResponse): number | undefined {
    const hw = Number(data.highWatermark);
    const lso = data.lastStableOffset === undefined ? -1 : Number(data.lastStableOffset);
    const end = this.#isolationLevel === IsolationLevel.READ_COMMITTED && lso >= 0 ? lso : hw;
    return Number.isSafeInteger(end) && end >= 0 ? end : undefined;
  }

  async #recover(e: unknown): Promise<ConsumedRecord[]> {
    const root = rootCause(e);
    if (root.name === 'KafkaJSOffsetOutOfRange' || root.type === 'OFFSET_OUT_OF_RANGE') {
      const key = root.topic !== undefined && root.partition !== undefined ? partitionKey(root.topic, root.partition) : undefined;
      const position = key !== undefined ? this.#positions.get(key) : undefined;
      throw new KafkajsAdapterError(
        'OFFSET_OUT_OF_RANGE',
        `Cannot read ${root.topic ?? '?'}-${root.partition ?? '?'} from offset ${position?.offset ?? '?'}: outside the partition's log (use listOffsets for its range)`,
        { cause: e, code: 1 },
      );
    }
    const error = toAdapterError(e, `read partitions of topic(s) ${quoted([...new Set([...this.#positions.values()].map((p) => p.topic))])}`);
    if (STALE_METADATA.has(error.type) || root.name === 'KafkaJSBrokerNotFound') {
      await this.#cluster.refreshMetadata().catch(() => undefined);
      return [];
    }
    throw error;
  }
}
