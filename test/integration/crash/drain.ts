/**
 * When is a crash-test run finished? When the application's group has committed every input
 * record and every record of its repartition topic. The input is written without transactions,
 * so its committed offsets must reach the log end. The repartition topic is written by the
 * application, under exactly-once in transactions whose commit markers take offsets too: there
 * the committed offset must pass the last committed record (found by reading the partition's
 * tail with read_committed), not the log end.
 */
import type { Admin } from 'kafkajs';
import { createKafkaClient } from '../../../src/kafka/index.js';

export interface DrainStatus {
  readonly done: boolean;
  readonly inputCommitted: number;
  readonly inputEnd: number;
  readonly repartitionCommitted: number;
  readonly repartitionEnd: number;
}

async function committedByPartition(admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> {
  const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
  return new Map((entry?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]));
}

async function endsByPartition(admin: Admin, topic: string): Promise<Map<number, { low: number; high: number }>> {
  return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, { low: Number(p.low), high: Number(p.high) }]));
}

const total = (m: Map<number, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

/** Offset of the last committed (read_committed) record of a partition at or after `low`, or -1. */
export async function lastCommittedRecordOffset(bootstrapServers: string, topic: string, partition: number, low: number, high: number): Promise<number> {
  const reader = createKafkaClient({ bootstrapServers, clientId: 'crash-test-drain', logLevel: 'nothing' }).reader({ readCommitted: true });
  try {
    for (let back = 64; ; back *= 8) {
      const from = Math.max(low, high - back);
      await reader.assign([{ topic, partition, offset: from }]);
      let last = -1;
      for (let empty = 0; empty < 2; ) {
        const records = await reader.poll(300);
        if (records.length === 0) empty++;
        for (const r of records) last = Math.max(last, r.offset);
      }
      if (last >= 0 || from === low) return last;
    }
  } finally {
    await reader.close();
  }
}

export async function drainStatus(admin: Admin, bootstrapServers: string, groupId: string, input: string, repartition: string): Promise<DrainStatus> {
  const inputCommitted = await committedByPartition(admin, groupId, input);
  const inputEnds = await endsByPartition(admin, input);
  const repCommitted = await committedByPartition(admin, groupId, repartition);
  const repEnds = await endsByPartition(admin, repartition);
  const status = {
    inputCommitted: total(inputCommitted),
    inputEnd: [...inputEnds.values()].reduce((n, e) => n + e.high, 0),
    repartitionCommitted: total(repCommitted),
    repartitionEnd: [...repEnds.values()].reduce((n, e) => n + e.high, 0),
  };
  const inputDone = [...inputEnds].every(([p, e]) => (inputCommitted.get(p) ?? 0) >= e.high);
  if (!inputDone) return { ...status, done: false };
  // No shortcut on the distance to the log end: the tail may be a whole aborted transaction (a
  // fenced zombie's writes) plus markers, which the group never commits past.
  for (const [p, e] of repEnds) {
    const committed = repCommitted.get(p) ?? 0;
    if (committed >= e.high) continue;
    const last = await lastCommittedRecordOffset(bootstrapServers, repartition, p, e.low, e.high);
    if (committed <= last) return { ...status, done: false };
  }
  return { ...status, done: true };
}
