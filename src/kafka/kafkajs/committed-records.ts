/**
 * What a read_committed consumer delivers from one partition's fetched records, as Java's
 * `Fetcher`/`CompletedFetch` decides it: no control records (transaction markers), and no
 * records of aborted transactions. The broker sends, with each read_committed fetch, the
 * aborted transactions overlapping the returned range (producer id and first offset); a
 * producer's records are aborted from its transaction's first offset up to its ABORT marker.
 *
 * kafkajs's group consumer does this itself; the partition reader fetches raw and uses this.
 * (kafkajs's version enters at most one aborted transaction per record, which misses a second
 * one starting before the same record.)
 */
import type { AbortedTransaction, RawRecord } from './kafkajs-module.js';

/** A control record's key is `version: int16, type: int16`; type 0 is ABORT, 1 is COMMIT. */
function isAbortMarker(record: RawRecord): boolean {
  return record.key !== null && record.key.length >= 4 && record.key.readInt16BE(2) === 0;
}

/**
 * The records to deliver, in offset order, from `records` (one partition, in offset order).
 * @param aborted the fetch response's aborted transactions; absent or empty under read_uncommitted
 */
export function committedRecords<R extends RawRecord>(records: readonly R[], aborted: readonly AbortedTransaction[] | undefined): R[] {
  const pending = [...(aborted ?? [])].sort((a, b) => compareOffsets(a.firstOffset, b.firstOffset));
  const abortedProducers = new Set<string>();
  const delivered: R[] = [];
  let next = 0;
  for (const record of records) {
    while (next < pending.length && compareOffsets(pending[next]!.firstOffset, record.offset) <= 0) {
      abortedProducers.add(pending[next]!.producerId);
      next++;
    }
    const producerId = record.batchContext?.producerId;
    if (record.isControlRecord === true) {
      if (producerId !== undefined && isAbortMarker(record)) abortedProducers.delete(producerId);
      continue;
    }
    if (record.batchContext?.inTransaction === true && producerId !== undefined && abortedProducers.has(producerId)) continue;
    delivered.push(record);
  }
  return delivered;
}

/** The offset after the last record batch in `records`, including batches delivering nothing. */
export function nextFetchOffset(records: readonly RawRecord[], current: number): number {
  let next = current;
  for (const record of records) {
    const context = record.batchContext;
    const end = context !== undefined ? Number(context.firstOffset) + context.lastOffsetDelta + 1 : Number(record.offset) + 1;
    if (end > next) next = end;
  }
  return next;
}

function compareOffsets(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
