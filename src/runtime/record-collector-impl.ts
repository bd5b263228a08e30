import type { KafkaProducer, ProducerRecord, RecordMetadata } from '../kafka/port.js';
import { StreamsException } from '../errors.js';
import { isHandleableSendError } from './exception-handlers.js';
import type { RecordCollector } from './task.js';

export interface RecordCollectorOptions {
  /** Most records in one producer `send` call. */
  readonly maxBatchRecords?: number;
  /** Queued records that start a send at once, without waiting for `lingerMs`. */
  readonly minBatchRecords?: number;
  /** How long a queued record may wait for more to share its send (Kafka 4's `linger.ms` default: 5). */
  readonly lingerMs?: number;
  /** Queued records above which `hasRoom()` says no and the thread waits for acks. */
  readonly maxQueuedRecords?: number;
  /** Told how many records the broker acknowledged, after each send. */
  readonly onAcknowledged?: (count: number) => void;
  /**
   * The production exception handler for send errors (at-least-once only): asked about each
   * record of a rejected send, unless the error is a fencing or fatal one (see
   * `isHandleableSendError`). 'CONTINUE' for all of them drops them and the collector goes on;
   * any 'FAIL' keeps the error, as without a handler.
   */
  readonly onSendError?: (record: ProducerRecord, error: Error, origin: 'SEND') => 'CONTINUE' | 'FAIL';
  /** Told of the records dropped because the handler said 'CONTINUE'. */
  readonly onDropped?: (records: readonly ProducerRecord[], error: Error) => void;
}

/** What a stream thread and its task manager drive: one collector, or (exactly-once) one per task. */
export type OutputQueue = Pick<RecordCollectorImpl, 'maybeSend' | 'hasRoom' | 'waitForRoom' | 'checkError' | 'flush' | 'abandon'>;

/**
 * The stream thread's output path: sinks queue records with `send()`, the collector hands them to
 * the (idempotent) producer in batches, one send in flight at a time, so records keep their order
 * per partition and a batch grows with the broker's round trip (small when the broker is fast,
 * large when it is slow). A send starts when nothing is in flight and either `minBatchRecords`
 * are queued or the oldest queued record waited `lingerMs` (as Kafka's producer lingers): slow
 * (async) processing then still makes batches instead of one produce request per record.
 * `flush()` sends at once and resolves when everything queued so far was acknowledged: the
 * thread calls it before committing offsets, which is what makes the guarantee at-least-once.
 *
 * A failed send is kept and re-thrown by `flush()` and `checkError()`; `send()` itself never
 * throws, so a broker error cannot be mistaken for a processing error of the current record.
 */
export class RecordCollectorImpl implements RecordCollector {
  readonly #producer: Pick<KafkaProducer, 'send'>;
  readonly #maxBatch: number;
  readonly #minBatch: number;
  readonly #lingerMs: number;
  readonly #maxQueued: number;
  readonly #onAcknowledged: ((count: number) => void) | undefined;
  readonly #onSendError: RecordCollectorOptions['onSendError'];
  readonly #onDropped: RecordCollectorOptions['onDropped'];
  #queue: ProducerRecord[] = [];
  /** When the oldest queued record was queued (performance.now()). */
  #oldestAt = 0;
  #lingerTimer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #error: Error | undefined;
  /** topic → partition → offset of the last acknowledged record (changelog checkpoints read it). */
  readonly #acknowledged = new Map<string, Map<number, number>>();

  constructor(producer: Pick<KafkaProducer, 'send'>, options: RecordCollectorOptions = {}) {
    this.#producer = producer;
    this.#maxBatch = options.maxBatchRecords ?? 10_000;
    this.#minBatch = Math.min(this.#maxBatch, options.minBatchRecords ?? 1_000);
    this.#lingerMs = options.lingerMs ?? 5;
    this.#maxQueued = options.maxQueuedRecords ?? 50_000;
    this.#onAcknowledged = options.onAcknowledged;
    this.#onSendError = options.onSendError;
    this.#onDropped = options.onDropped;
  }

  send(record: ProducerRecord): void {
    this.#queue.push(record);
    if (this.#queue.length === 1) {
      this.#oldestAt = performance.now();
      this.#armLinger();
    }
    if (this.#queue.length >= this.#minBatch) this.#kick();
  }

  /** Starts a send if one is due (enough records, or lingered long enough) and none is in flight. */
  maybeSend(): void {
    if (this.#queue.length >= this.#minBatch || performance.now() - this.#oldestAt >= this.#lingerMs) this.#kick();
  }

  /** Records queued and not yet acknowledged (queued + in flight is not tracked separately). */
  get queued(): number {
    return this.#queue.length;
  }

  /** False when the queue is over its limit: the thread should `await waitForRoom()` before processing more. */
  hasRoom(): boolean {
    return this.#queue.length < this.#maxQueued;
  }

  async waitForRoom(): Promise<void> {
    while (!this.hasRoom() && this.#error === undefined) {
      this.#kick();
      await this.#inFlight;
    }
    this.checkError();
  }

  /** Sends everything queued and waits for the broker's acknowledgements. */
  async flush(): Promise<void> {
    while ((this.#queue.length > 0 || this.#inFlight !== undefined) && this.#error === undefined) {
      this.#kick();
      await this.#inFlight;
    }
    this.checkError();
  }

  /** Offset of the last record the broker acknowledged for a partition through this collector (Kafka's `offsets()`). */
  acknowledgedOffset(topic: string, partition: number): number | undefined {
    return this.#acknowledged.get(topic)?.get(partition);
  }

  /** Throws the first send error, if one happened. */
  checkError(): void {
    if (this.#error !== undefined) throw this.#error;
  }

  /** Drops what is queued and waits for the send in flight (its outcome no longer matters). */
  async abandon(): Promise<void> {
    this.#queue = [];
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    await this.#inFlight;
  }

  #remember(metadata: readonly RecordMetadata[]): void {
    let topic: string | undefined;
    let byPartition: Map<number, number> | undefined;
    for (const m of metadata) {
      if (m.topic !== topic) {
        topic = m.topic;
        byPartition = this.#acknowledged.get(topic);
        if (byPartition === undefined) this.#acknowledged.set(topic, (byPartition = new Map()));
      }
      const known = byPartition?.get(m.partition);
      if (known === undefined || m.offset > known) byPartition?.set(m.partition, m.offset);
    }
  }

  /** Sends a batch; a failure is kept in #error, or dropped when the production exception handler says so. */
  async #deliver(batch: readonly ProducerRecord[]): Promise<void> {
    try {
      const metadata = await this.#producer.send(batch);
      this.#remember(metadata);
      this.#onAcknowledged?.(batch.length);
    } catch (e) {
      if (this.#onSendError !== undefined && batch.length > 1 && isHandleableSendError(e)) {
        // A rejected send does not say which record failed (the embedded broker and kafkajs reject
        // the whole request): the records go again one by one, so only the failing ones reach the
        // handler. At-least-once: a record the broker kept from the first attempt may be duplicated.
        for (const record of batch) {
          if (this.#error !== undefined) return;
          await this.#deliver([record]);
        }
        return;
      }
      if (this.#continueAfter(batch, e)) return;
      const first = batch[0];
      this.#error = new StreamsException(
        `Error sending ${batch.length} record(s)${first ? ` (first to topic ${first.topic})` : ''}: ${e instanceof Error ? e.message : String(e)}`,
        'PROCESSING',
        { cause: e },
      );
    }
  }

  /** True when the production exception handler said 'CONTINUE' for every record of the failed batch (then dropped). */
  #continueAfter(batch: readonly ProducerRecord[], e: unknown): boolean {
    const handler = this.#onSendError;
    if (handler === undefined || !isHandleableSendError(e)) return false;
    const error = e instanceof Error ? e : new Error(String(e));
    for (const record of batch) {
      let answer: 'CONTINUE' | 'FAIL';
      try {
        answer = handler(record, error, 'SEND');
      } catch {
        answer = 'FAIL';
      }
      if (answer !== 'CONTINUE') return false;
    }
    this.#onDropped?.(batch, error);
    return true;
  }

  /** A timer that starts the send when the oldest record has lingered long enough (idle threads do not call maybeSend). */
  #armLinger(): void {
    if (this.#lingerTimer !== undefined || this.#queue.length === 0) return;
    const wait = Math.max(0, this.#oldestAt + this.#lingerMs - performance.now());
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined;
      this.#kick();
    }, wait);
  }

  #kick(): void {
    if (this.#inFlight !== undefined || this.#queue.length === 0 || this.#error !== undefined) return;
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    const batch = this.#queue.length <= this.#maxBatch ? this.#queue : this.#queue.slice(0, this.#maxBatch);
    this.#queue = batch === this.#queue ? [] : this.#queue.slice(this.#maxBatch);
    if (this.#queue.length > 0) this.#oldestAt = performance.now();
    this.#inFlight = this.#deliver(batch).then(() => {
      this.#inFlight = undefined;
      if (this.#error !== undefined) return;
      // Pipelining: what queued up during the round trip goes out when it is due.
      this.maybeSend();
      this.#armLinger();
    });
  }
}
