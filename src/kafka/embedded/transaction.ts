import type { KafkaTransaction, ProducerRecord, RecordMetadata, TopicPartitionOffset } from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import { EmbeddedKafkaError } from './errors.js';
import { writeRecords, type ProducerPartitioner } from './record-writer.js';
import type { OpenTransaction } from './transaction-coordinator.js';

/**
 * One transaction of a transactional producer. Its records get offsets at once (visible to
 * read_uncommitted readers); read_committed readers see them only after `commit()`, and its
 * group offsets are committed only then. Every call first checks that the producer's epoch is
 * still current, so a fenced producer fails here with PRODUCER_FENCED.
 */
export class EmbeddedTransaction implements KafkaTransaction {
  readonly #cluster: EmbeddedCluster;
  readonly #txn: OpenTransaction;
  readonly #partitioner: ProducerPartitioner;

  constructor(cluster: EmbeddedCluster, txn: OpenTransaction, partitioner: ProducerPartitioner) {
    this.#cluster = cluster;
    this.#txn = txn;
    this.#partitioner = partitioner;
  }

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.#checkOpen();
    this.#cluster.transactions.checkFault(this.#txn.transactionalId, 'send');
    return writeRecords(this.#cluster, records, this.#partitioner, this.#txn);
  }

  async sendOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#checkOpen();
    this.#cluster.transactions.checkFault(this.#txn.transactionalId, 'sendOffsets');
    for (const { topic, partition, offset } of offsets) {
      this.#cluster.requirePartition(topic, partition);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new EmbeddedKafkaError('INVALID_REQUEST', `Offset for ${topic}-${partition} must be a non-negative integer, but got: ${String(offset)}`);
      }
    }
    const pending = this.#txn.offsets.get(groupId) ?? [];
    this.#txn.offsets.set(groupId, [...pending, ...offsets.map(({ topic, partition, offset, metadata }) => ({ topic, partition, offset, ...(metadata === undefined ? {} : { metadata }) }))]);
  }

  async commit(): Promise<void> {
    this.#cluster.ensureOpen();
    this.#cluster.transactions.checkOpen(this.#txn);
    this.#cluster.transactions.checkFault(this.#txn.transactionalId, 'commit');
    this.#cluster.transactions.end(this.#txn, 'committed');
  }

  async abort(): Promise<void> {
    this.#cluster.ensureOpen();
    this.#cluster.transactions.end(this.#txn, 'aborted');
  }

  #checkOpen(): void {
    this.#cluster.ensureOpen();
    this.#cluster.transactions.checkOpen(this.#txn);
  }
}
