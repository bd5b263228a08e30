import type { Logger } from 'pino';
import type { ResolvedStreamsConfig } from '../config.js';
import type { ConsumedRecord, KafkaClient, PartitionOffsets, PartitionReader, TopicPartitionOffset } from '../kafka/port.js';
import type { GlobalStateTask } from './global-state-task.js';
import type { StateRestoreListener } from './state-restore-listener.js';

/** What the global stream thread needs from `KafkaStreams`. */
export interface GlobalStreamThreadOptions {
  readonly task: GlobalStateTask;
  readonly client: KafkaClient;
  readonly config: ResolvedStreamsConfig;
  /** Earliest and latest offset per partition of a topic (the admin client's). */
  readonly listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>;
  /** Wall-clock time in ms. */
  readonly clock: () => number;
  /** Told once when the background loop dies of an error (the client goes to ERROR). */
  readonly onError: (error: Error) => void;
  readonly log: Logger;
  /** Told about the bootstrap restoration of every global topic partition. */
  readonly restoreListener?: StateRestoreListener;
}

/** How long one poll of the background loop waits for new records. */
const POLL_MS = 100;

/**
 * Kafka Streams' `GlobalStreamThread`: reads every partition of every global topic into the
 * instance's `GlobalStateTask`. `start()` restores the stores up to the end offsets found at
 * start (before any stream thread processes, so joins against a GlobalKTable see the whole
 * table), then a background loop keeps applying new records and flushes (store + checkpoint)
 * every `commit.interval.ms`. Not a group member: it assigns partitions itself.
 */
export class GlobalStreamThread {
  readonly #o: GlobalStreamThreadOptions;
  #reader: PartitionReader | undefined;
  #stopRequested = false;
  #failed = false;
  #loop: Promise<void> | undefined;
  #lastFlush = 0;

  constructor(options: GlobalStreamThreadOptions) {
    this.#o = options;
  }

  /** A global store by name (what stream tasks get through `TaskEnvironment.globalStore`). */
  store(name: string): unknown {
    return this.#o.task.store(name);
  }

  /**
   * Opens the stores, restores them to the end offsets of now, then starts the background loop.
   * Returns early (without the loop) when a stop was requested meanwhile.
   * @throws whatever opening, reading or applying throws (the caller fails the client)
   */
  async start(): Promise<void> {
    try {
      await this.#restore();
    } catch (e) {
      this.#failed = true;
      throw e;
    }
    if (!this.#stopRequested) this.#loop = this.#run();
  }

  async #restore(): Promise<void> {
    const { task, client, config, log } = this.#o;
    await task.initialize();
    const reader = client.reader({ clientId: `${config.clientId}-GlobalStreamThread`, readCommitted: config.processingGuarantee === 'exactly_once_v2' });
    this.#reader = reader;
    const listener = this.#o.restoreListener;
    const starts: TopicPartitionOffset[] = [];
    /** `topic:partition` → the partition, its store, the end offset (exclusive) restoration must reach, and records restored. */
    const pending = new Map<string, { tp: { topic: string; partition: number }; store: string; end: number; restored: number }>();
    for (const topic of task.topics) {
      for (const p of await this.#o.listOffsets(topic)) {
        const checkpoint = task.checkpointOffset({ topic, partition: p.partition });
        // A checkpoint before the log start (records deleted since) restarts at the log start.
        const offset = Math.max(checkpoint === undefined ? p.earliest : checkpoint + 1, p.earliest);
        starts.push({ topic, partition: p.partition, offset });
        if (offset < p.latest) {
          const tp = { topic, partition: p.partition };
          pending.set(`${topic}:${p.partition}`, { tp, store: task.storeNameOf(topic), end: p.latest, restored: 0 });
          listener?.onRestoreStart(tp, task.storeNameOf(topic), offset, p.latest);
        }
      }
    }
    await reader.assign(starts);
    const restoreStart = this.#o.clock();
    while (pending.size > 0 && !this.#stopRequested) {
      for (const [key, batch] of await this.#applyNext()) {
        const p = pending.get(key);
        if (p === undefined) continue;
        // Records past the end found at start are applied too, but are not part of the restoration.
        const inRange = batch.filter((r) => r.offset < p.end);
        p.restored += inRange.length;
        if (inRange.length > 0) listener?.onBatchRestored(p.tp, p.store, (inRange[inRange.length - 1] as ConsumedRecord).offset, inRange.length);
      }
      // By the reader's position, not the last record: under exactly-once a partition may end
      // in a transaction marker, which is never delivered. The last stable offset the fetch saw
      // ends it too (records above it belong to open transactions).
      for (const [key, p] of [...pending]) {
        const position = reader.position(p.tp.topic, p.tp.partition);
        const stable = reader.endOffset(p.tp.topic, p.tp.partition);
        if (position !== undefined && (position >= p.end || (stable !== undefined && position >= stable))) {
          pending.delete(key);
          listener?.onRestoreEnd(p.tp, p.store, p.restored);
        }
      }
    }
    for (const p of pending.values()) listener?.onRestoreSuspended?.(p.tp, p.store, p.restored);
    await task.flushState();
    this.#lastFlush = this.#o.clock();
    log.info({ topics: task.topics, ms: this.#lastFlush - restoreStart }, 'global stores restored');
  }

  /** Stops reading (the stores stay open for the stream threads until `shutdown()`). */
  requestStop(): void {
    this.#stopRequested = true;
  }

  /** Stops the loop, closes the reader and the task (clean unless the loop failed: flush + checkpoint). */
  async shutdown(): Promise<void> {
    this.#stopRequested = true;
    await this.#loop;
    try {
      await this.#reader?.close();
    } catch (e) {
      this.#o.log.warn({ err: e }, 'error closing the global reader');
    }
    this.#reader = undefined;
    await this.#o.task.close(!this.#failed);
  }

  async #run(): Promise<void> {
    try {
      while (!this.#stopRequested) {
        await this.#applyNext();
        const now = this.#o.clock();
        if (now - this.#lastFlush >= this.#o.config.commitIntervalMs) {
          await this.#o.task.flushState();
          this.#lastFlush = now;
        }
      }
    } catch (e) {
      this.#failed = true;
      this.#stopRequested = true;
      this.#o.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** Polls once and applies the records per partition; returns the records applied per `topic:partition` (offset order). */
  async #applyNext(): Promise<Map<string, ConsumedRecord[]>> {
    const reader = this.#reader;
    if (reader === undefined) return new Map();
    const records = await reader.poll(POLL_MS);
    const byPartition = new Map<string, ConsumedRecord[]>();
    for (const record of records) {
      const key = `${record.topic}:${record.partition}`;
      let batch = byPartition.get(key);
      if (batch === undefined) byPartition.set(key, (batch = []));
      batch.push(record);
    }
    for (const batch of byPartition.values()) {
      const head = batch[0] as ConsumedRecord;
      await this.#o.task.update({ topic: head.topic, partition: head.partition }, batch);
    }
    return byPartition;
  }
}
