/**
 * One Kafka transaction on a kafkajs transactional producer.
 *
 * `sendOffsets` goes through kafkajs's TxnOffsetCommit v0/v1, which carries no consumer-group
 * generation or member id (no KIP-447 group fencing): a zombie is fenced only through its
 * transactional id and epoch, so exactly-once on kafkajs needs one transactional id per task.
 */
import type { Message, RecordMetadata as KafkajsRecordMetadata, Transaction } from 'kafkajs';
import type { KafkaTransaction, ProducerRecord, RecordMetadata, TopicPartitionOffset } from '../port.js';
import type { KafkajsAdapterError } from './kafkajs-error.js';
import { illegalState } from './kafkajs-error.js';
import { offsetsByTopic } from './topic-partitions.js';

/** Sends batches through a kafkajs producer's or transaction's `sendBatch`. */
export type SendBatch = (batch: { topicMessages: { topic: string; messages: Message[] }[]; acks: number }) => Promise<KafkajsRecordMetadata[]>;

/** What a transaction needs from the producer that began it. */
export interface TransactionOwner {
  sendWith(sendBatch: SendBatch, records: readonly ProducerRecord[]): Promise<RecordMetadata[]>;
  /** Maps a kafkajs error (and remembers a fencing). */
  error(e: unknown, what: string): KafkajsAdapterError;
  transactionEnded(): void;
}

export class KafkajsTransaction implements KafkaTransaction {
  readonly #transaction: Transaction;
  readonly #producer: TransactionOwner;
  #ended = false;

  constructor(transaction: Transaction, producer: TransactionOwner) {
    this.#transaction = transaction;
    this.#producer = producer;
  }

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.#ensureOpen('send');
    return this.#producer.sendWith((batch) => this.#transaction.sendBatch(batch), records);
  }

  async sendOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#ensureOpen('sendOffsets');
    if (offsets.length === 0) return;
    try {
      await this.#transaction.sendOffsets({ consumerGroupId: groupId, topics: offsetsByTopic(offsets) });
    } catch (e) {
      throw this.#producer.error(e, `add offsets of group '${groupId}' to the transaction`);
    }
  }

  async commit(): Promise<void> {
    this.#ensureOpen('commit');
    try {
      await this.#transaction.commit();
    } catch (e) {
      throw this.#producer.error(e, 'commit the transaction');
    } finally {
      this.#end();
    }
  }

  async abort(): Promise<void> {
    this.#ensureOpen('abort');
    try {
      await this.#transaction.abort();
    } catch (e) {
      throw this.#producer.error(e, 'abort the transaction');
    } finally {
      this.#end();
    }
  }

  #ensureOpen(operation: string): void {
    if (this.#ended) throw illegalState(`Cannot ${operation}: the transaction has already been committed or aborted`);
  }

  #end(): void {
    this.#ended = true;
    this.#producer.transactionEnded();
  }
}
