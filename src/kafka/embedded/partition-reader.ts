import type { ConsumedRecord, PartitionReader, PartitionReaderOptions, TopicPartition, TopicPartitionOffset } from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import { EmbeddedKafkaError, illegalState } from './errors.js';
import { DEFAULT_MAX_BYTES_PER_PARTITION, MAX_RECORDS_PER_BATCH } from './fetch-defaults.js';
import type { IsolationLevel } from './partition-log.js';
import { WakeSignal } from './wake-signal.js';

interface Position {
  readonly tp: TopicPartition;
  offset: number;
  /** The fetch limit (LSO or log end) seen by the latest fetch. */
  end: number | undefined;
}

/**
 * Reads assigned partitions from given offsets, outside any group (changelog restore, global
 * tables). A poll takes one bounded slice from every partition that has records, starting the
 * round from a different partition each time so that none is always served last. A position
 * outside the log (beyond its end, or before its start after retention) fails the poll with
 * OFFSET_OUT_OF_RANGE, as a fetch from Kafka would. A poll waiting when the reader is closed
 * returns an empty array.
 */
export class EmbeddedPartitionReader implements PartitionReader {
  readonly #cluster: EmbeddedCluster;
  readonly #isolation: IsolationLevel;
  readonly #maxBytes: number;
  #positions: Position[] = [];
  #turn = 0;
  readonly #wake = new WakeSignal();
  #stopWatching: (() => void) | undefined;
  #closed = false;

  constructor(cluster: EmbeddedCluster, options: PartitionReaderOptions = {}) {
    this.#cluster = cluster;
    this.#isolation = options.readCommitted === false ? 'read_uncommitted' : 'read_committed';
    this.#maxBytes = options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION;
  }

  async assign(partitions: readonly TopicPartitionOffset[]): Promise<void> {
    this.#ensureOpen();
    for (const { topic, partition, offset } of partitions) {
      this.#cluster.requirePartition(topic, partition);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new EmbeddedKafkaError('INVALID_REQUEST', `Start offset for ${topic}-${partition} must be a non-negative integer, but got: ${String(offset)}`);
      }
    }
    this.#positions = partitions.map(({ topic, partition, offset }) => ({ tp: { topic, partition }, offset, end: undefined }));
    this.#turn = 0;
    this.#stopWatching?.();
    this.#stopWatching = this.#cluster.watch([...new Set(partitions.map((p) => p.topic))], () => this.#wake.notify());
  }

  async poll(maxWaitMs: number): Promise<ConsumedRecord[]> {
    this.#ensureOpen();
    const deadline = Date.now() + Math.max(0, maxWaitMs);
    for (;;) {
      const records = this.#fetch();
      const left = deadline - Date.now();
      if (records.length > 0 || left <= 0) return records;
      await this.#wake.wait(left);
      // Closed while waiting: the poll ends quietly, as an empty poll would.
      if (this.#closed) return [];
      this.#cluster.ensureOpen();
    }
  }

  position(topic: string, partition: number): number | undefined {
    return this.#find(topic, partition)?.offset;
  }

  endOffset(topic: string, partition: number): number | undefined {
    return this.#find(topic, partition)?.end;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#stopWatching?.();
    this.#stopWatching = undefined;
    this.#positions = [];
    this.#wake.notify();
  }

  #find(topic: string, partition: number): Position | undefined {
    return this.#positions.find((p) => p.tp.topic === topic && p.tp.partition === partition);
  }

  #ensureOpen(): void {
    this.#cluster.ensureOpen();
    if (this.#closed) throw illegalState('The partition reader is closed');
  }

  #fetch(): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    const count = this.#positions.length;
    for (let i = 0; i < count; i++) {
      const position = this.#positions[(this.#turn + i) % count]!;
      const log = this.#cluster.topic(position.tp.topic)?.partitions[position.tp.partition];
      if (log === undefined) continue;
      if (log.outOfRange(position.offset)) {
        throw new EmbeddedKafkaError(
          'OFFSET_OUT_OF_RANGE',
          `Offset ${position.offset} is out of range [${log.logStartOffset}, ${log.logEndOffset}] of ${log.topic}-${log.partition}`,
        );
      }
      const { records, nextOffset } = log.read(position.offset, this.#isolation, {
        maxBytes: this.#maxBytes,
        maxRecords: MAX_RECORDS_PER_BATCH,
      });
      position.offset = nextOffset;
      position.end = log.fetchLimit(this.#isolation);
      for (const record of records) out.push(record);
    }
    if (count > 0) this.#turn = (this.#turn + 1) % count;
    return out;
  }
}
