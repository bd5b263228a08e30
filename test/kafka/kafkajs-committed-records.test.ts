import { describe, expect, it } from 'vitest';
import { committedRecords, nextFetchOffset } from '../../src/kafka/kafkajs/committed-records.js';
import type { RawRecord } from '../../src/kafka/kafkajs/kafkajs-module.js';

/** A record of a one-record batch (or of a batch starting at `batchStart` with `lastOffsetDelta`). */
function record(offset: number, producerId: string, options: { txn?: boolean; control?: 'abort' | 'commit'; batchStart?: number; lastOffsetDelta?: number } = {}): RawRecord {
  const control = options.control;
  return {
    offset: String(offset),
    timestamp: '0',
    // Control record key: version int16 (0), type int16 (0 = ABORT, 1 = COMMIT).
    key: control === undefined ? Buffer.from(`k${offset}`) : Buffer.from([0, 0, 0, control === 'abort' ? 0 : 1]),
    value: control === undefined ? Buffer.from(`v${offset}`) : null,
    isControlRecord: control !== undefined,
    batchContext: {
      firstOffset: String(options.batchStart ?? offset),
      lastOffsetDelta: options.lastOffsetDelta ?? 0,
      producerId,
      inTransaction: options.txn === true || control !== undefined,
    },
  };
}

const offsets = (records: readonly RawRecord[]): number[] => records.map((r) => Number(r.offset));

describe('read_committed filtering of fetched records', () => {
  it('drops aborted transactional records and all control records, keeps committed ones', () => {
    const records = [
      record(0, '7', { txn: true }),
      record(1, '7', { txn: true }),
      record(2, '7', { control: 'abort' }),
      record(3, '7', { txn: true }),
      record(4, '7', { control: 'commit' }),
      record(5, '-1'),
    ];
    expect(offsets(committedRecords(records, [{ producerId: '7', firstOffset: '0' }]))).toEqual([3, 5]);
  });

  it('keeps non-transactional records of other producers inside an aborted range', () => {
    const records = [record(0, '7', { txn: true }), record(1, '9'), record(2, '7', { control: 'abort' })];
    expect(offsets(committedRecords(records, [{ producerId: '7', firstOffset: '0' }]))).toEqual([1]);
  });

  it('enters every aborted transaction that starts before a record, not only the first', () => {
    // Two producers' aborted transactions start at 10 and 11; the fetch begins at 12.
    const records = [record(12, '7', { txn: true }), record(13, '8', { txn: true }), record(14, '7', { control: 'abort' }), record(15, '8', { control: 'abort' }), record(16, '8', { txn: true })];
    const aborted = [
      { producerId: '8', firstOffset: '11' },
      { producerId: '7', firstOffset: '10' },
    ];
    expect(offsets(committedRecords(records, aborted))).toEqual([16]);
  });

  it('delivers everything but control records without aborted transactions (read_uncommitted)', () => {
    const records = [record(0, '7', { txn: true }), record(1, '7', { control: 'abort' }), record(2, '7', { txn: true })];
    expect(offsets(committedRecords(records, undefined))).toEqual([0, 2]);
  });

  it('moves the fetch position past the last batch, also when the batch ends in removed records', () => {
    expect(nextFetchOffset([], 5)).toBe(5);
    expect(nextFetchOffset([record(5, '1'), record(6, '1', { control: 'commit' })], 5)).toBe(7);
    // A compacted batch 10..19 that kept only offset 12.
    expect(nextFetchOffset([record(12, '1', { batchStart: 10, lastOffsetDelta: 9 })], 10)).toBe(20);
  });
});
