/**
 * Makes kafkajs's group consumer skip every aborted transaction under read_committed.
 *
 * kafkajs 2.2.4 (`src/consumer/filterAbortedMessages.js`) walks a fetched partition's records
 * and enters at most one aborted transaction (from the fetch response's list, by first offset)
 * per record. When two aborted transactions of different producers both start before the first
 * record of a fetch (a fetch that begins inside interleaved transactions, which exactly-once
 * produces whenever several tasks' transactions abort together into one repartition
 * partition), the second one is entered only at the next record, and that producer's record in
 * between is delivered although its transaction aborted.
 *
 * The fix rewrites each aborted transaction's first offset, before kafkajs sees the response,
 * to the offset of that producer's first transactional record in this fetch at or after it
 * and before that producer's next control record (its abort marker), so each lies on a record
 * of its own transaction and kafkajs enters each at the right record. It drops the ones with no
 * such record (nothing of them to skip in this fetch): a fetch that begins after an aborted
 * transaction's last record but before its marker must not move the transaction onto the
 * producer's next one. That next transaction is often the same producer id's, committed:
 * kstreams' task producers keep their transactional id, and so their producer id, when a task
 * moves (the new owner's initialisation aborts the old transaction and bumps only the epoch);
 * moved there, kafkajs would skip that committed transaction as aborted. Aborted records stay in
 * the response, so kafkajs still advances past a fetch that holds nothing else.
 *
 * Installed by wrapping `findBroker` on the consumer's own Cluster (kafkajs's fetch path:
 * `ConsumerGroup.fetch` → `cluster.findBroker({ nodeId })` → `broker.fetch(...)`).
 */
import type { AbortedTransaction, Broker, Cluster, RawRecord } from './kafkajs-module.js';

interface FetchPartition {
  abortedTransactions?: AbortedTransaction[];
  messages?: readonly RawRecord[];
}

interface FetchResponseShape {
  responses?: readonly { partitions?: readonly FetchPartition[] }[];
}

/** The aborted transactions as kafkajs's filter needs them: each starting on a record of its producer, ascending. */
export function alignAbortedTransactions(aborted: readonly AbortedTransaction[], records: readonly RawRecord[]): AbortedTransaction[] {
  const aligned: AbortedTransaction[] = [];
  for (const txn of aborted) {
    const first = BigInt(txn.firstOffset);
    for (const r of records) {
      if (r.batchContext?.producerId !== txn.producerId || BigInt(r.offset) < first) continue;
      // The producer's marker ends this transaction: whatever of it this fetch holds came before.
      if (r.isControlRecord === true) break;
      if (r.batchContext.inTransaction === true) {
        aligned.push({ ...txn, firstOffset: r.offset });
        break;
      }
    }
  }
  return aligned.sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : BigInt(a.firstOffset) > BigInt(b.firstOffset) ? 1 : 0));
}

export function installAbortedTransactionsFix(cluster: Cluster): void {
  const original = cluster.findBroker;
  if (typeof original !== 'function') throw new Error('kafkajs Cluster has no findBroker (is kafkajs still 2.2.4?)');
  const hooked = new WeakSet<object>();
  cluster.findBroker = async (request: { nodeId: string }) => {
    const broker = await original.call(cluster, request);
    if (!hooked.has(broker)) {
      hooked.add(broker);
      hookFetch(broker);
    }
    return broker;
  };
}

function hookFetch(broker: Broker): void {
  const fetch = (broker as unknown as { fetch?: (request: unknown) => Promise<FetchResponseShape> }).fetch;
  if (typeof fetch !== 'function') throw new Error('kafkajs Broker has no fetch (is kafkajs still 2.2.4?)');
  (broker as unknown as { fetch: (request: unknown) => Promise<FetchResponseShape> }).fetch = async (request) => {
    const response = await fetch.call(broker, request);
    for (const topic of response.responses ?? []) {
      for (const partition of topic.partitions ?? []) {
        if (partition.abortedTransactions !== undefined && partition.abortedTransactions.length > 0) {
          partition.abortedTransactions = alignAbortedTransactions(partition.abortedTransactions, partition.messages ?? []);
        }
      }
    }
    return response;
  };
}
