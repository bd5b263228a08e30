import type { Logger } from 'pino';
import { StreamsException, TaskCorruptedException, TaskMigratedException } from '../errors.js';
import type { KafkaClient, KafkaProducer, KafkaTransaction, ProducerRecord, RecordMetadata, TopicPartitionOffset } from '../kafka/port.js';
import { kafkaErrorType } from './kafka-errors.js';
import { RecordCollectorImpl } from './record-collector-impl.js';
import type { ThreadMetrics } from './streams-metrics.js';
import type { TaskId } from './task.js';

/** Errors meaning another producer with our transactional id took over: the task is someone else's now. */
const FENCED_TYPES = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED']);

/** True when `error` says this producer was fenced (a newer producer initialised the same transactional id). */
export function isFencedError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && FENCED_TYPES.has(type);
}

/**
 * Kafka errors that reprocessing cannot cure: the same records would fail the same way, or the
 * application lacks a permission or a feature. They stay fatal for the thread.
 */
const UNRECOVERABLE_TYPES = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
  'INVALID_TOPIC_EXCEPTION',
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_FOR_MESSAGE_FORMAT',
  'UNSUPPORTED',
  'ILLEGAL_STATE',
  'INVALID_REQUEST',
]);

/**
 * True when a failed send or commit of a task's transaction is worth a retry from the last
 * commit (Kafka Streams' TaskCorruptedException): a Kafka error that is neither a fencing nor
 * one of the unrecoverable ones (timeouts, unavailable brokers or coordinators, too few
 * replicas, an invalid transaction state ...). Errors that did not come from Kafka are not.
 */
export function isRecoverableTransactionError(error: unknown): boolean {
  const type = kafkaErrorType(error);
  return type !== undefined && !FENCED_TYPES.has(type) && !UNRECOVERABLE_TYPES.has(type);
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

function migratedIfFenced(id: TaskId, error: unknown): unknown {
  if (!isFencedError(error)) return error;
  return new TaskMigratedException(`Task ${id}'s producer was fenced (a newer producer took its transactional id, or the broker aborted its transaction for running past transaction.timeout.ms)`, { cause: error });
}

/** What the thread must do about a failure of task `id`'s transaction: the error to throw. */
function transactionFailure(id: TaskId, error: unknown): unknown {
  if (!isRecoverableTransactionError(error)) return migratedIfFenced(id, error);
  return new TaskCorruptedException(`The transaction of task ${id} failed: ${messageOf(error)}`, [id], { cause: error });
}

export interface EosTaskProducersOptions {
  readonly client: KafkaClient;
  readonly applicationId: string;
  /**
   * `transaction.timeout.ms` (Kafka Streams' 10 s under exactly-once, not the producer's 60 s): a
   * transaction left open by a crashed instance is aborted by the coordinator this soon, unless a
   * new owner of the task aborts it earlier by initialising the same transactional id.
   */
  readonly transactionTimeoutMs: number;
  readonly metrics: ThreadMetrics;
  readonly log: Logger;
}

/**
 * One task's transactional producer (`transactional.id = <application.id>-<taskId>`) and the
 * collector its output goes through. A transaction begins with the first record sent (or at
 * commit, when a commit carries offsets only) and ends at the next commit or abort.
 */
class TaskProducer {
  readonly collector: RecordCollectorImpl;
  readonly #producer: KafkaProducer;
  #transaction: KafkaTransaction | undefined;
  #beginning: Promise<KafkaTransaction> | undefined;
  #connected: Promise<void> | undefined;

  constructor(producer: KafkaProducer, onAcknowledged: (n: number) => void) {
    this.#producer = producer;
    // The collector sends into the open transaction; it has one send in flight at a time, so
    // only one begin can be pending.
    this.collector = new RecordCollectorImpl({ send: (records) => this.#send(records) }, { onAcknowledged });
  }

  /** InitProducerId: fences the task's previous owner and aborts what it left open. */
  connect(): Promise<void> {
    this.#connected ??= this.#producer.connect();
    return this.#connected;
  }

  get inTransaction(): boolean {
    return this.#transaction !== undefined || this.#beginning !== undefined;
  }

  async #send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    return (await this.#begin()).send(records);
  }

  async #begin(): Promise<KafkaTransaction> {
    if (this.#transaction !== undefined) return this.#transaction;
    this.#beginning ??= this.#producer.beginTransaction();
    try {
      this.#transaction = await this.#beginning;
    } finally {
      this.#beginning = undefined;
    }
    return this.#transaction;
  }

  /**
   * Sends what the collector holds into the transaction, adds the consumed offsets to it and
   * commits it. Nothing to send and no offsets: no transaction at all. Returns whether one committed.
   */
  async commit(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<boolean> {
    await this.collector.flush();
    if (!this.inTransaction && offsets.length === 0) return false;
    const transaction = await this.#begin();
    await transaction.sendOffsets(groupId, offsets);
    // On failure the transaction stays here, for close() to abort.
    await transaction.commit();
    this.#transaction = undefined;
    return true;
  }

  /** Drops unsent output and aborts the open transaction, if any. Returns whether one was aborted. */
  async abort(): Promise<boolean> {
    await this.collector.abandon();
    const beginning = this.#beginning;
    const transaction = this.#transaction ?? (beginning === undefined ? undefined : await beginning.catch(() => undefined));
    this.#transaction = undefined;
    if (transaction === undefined) return false;
    await transaction.abort();
    return true;
  }

  async close(): Promise<void> {
    await this.#connected?.catch(() => undefined);
    await this.#producer.disconnect();
  }
}

/**
 * The output side of a stream thread under exactly-once (kafkajs cannot send consumer-group
 * metadata with offsets, so zombies are fenced per task by transactional id, as Kafka Streams'
 * original `exactly_once` did): one transactional producer per active task, initialised when the
 * task is assigned. A commit puts each task's output records, changelog records and consumed
 * offsets (for the group `application.id`) in one transaction of the task's producer.
 *
 * The thread and its task manager drive it like the at-least-once collector (`maybeSend`,
 * `hasRoom`, `waitForRoom`, `checkError`, `flush`, `abandon` act on every task's collector).
 */
export class EosTaskProducers {
  readonly #o: EosTaskProducersOptions;
  readonly #producers = new Map<TaskId, TaskProducer>();

  constructor(options: EosTaskProducersOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#producers.size;
  }

  /** Creates and initialises (in parallel) the producers of newly assigned tasks. */
  async open(ids: readonly TaskId[]): Promise<void> {
    const opening: Promise<void>[] = [];
    for (const id of ids) {
      let producer = this.#producers.get(id);
      if (producer === undefined) {
        const kafkaProducer = this.#o.client.producer({
          idempotent: true,
          transactionalId: `${this.#o.applicationId}-${id}`,
          transactionTimeoutMs: this.#o.transactionTimeoutMs,
        });
        producer = new TaskProducer(kafkaProducer, (n) => this.#o.metrics.recordSent(n));
        this.#producers.set(id, producer);
      }
      opening.push(producer.connect());
    }
    const results = await Promise.allSettled(opening);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /** The collector of an opened task's producer. */
  collectorFor(id: TaskId): RecordCollectorImpl {
    const producer = this.#producers.get(id);
    if (producer === undefined) throw new StreamsException(`No transactional producer was opened for task ${id}`, 'ILLEGAL_STATE');
    return producer.collector;
  }

  /**
   * Commits every given task's transaction (in parallel: each is its own producer). A fenced
   * producer throws TaskMigratedException; a recoverable Kafka error (see
   * `isRecoverableTransactionError`) TaskCorruptedException naming the tasks whose commits failed
   * (the others committed); any other failure a StreamsException. The caller closes the failed
   * tasks dirty, which aborts what is still open.
   */
  async commit(groupId: string, entries: readonly { readonly id: TaskId; readonly offsets: readonly TopicPartitionOffset[] }[]): Promise<void> {
    const started = performance.now();
    const results = await Promise.allSettled(
      entries.map(async ({ id, offsets }) => {
        const producer = this.#producers.get(id);
        if (producer === undefined) throw new StreamsException(`No transactional producer for task ${id}`, 'ILLEGAL_STATE');
        return producer.commit(groupId, offsets);
      }),
    );
    const committed = results.filter((r) => r.status === 'fulfilled' && r.value).length;
    if (committed > 0) this.#o.metrics.recordTransactions('committed', committed, performance.now() - started);
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [{ id: entries[i]!.id, error: r.reason as unknown }] : []));
    if (failures.length === 0) return;
    const fenced = failures.find((f) => isFencedError(f.error));
    if (fenced !== undefined) throw migratedIfFenced(fenced.id, fenced.error);
    const fatal = failures.find((f) => !isRecoverableTransactionError(f.error));
    if (fatal !== undefined) throw new StreamsException(`Committing the transaction of task ${fatal.id} failed: ${messageOf(fatal.error)}`, 'PROCESSING', { cause: fatal.error });
    const ids = failures.map((f) => f.id);
    throw new TaskCorruptedException(`Committing the transaction of task(s) ${ids.join(', ')} failed: ${messageOf(failures[0]!.error)}`, ids, { cause: failures[0]!.error });
  }

  /**
   * Closes the producers of these tasks (all when `ids` is undefined). Dirty: aborts their open
   * transactions first (a fenced producer cannot: the new owner's initialisation aborted them).
   */
  async close(ids: readonly TaskId[] | undefined, clean: boolean): Promise<void> {
    const closing = ids === undefined ? [...this.#producers.keys()] : ids.filter((id) => this.#producers.has(id));
    await Promise.all(
      closing.map(async (id) => {
        const producer = this.#producers.get(id) as TaskProducer;
        this.#producers.delete(id);
        if (!clean || producer.inTransaction) {
          try {
            if (await producer.abort()) this.#o.metrics.recordTransactions('aborted', 1);
          } catch (e) {
            this.#o.log.debug({ task: id, err: e instanceof Error ? e.message : String(e) }, 'aborting the transaction failed (fenced or timed out: the coordinator aborts it)');
          }
        }
        await producer.close().catch((e: unknown) => this.#o.log.warn({ task: id, err: e }, 'error closing a task producer'));
      }),
    );
  }

  // -- the collector interface the thread and task manager use -----------------------------------

  maybeSend(): void {
    for (const p of this.#producers.values()) p.collector.maybeSend();
  }

  hasRoom(): boolean {
    for (const p of this.#producers.values()) if (!p.collector.hasRoom()) return false;
    return true;
  }

  /**
   * Throws the tasks' send errors: TaskMigratedException when a producer was fenced,
   * TaskCorruptedException naming every task whose send failed recoverably, else the error.
   */
  checkError(): void {
    const corrupted: TaskId[] = [];
    let cause: unknown;
    for (const [id, p] of this.#producers) {
      try {
        p.collector.checkError();
      } catch (e) {
        const failure = transactionFailure(id, e);
        if (!(failure instanceof TaskCorruptedException)) throw failure;
        corrupted.push(id);
        cause ??= e;
      }
    }
    if (corrupted.length > 0) throw new TaskCorruptedException(`Sending in the transaction of task(s) ${corrupted.join(', ')} failed: ${messageOf(cause)}`, corrupted, { cause });
  }

  async waitForRoom(): Promise<void> {
    for (const [id, p] of this.#producers) {
      if (!p.collector.hasRoom()) await p.collector.waitForRoom().catch((e: unknown) => Promise.reject(transactionFailure(id, e)));
    }
  }

  async flush(): Promise<void> {
    await Promise.all([...this.#producers].map(([id, p]) => p.collector.flush().catch((e: unknown) => Promise.reject(transactionFailure(id, e)))));
  }

  async abandon(): Promise<void> {
    await Promise.all([...this.#producers.values()].map((p) => p.collector.abandon()));
  }
}
