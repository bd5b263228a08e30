import type { ConsumedRecord, Header } from '../port.js';

/** Where a transaction stands; shared by every record it wrote, so ending it is one assignment. */
export interface TransactionStatus {
  status: 'open' | 'committed' | 'aborted';
}

export type IsolationLevel = 'read_committed' | 'read_uncommitted';

interface StoredRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly Header[];
  readonly size: number;
  /** Set for records written in a transaction; its status decides read_committed visibility. */
  readonly txn?: TransactionStatus;
  /** A commit or abort marker: takes an offset, as in Kafka, and is never delivered. */
  readonly control?: boolean;
}

export interface AppendRecord {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
  readonly headers: readonly Header[];
}

export interface ReadLimits {
  /** Stop before a record that would exceed this many bytes (at least one record is returned). */
  readonly maxBytes: number;
  readonly maxRecords: number;
}

export interface ReadResult {
  readonly records: ConsumedRecord[];
  /** The offset after the last record examined (delivered or skipped), i.e. the next fetch position. */
  readonly nextOffset: number;
}

/** Approximate bytes of a record, for fetch limits and the message size check. */
export function recordSize(record: AppendRecord): number {
  let size = 64 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) size += Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

function copyHeaders(headers: readonly Header[]): Header[] {
  return headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) }));
}

/**
 * One partition's log. Offsets start at 0 and are array indexes; nothing is ever removed
 * (no retention, no compaction), so the log start offset stays 0.
 *
 * Transactions follow Kafka's log layout: a transaction's records get their offsets when
 * written, and its end writes a control marker that also takes an offset. The last stable
 * offset (LSO) is the first offset of the oldest transaction still open here; read_committed
 * readers stop there, and below it skip the records of aborted transactions.
 *
 * Keys, values and headers are copied in and out, as bytes crossing a network would be, so
 * neither a producer nor a consumer can change what another one sees.
 */
export class PartitionLog {
  readonly #records: StoredRecord[] = [];
  /** First offset in this partition of each open transaction that wrote here. */
  readonly #openTransactions = new Map<TransactionStatus, number>();

  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}

  get logStartOffset(): number {
    return 0;
  }

  /** The offset the next record gets (Kafka's high watermark on a single broker). */
  get logEndOffset(): number {
    return this.#records.length;
  }

  get lastStableOffset(): number {
    let lso = this.#records.length;
    for (const first of this.#openTransactions.values()) if (first < lso) lso = first;
    return lso;
  }

  /** The end of what a reader with this isolation may fetch (exclusive). */
  fetchLimit(isolation: IsolationLevel): number {
    return isolation === 'read_committed' ? this.lastStableOffset : this.logEndOffset;
  }

  /** Appends a record (copying its bytes) and returns its offset. */
  append(record: AppendRecord, txn?: TransactionStatus): number {
    const offset = this.#records.length;
    if (txn !== undefined && !this.#openTransactions.has(txn)) this.#openTransactions.set(txn, offset);
    this.#records.push({
      key: record.key === null ? null : Buffer.from(record.key),
      value: record.value === null ? null : Buffer.from(record.value),
      timestamp: record.timestamp,
      headers: copyHeaders(record.headers),
      size: recordSize(record),
      ...(txn === undefined ? {} : { txn }),
    });
    return offset;
  }

  /**
   * Writes the commit/abort marker of a transaction that wrote here (its status must already
   * be final), which advances the LSO past it.
   */
  appendMarker(txn: TransactionStatus, timestamp: number): number {
    this.#openTransactions.delete(txn);
    const offset = this.#records.length;
    this.#records.push({ key: null, value: null, timestamp, headers: [], size: 0, txn, control: true });
    return offset;
  }

  /**
   * Reads from `from` up to the fetch limit of `isolation`, skipping control markers and, for
   * read_committed, records of aborted transactions (read_uncommitted sees those, as in Kafka).
   */
  read(from: number, isolation: IsolationLevel, limits: ReadLimits): ReadResult {
    const end = this.fetchLimit(isolation);
    const records: ConsumedRecord[] = [];
    let bytes = 0;
    let offset = from;
    for (; offset < end && records.length < limits.maxRecords; offset++) {
      const stored = this.#records[offset]!;
      if (stored.control === true) continue;
      if (isolation === 'read_committed' && stored.txn?.status === 'aborted') continue;
      if (records.length > 0 && bytes + stored.size > limits.maxBytes) break;
      bytes += stored.size;
      records.push({
        topic: this.topic,
        partition: this.partition,
        offset,
        key: stored.key === null ? null : Buffer.from(stored.key),
        value: stored.value === null ? null : Buffer.from(stored.value),
        timestamp: stored.timestamp,
        headers: copyHeaders(stored.headers),
      });
    }
    return { records, nextOffset: offset };
  }
}
