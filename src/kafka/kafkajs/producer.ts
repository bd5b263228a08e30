/**
 * The port's producer on a kafkajs producer.
 *
 * - Partitioning: Kafka's Java murmur2 partitioner for keyed records (`../partitioner.ts`, the
 *   same result as kafkajs 2.x's `DefaultPartitioner`, at a fraction of its cost), kafkajs's
 *   round robin for keyless ones. We pass our partitioner explicitly, which also silences
 *   kafkajs's "switched default partitioner" warning, to learn which partition each record
 *   went to (kafkajs reports one base offset per partition, not per record) and to refuse an
 *   explicit partition the topic does not have (kafkajs would skip those records silently).
 * - Idempotence is on unless `idempotent: false` (Java's default since Kafka 3.0), with
 *   `maxInFlightRequests: 1` as kafkajs requires. It matters more on kafkajs than on Java:
 *   when one partition of a produce request fails (e.g. NOT_LEADER right after a topic was
 *   created), kafkajs retries the whole request, and without idempotence the partitions that
 *   had succeeded are written twice. A transactional producer is always idempotent.
 * - `connect()` of a transactional producer runs InitProducerId at once, as Java's
 *   `initTransactions()` does, so a new producer fences older ones with the same
 *   transactional id before it sends anything (kafkajs would do this at its first transaction).
 */
import type { Kafka, Message, PartitionerArgs, Producer, RecordMetadata as KafkajsRecordMetadata, Transaction } from 'kafkajs';
import { defaultPartition } from '../partitioner.js';
import type { KafkaProducer, KafkaTransaction, ProducerOptions, ProducerRecord, RecordMetadata } from '../port.js';
import { illegalState, KafkajsAdapterError, toAdapterError } from './kafkajs-error.js';
import { Partitioners } from './kafkajs-module.js';
import { toKafkajsMessage } from './record-mapping.js';
import { chunkBySize } from './send-chunks.js';
import { quoted } from './topic-partitions.js';
import type { SendBatch, TransactionOwner } from './transaction.js';
import { KafkajsTransaction } from './transaction.js';

export class KafkajsProducer implements KafkaProducer, TransactionOwner {
  readonly #producer: Producer;
  readonly #options: ProducerOptions;
  /** A transaction begun at connect (InitProducerId), handed out by the first beginTransaction(). */
  #pending: Transaction | undefined;
  #inTransaction = false;
  #fenced: KafkajsAdapterError | undefined;
  #connected = false;

  constructor(kafka: Kafka, options: ProducerOptions = {}) {
    this.#options = options;
    const transactional = options.transactionalId !== undefined;
    const idempotent = options.idempotent !== false || transactional;
    this.#producer = kafka.producer({
      createPartitioner: () => this.#partitioner(),
      idempotent,
      ...(transactional ? { transactionalId: options.transactionalId } : {}),
      ...(options.transactionTimeoutMs !== undefined ? { transactionTimeout: options.transactionTimeoutMs } : {}),
      ...(idempotent ? { maxInFlightRequests: 1 } : {}),
      allowAutoTopicCreation: false,
      // kafkajs retries an idempotent producer's sends forever by default, so a send to a
      // missing topic would never fail. A bounded budget (about half a minute) fails it
      // instead; a send that fails is an error the caller must handle anyway (a task dies, a
      // transaction aborts).
      retry: { initialRetryTime: 100, retries: 10, maxRetryTime: 3_000 },
    });
  }

  get #transactional(): boolean {
    return this.#options.transactionalId !== undefined;
  }

  async connect(): Promise<void> {
    try {
      await this.#producer.connect();
      this.#connected = true;
      if (this.#transactional && this.#pending === undefined) this.#pending = await this.#producer.transaction();
    } catch (e) {
      throw this.#error(e, this.#transactional ? `initialise transactions for transactional id '${this.#options.transactionalId}'` : 'connect the producer');
    }
  }

  async disconnect(): Promise<void> {
    const pending = this.#pending;
    this.#pending = undefined;
    // A transaction begun at connect has added no partitions: aborting it is local to kafkajs.
    if (pending?.isActive() === true) await pending.abort().catch(() => undefined);
    this.#connected = false;
    await this.#producer.disconnect();
  }

  async send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (this.#transactional) {
      throw illegalState(`Producer with transactional id '${this.#options.transactionalId}' sends only inside a transaction (beginTransaction())`);
    }
    return this.sendWith((batch) => this.#producer.sendBatch(batch), records);
  }

  async beginTransaction(): Promise<KafkaTransaction> {
    if (!this.#transactional) throw illegalState('beginTransaction() needs a producer created with a transactionalId');
    if (this.#fenced !== undefined) throw this.#fenced;
    if (!this.#connected) throw illegalState(`Transactional producer '${this.#options.transactionalId}' is not connected`);
    if (this.#inTransaction) throw illegalState(`Transactional producer '${this.#options.transactionalId}' already has an open transaction`);
    try {
      const transaction = this.#pending ?? (await this.#producer.transaction());
      this.#pending = undefined;
      this.#inTransaction = true;
      return new KafkajsTransaction(transaction, this);
    } catch (e) {
      throw this.#error(e, `begin a transaction (transactional id '${this.#options.transactionalId}')`);
    }
  }

  /** Called by the transaction when it ended, either way. */
  transactionEnded(): void {
    this.#inTransaction = false;
  }

  /** Maps a kafkajs error, remembering a fencing so that later calls fail the same way. */
  error(e: unknown, what: string): KafkajsAdapterError {
    return this.#error(e, what);
  }

  /** Sends `records` with `sendBatch`, in chunks the broker accepts, and works out each record's partition and offset. */
  async sendWith(sendBatch: SendBatch, records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    const metadata: RecordMetadata[] = [];
    for (const chunk of chunkBySize(records)) metadata.push(...(await this.#sendChunk(sendBatch, chunk)));
    return metadata;
  }

  async #sendChunk(sendBatch: SendBatch, records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    if (this.#fenced !== undefined) throw this.#fenced;
    if (records.length === 0) return [];
    const messages = records.map(toKafkajsMessage);
    const byTopic = new Map<string, Message[]>();
    records.forEach((record, i) => {
      let list = byTopic.get(record.topic);
      if (list === undefined) byTopic.set(record.topic, (list = []));
      list.push(messages[i]!);
    });
    const topics = [...byTopic.keys()];
    let response: KafkajsRecordMetadata[];
    try {
      response = await sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, ms]) => ({ topic, messages: ms })) });
    } catch (e) {
      throw this.#error(e, `send ${records.length} record(s) to topic(s) ${quoted(topics)}`);
    }
    // kafkajs writes one record batch per partition with the messages in the order given, so
    // the n-th record of a partition in this send got base offset + n. Per topic, arrays indexed
    // by partition: this runs for every record sent.
    const baseOffsets = new Map<string, number[]>();
    const nextIndex = new Map<string, number[]>();
    for (const r of response) {
      let bases = baseOffsets.get(r.topicName);
      if (bases === undefined) baseOffsets.set(r.topicName, (bases = []));
      bases[r.partition] = Number(r.baseOffset ?? r.offset ?? -1);
    }
    return records.map((record, i) => {
      // The partitioner wrote the partition it chose onto the message (or it was explicit).
      const partition = messages[i]!.partition ?? -1;
      let next = nextIndex.get(record.topic);
      if (next === undefined) nextIndex.set(record.topic, (next = []));
      const index = next[partition] ?? 0;
      next[partition] = index + 1;
      const base = baseOffsets.get(record.topic)?.[partition];
      return { topic: record.topic, partition, offset: base === undefined || base < 0 ? -1 : base + index };
    });
  }

  #partitioner(): (args: PartitionerArgs) => number {
    const roundRobin = Partitioners.DefaultPartitioner();
    return (args) => {
      const explicit = args.message.partition;
      if (explicit !== undefined && explicit !== null && !args.partitionMetadata.some((p) => p.partitionId === explicit)) {
        throw new KafkajsAdapterError(
          'UNKNOWN_TOPIC_OR_PARTITION',
          `Cannot send to partition ${explicit} of topic '${args.topic}': it has ${args.partitionMetadata.length} partition(s)`,
          { code: 3 },
        );
      }
      // An explicit partition (changelogs, repartition topics) needs no hashing nor remembering.
      if (explicit !== undefined && explicit !== null) return explicit;
      // Keyed: the same murmur2 partition as kafkajs's, computed with 32-bit integer arithmetic
      // rather than kafkajs's Long objects (which cost more than the rest of partitioning). Keyless:
      // kafkajs's round robin.
      const key = args.message.key;
      const partition = Buffer.isBuffer(key) ? defaultPartition(key, args.partitionMetadata.length) : roundRobin(args);
      // Remembered on the message (our own object): the result mapping reads it, and a retry of
      // the send keeps the record on this partition, as Java's producer fixes it at send().
      args.message.partition = partition;
      return partition;
    };
  }

  #error(e: unknown, what: string): KafkajsAdapterError {
    const error = toAdapterError(e, what, { transactional: this.#transactional });
    if (error.type === 'PRODUCER_FENCED') this.#fenced ??= error;
    return error;
  }
}
