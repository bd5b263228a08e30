import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { alignAbortedTransactions } from '../../src/kafka/kafkajs/aborted-transactions-fix.js';
import type { AbortedTransaction, RawRecord } from '../../src/kafka/kafkajs/kafkajs-module.js';

// kafkajs's own read_committed filter, the one its group consumer applies to every fetched batch.
const filterAbortedMessages = createRequire(import.meta.url)('kafkajs/src/consumer/filterAbortedMessages.js') as (args: {
  messages: readonly RawRecord[];
  abortedTransactions: readonly AbortedTransaction[];
}) => RawRecord[];

function record(offset: number, producerId: string, control?: 'abort' | 'commit'): RawRecord {
  return {
    offset: String(offset),
    timestamp: '0',
    key: control === undefined ? Buffer.from(`k${offset}`) : Buffer.from([0, 0, 0, control === 'abort' ? 0 : 1]),
    value: control === undefined ? Buffer.from(`v${offset}`) : null,
    isControlRecord: control !== undefined,
    batchContext: { firstOffset: String(offset), lastOffsetDelta: 0, producerId, inTransaction: true },
  };
}

const delivered = (records: readonly RawRecord[], aborted: readonly AbortedTransaction[]): number[] =>
  filterAbortedMessages({ messages: records, abortedTransactions: aborted }).filter((r) => r.isControlRecord !== true).map((r) => Number(r.offset));

describe('kafkajs read_committed: aborted transactions aligned on their records', () => {
  // Three producers' transactions aborted together; the fetch begins inside them, at 20.
  const records = [record(20, '8'), record(21, '9'), record(22, '7'), record(23, '7', 'abort'), record(24, '8', 'abort'), record(25, '9', 'abort'), record(26, '8')];
  const aborted = [
    { producerId: '7', firstOffset: '10' },
    { producerId: '8', firstOffset: '11' },
    { producerId: '9', firstOffset: '12' },
  ];

  it("kafkajs alone delivers records of aborted transactions when several start before the fetch", () => {
    expect(delivered(records, aborted)).not.toEqual([26]);
  });

  it('with the aligned list it delivers only what committed', () => {
    expect(delivered(records, alignAbortedTransactions(aborted, records))).toEqual([26]);
  });

  it('drops aborted transactions without a record in the fetch and sorts the rest by their new first offset', () => {
    expect(alignAbortedTransactions([{ producerId: '9', firstOffset: '12' }, { producerId: '5', firstOffset: '1' }, { producerId: '8', firstOffset: '11' }], records)).toEqual([
      { producerId: '8', firstOffset: '20' },
      { producerId: '9', firstOffset: '21' },
    ]);
  });

  it("never moves an aborted transaction onto the same producer's next, committed one (a task producer re-initialised by the task's new owner)", () => {
    // Producer 7's transaction from 10 aborted (marker at 31, written by the new owner's
    // initialisation); the fetch begins after its last record; then the same producer id, new
    // epoch, commits 32-33.
    const fetch = [record(30, '8'), record(31, '7', 'abort'), record(32, '7'), record(33, '7'), record(34, '7', 'commit')];
    const reinitialised = [{ producerId: '7', firstOffset: '10' }];
    expect(alignAbortedTransactions(reinitialised, fetch)).toEqual([]);
    expect(delivered(fetch, alignAbortedTransactions(reinitialised, fetch))).toEqual([30, 32, 33]);
    // With records of the aborted transaction in the fetch, those and only those are skipped.
    const straddling = [record(29, '7'), ...fetch];
    expect(delivered(straddling, alignAbortedTransactions(reinitialised, straddling))).toEqual([30, 32, 33]);
  });
});
