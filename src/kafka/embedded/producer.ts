import type { KafkaProducer, KafkaTransaction, ProducerOptions, ProducerRecord, RecordMetadata } from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import { ConnectionState } from './connection-state.js';
import { EmbeddedKafkaError, illegalState } from './errors.js';
import { ProducerPartitioner, writeRecords } from './record-writer.js';
import { EmbeddedTransaction } from './transaction.js';

/** Kafka's default `transaction.timeout.ms`. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;
/** The broker's default `transaction.max.timeout.ms`: InitProducerId refuses longer timeouts. */
const MAX_TRANSACTION_TIMEOUT_MS = 900_000;

/**
 * A producer on an embedded cluster. Every send is acknowledged by all replicas at once (there
 * is one copy) and is never duplicated, so idempotence holds trivially. A transactional
 * producer gets its epoch in `connect()`, which fences any older producer of the same
 * transactional id and aborts what that one left open.
 */
export class EmbeddedProducer implements KafkaProducer {
  readonly #cluster: EmbeddedCluster;
  readonly #options: ProducerOptions;
  readonly #connection: ConnectionState;
  readonly #partitioner = new ProducerPartitioner();
  #epoch: number | undefined;

  constructor(cluster: EmbeddedCluster, options: ProducerOptions = {}) {
    this.#cluster = cluster;
    this.#options = options;
    this.#connection = new ConnectionState(cluster, 'producer');
    if (options.transactionalId !== undefined && (typeof options.transactionalId !== 'string' || options.transactionalId === '')) {
      throw new EmbeddedKafkaError('INVALID_REQUEST', `transactionalId must be a non-empty string, but got: ${JSON.stringify(options.transactionalId)}`);
    }
  }

  async connect(): Promise<void> {
    this.#connection.connect();
    const id = this.#options.transactionalId;
    const timeoutMs = this.#options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
    if (id !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TRANSACTION_TIMEOUT_MS)) {
      throw new EmbeddedKafkaError(
        'INVALID_TRANSACTION_TIMEOUT',
        `transactionTimeoutMs of '${id}' must be an integer from 1 to ${MAX_TRANSACTION_TIMEOUT_MS} (the broker's transaction.max.timeout.ms), but got: ${String(timeoutMs)}`,
      );
    }
    if (id !== undefined && this.#epoch === undefined) this.#epoch = this.#cluster.transactions.initProducer(id);
  }

  async disconnect(): Promise<void> {
    // Like Kafka's close(): an open transaction is left to the coordinator, which aborts it
    // when a new producer takes the id or when transaction.timeout.ms passes.
    this.#connection.disconnect();
  }

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.#connection.ensureConnected();
    if (this.#options.transactionalId !== undefined) {
      throw illegalState(
        `Producer '${this.#options.transactionalId}' is transactional: send inside a transaction (beginTransaction()), as Kafka requires`,
      );
    }
    return writeRecords(this.#cluster, records, this.#partitioner);
  }

  async beginTransaction(): Promise<KafkaTransaction> {
    this.#connection.ensureConnected();
    const id = this.#options.transactionalId;
    if (id === undefined || this.#epoch === undefined) {
      throw illegalState('beginTransaction() needs a producer created with a transactionalId');
    }
    const timeoutMs = this.#options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
    const txn = this.#cluster.transactions.begin(id, this.#epoch, timeoutMs);
    return new EmbeddedTransaction(this.#cluster, txn, this.#partitioner);
  }
}
