import type { ConsumedRecord, Header } from '../port.js';

/** Where a transaction stands; shared by every record it wrote, so ending it is one assignment. */
export interface TransactionStatus {
  status: 'open' | 'committed' | 'aborted';
}

export type IsolationLevel = 'read_committed' | 'read_uncommitted';

/** How a partition's log is cleaned, from its topic's configs. */
export interface LogPolicy {
  /** `cleanup.policy` includes `compact`. */
  readonly compact: boolean;
  /** `cleanup.policy` includes `delete`. */
  readonly delete: boolean;
  /** `retention.ms`; -1 keeps records forever. */
  readonly retentionMs: number;
  /** `retention.bytes` per partition; -1 means no size bound. */
  readonly retentionBytes: number;
  /** Bytes after which the active segment is closed and a new one started. */
  readonly segmentBytes: number;
}

interface StoredRecord {
  readonly offset: number;
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

interface Segment {
  readonly baseOffset: number;
  /** In offset order; dense (offset = base + index) until compaction leaves gaps. */
  readonly records: StoredRecord[];
  bytes: number;
  maxTimestamp: number;
  /** Holds only what a compaction kept: records here are the latest of their key. */
  compacted: boolean;
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

/** Approximate bytes of a record, for fetch limits, segment sizes and the message size check. */
export function recordSize(record: AppendRecord): number {
  let size = 64 + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers) size += Buffer.byteLength(header.key) + (header.value?.length ?? 0);
  return size;
}

function copyHeaders(headers: readonly Header[]): Header[] {
  return headers.map((h) => ({ key: h.key, value: h.value === null ? null : Buffer.from(h.value) }));
}

const newSegment = (baseOffset: number): Segment => ({ baseOffset, records: [], bytes: 0, maxTimestamp: -1, compacted: false });

/** Index of the first record with an offset >= `offset` (records.length when none). */
function firstAtOrAfter(segment: Segment, offset: number): number {
  const { records } = segment;
  if (!segment.compacted) return Math.max(0, Math.min(records.length, offset - segment.baseOffset));
  let low = 0;
  let high = records.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (records[mid]!.offset < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * One partition's log, kept as Kafka keeps it: in segments, offsets from 0.
 *
 * Transactions follow Kafka's log layout: a transaction's records get their offsets when
 * written, and its end writes a control marker that also takes an offset. The last stable
 * offset (LSO) is the first offset of the oldest transaction still open here; read_committed
 * readers stop there, and below it skip the records of aborted transactions.
 *
 * Cleaning works on closed segments only, as in Kafka (the active one is never cleaned), and
 * only below the LSO; it runs when a segment closes. `delete` drops whole segments from the
 * head once they are past `retention.ms` (by their newest timestamp) or beyond
 * `retention.bytes`, which moves the log start offset. `compact` keeps the latest record of
 * every key (tombstones included) and drops control markers and aborted records, leaving gaps
 * in the offsets, as a real compacted topic has. With Kafka's own 1 GiB segments, cleaning
 * would never happen in memory; the embedded default is smaller (see `TopicLog`).
 *
 * Keys, values and headers are copied in and out, as bytes crossing a network would be, so
 * neither a producer nor a consumer can change what another one sees.
 */
export class PartitionLog {
  readonly #segments: Segment[] = [newSegment(0)];
  #logEndOffset = 0;
  #bytes = 0;
  /** First offset in this partition of each open transaction that wrote here. */
  readonly #openTransactions = new Map<TransactionStatus, number>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly policy: LogPolicy,
  ) {}

  /** First offset still in the log (moves when retention deletes segments). */
  get logStartOffset(): number {
    return this.#segments[0]!.baseOffset;
  }

  /** The offset the next record gets (Kafka's high watermark on a single broker). */
  get logEndOffset(): number {
    return this.#logEndOffset;
  }

  get lastStableOffset(): number {
    let lso = this.#logEndOffset;
    for (const first of this.#openTransactions.values()) if (first < lso) lso = first;
    return lso;
  }

  /** The end of what a reader with this isolation may fetch (exclusive). */
  fetchLimit(isolation: IsolationLevel): number {
    return isolation === 'read_committed' ? this.lastStableOffset : this.logEndOffset;
  }

  /** Whether a fetch from `offset` is out of range (before the log start or after its end). */
  outOfRange(offset: number): boolean {
    return offset < this.logStartOffset || offset > this.#logEndOffset;
  }

  /** Appends a record (copying its bytes) and returns its offset. */
  append(record: AppendRecord, txn?: TransactionStatus): number {
    const offset = this.#logEndOffset;
    if (txn !== undefined && !this.#openTransactions.has(txn)) this.#openTransactions.set(txn, offset);
    this.#push({
      offset,
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
    const offset = this.#logEndOffset;
    this.#push({ offset, key: null, value: null, timestamp, headers: [], size: 64, txn, control: true });
    return offset;
  }

  /**
   * Reads from `from` up to the fetch limit of `isolation`, skipping control markers and, for
   * read_committed, records of aborted transactions (read_uncommitted sees those, as in Kafka).
   * The caller checks `outOfRange(from)` first.
   */
  read(from: number, isolation: IsolationLevel, limits: ReadLimits): ReadResult {
    const end = this.fetchLimit(isolation);
    const records: ConsumedRecord[] = [];
    let bytes = 0;
    let nextOffset = from;
    let s = this.#segmentIndex(from);
    let r = firstAtOrAfter(this.#segments[s]!, from);
    scan: for (; s < this.#segments.length; s++, r = 0) {
      const segment = this.#segments[s]!;
      for (; r < segment.records.length; r++) {
        const stored = segment.records[r]!;
        if (stored.offset >= end || records.length >= limits.maxRecords) break scan;
        const skip = stored.control === true || (isolation === 'read_committed' && stored.txn?.status === 'aborted');
        if (!skip) {
          if (records.length > 0 && bytes + stored.size > limits.maxBytes) break scan;
          bytes += stored.size;
          records.push({
            topic: this.topic,
            partition: this.partition,
            offset: stored.offset,
            key: stored.key === null ? null : Buffer.from(stored.key),
            value: stored.value === null ? null : Buffer.from(stored.value),
            timestamp: stored.timestamp,
            headers: copyHeaders(stored.headers),
          });
        }
        nextOffset = stored.offset + 1;
      }
    }
    return { records, nextOffset };
  }

  /** The segment holding `offset`: the last one whose base is at or below it. */
  #segmentIndex(offset: number): number {
    let low = 0;
    let high = this.#segments.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >>> 1;
      if (this.#segments[mid]!.baseOffset <= offset) low = mid;
      else high = mid - 1;
    }
    return low;
  }

  #push(record: StoredRecord): void {
    const active = this.#segments.at(-1)!;
    active.records.push(record);
    active.bytes += record.size;
    this.#bytes += record.size;
    if (record.timestamp > active.maxTimestamp) active.maxTimestamp = record.timestamp;
    this.#logEndOffset = record.offset + 1;
    if (active.bytes >= this.policy.segmentBytes) {
      this.#segments.push(newSegment(this.#logEndOffset));
      this.#clean();
    }
  }

  #clean(): void {
    // Closed segments that lie wholly below the LSO: no open transaction has records there.
    const lso = this.lastStableOffset;
    let cleanable = 0;
    while (cleanable < this.#segments.length - 1 && this.#segments[cleanable + 1]!.baseOffset <= lso) cleanable++;
    if (this.policy.compact) cleanable = this.#compact(cleanable);
    if (this.policy.delete) this.#applyRetention(cleanable);
  }

  /** Merges the first `count` segments into one holding the latest record per key; returns the new count (0 or 1). */
  #compact(count: number): number {
    const dirty = this.#segments.slice(0, count);
    if (dirty.length === 0 || (dirty.length === 1 && dirty[0]!.compacted)) return dirty.length;
    const latest = new Map<string, StoredRecord>();
    for (const segment of dirty) {
      for (const record of segment.records) {
        if (record.control === true || record.txn?.status === 'aborted') continue;
        // Compacted topics refuse null keys, so only records from before cannot be merged by key.
        latest.set(record.key === null ? `\u0000null:${record.offset}` : record.key.toString('latin1'), record);
      }
    }
    const records = [...latest.values()].sort((a, b) => a.offset - b.offset);
    const merged: Segment = { baseOffset: dirty[0]!.baseOffset, records, bytes: 0, maxTimestamp: -1, compacted: true };
    for (const record of records) {
      merged.bytes += record.size;
      if (record.timestamp > merged.maxTimestamp) merged.maxTimestamp = record.timestamp;
    }
    for (const segment of dirty) this.#bytes -= segment.bytes;
    this.#bytes += merged.bytes;
    this.#segments.splice(0, dirty.length, merged);
    return 1;
  }

  /** Deletes head segments (among the first `count`) past retention.ms or beyond retention.bytes. */
  #applyRetention(count: number): void {
    const { retentionMs, retentionBytes } = this.policy;
    const cutoff = Date.now() - retentionMs;
    for (let deleted = 0; deleted < count; deleted++) {
      const head = this.#segments[0]!;
      const expired = retentionMs >= 0 && head.maxTimestamp < cutoff;
      const oversized = retentionBytes >= 0 && this.#bytes - head.bytes >= retentionBytes;
      if (!expired && !oversized) return;
      this.#segments.shift();
      this.#bytes -= head.bytes;
    }
  }
}
