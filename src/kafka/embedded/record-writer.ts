import { randomInt } from 'node:crypto';
import { defaultPartition } from '../partitioner.js';
import type { Header, ProducerRecord, RecordMetadata } from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import { EmbeddedKafkaError } from './errors.js';
import { recordSize, type PartitionLog, type TransactionStatus } from './partition-log.js';

/**
 * Picks partitions as Kafka's default partitioner: the explicit partition, else murmur2 of the
 * key, else (null key) round robin from a random start per topic, as kafkajs does.
 */
export class ProducerPartitioner {
  readonly #counters = new Map<string, number>();

  partition(record: ProducerRecord, partitionCount: number): number {
    if (record.partition !== undefined) return record.partition;
    if (record.key !== null) return defaultPartition(record.key, partitionCount);
    const next = (this.#counters.get(record.topic) ?? randomInt(0, 2 ** 31)) + 1;
    this.#counters.set(record.topic, next);
    return (next & 0x7fffffff) % partitionCount;
  }
}

function isBytesOrNull(value: unknown): value is Buffer | null {
  return value === null || Buffer.isBuffer(value);
}

function invalid(message: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError('INVALID_REQUEST', message);
}

function checkHeaders(headers: readonly Header[] | undefined, where: string): void {
  if (headers === undefined) return;
  if (!Array.isArray(headers)) throw invalid(`Headers of a record for ${where} must be an array of { key, value }`);
  for (const header of headers as readonly Header[]) {
    if (typeof header?.key !== 'string' || !isBytesOrNull(header.value)) {
      throw invalid(`Each header of a record for ${where} needs a string key and a Buffer or null value`);
    }
  }
}

/**
 * Validates a whole send, then appends it: one send either lands entirely or not at all.
 * Records in a transaction are tagged with it and their partitions join it.
 */
export function writeRecords(
  cluster: EmbeddedCluster,
  records: readonly ProducerRecord[],
  partitioner: ProducerPartitioner,
  txn?: TransactionStatus & { readonly partitions: Set<PartitionLog> },
): RecordMetadata[] {
  const now = Date.now();
  const placed = records.map((record) => {
    const topic = cluster.requireTopic(record.topic);
    if (record.partition !== undefined && (!Number.isInteger(record.partition) || topic.partitions[record.partition] === undefined)) {
      throw new EmbeddedKafkaError(
        'UNKNOWN_TOPIC_OR_PARTITION',
        `Topic '${record.topic}' has ${topic.partitions.length} partition(s), but a record names partition ${String(record.partition)}`,
      );
    }
    if (!isBytesOrNull(record.key) || !isBytesOrNull(record.value)) {
      throw invalid(`Record key and value must be a Buffer or null (serialize above the port), for topic '${record.topic}'`);
    }
    checkHeaders(record.headers, `topic '${record.topic}'`);
    if (record.key === null && topic.policy.compact) {
      throw new EmbeddedKafkaError('INVALID_RECORD', `Compacted topic '${record.topic}' cannot accept a record without a key`);
    }
    if (record.timestamp !== undefined && (!Number.isFinite(record.timestamp) || record.timestamp < 0)) {
      throw invalid(`Record timestamp must be epoch milliseconds >= 0, but got: ${String(record.timestamp)}`);
    }
    const appended = {
      key: record.key,
      value: record.value,
      timestamp: topic.logAppendTime ? now : (record.timestamp ?? now),
      headers: record.headers ?? [],
    };
    const size = recordSize(appended);
    if (size > topic.maxMessageBytes) {
      throw new EmbeddedKafkaError(
        'MESSAGE_TOO_LARGE',
        `A record of ~${size} bytes exceeds max.message.bytes (${topic.maxMessageBytes}) of topic '${record.topic}'`,
      );
    }
    const log = topic.partitions[partitioner.partition(record, topic.partitions.length)]!;
    return { log, appended };
  });
  const touched = new Set<string>();
  const metadata = placed.map(({ log, appended }) => {
    const offset = log.append(appended, txn);
    txn?.partitions.add(log);
    touched.add(log.topic);
    return { topic: log.topic, partition: log.partition, offset };
  });
  for (const topic of touched) cluster.notify(topic);
  return metadata;
}
