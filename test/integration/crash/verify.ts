/**
 * The crash test's checks, against the truth computed from the input (input-model.ts):
 *  - the output topics, read with read_committed by a plain kafkajs consumer (not the code under
 *    test): every input record's mapped output exactly once; per aggregation key, the final value
 *    equals the truth and no intermediate value exceeds it;
 *  - the stores, read over GraphQL (`range`, `windowedRange`, fanned out to every instance),
 *    equal the truth.
 * A value above the truth is a duplicate (input counted twice); below it, or absent, is a loss.
 */
import { logLevel, Kafka } from 'kafkajs';
import { lastCommittedRecordOffset } from './drain.js';
import { parseValue } from './input-model.js';

export interface OutputRecord {
  readonly partition: number;
  readonly offset: number;
  readonly key: string;
  readonly value: Buffer;
}

/**
 * Every record of `topic` visible to a read_committed consumer, in offset order per partition.
 * Read until each partition reached its last committed record (found by drain.ts's tail read:
 * the log end may be a transaction marker that no consumer ever sees); a consumer that stopped
 * early would report losses, one that never gets there times out.
 */
export async function readCommitted(bootstrapServers: string, topic: string, timeoutMs = 240_000): Promise<OutputRecord[]> {
  const kafka = new Kafka({ clientId: 'crash-test-verify', brokers: bootstrapServers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const targets = new Map<number, number>();
  try {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const last = Number(p.high) > Number(p.low) ? await lastCommittedRecordOffset(bootstrapServers, topic, p.partition, Number(p.low), Number(p.high)) : -1;
      if (last >= 0) targets.set(p.partition, last);
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `crash-test-verify-${topic}-${Date.now().toString(36)}`, readUncommitted: false, maxWaitTimeInMs: 500 });
  const records: OutputRecord[] = [];
  const reached = new Map<number, number>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          records.push({ partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? '', value: m.value ?? Buffer.alloc(0) });
          reached.set(batch.partition, Math.max(reached.get(batch.partition) ?? -1, Number(m.offset)));
        }
      },
    });
    const deadline = Date.now() + timeoutMs;
    while ([...targets].some(([p, last]) => (reached.get(p) ?? -1) < last)) {
      if (Date.now() > deadline) {
        const behind = [...targets].filter(([p, last]) => (reached.get(p) ?? -1) < last).map(([p, last]) => `${p}: ${reached.get(p) ?? -1}/${last}`);
        throw new Error(`reading ${topic} with read_committed did not reach the last committed records in ${timeoutMs} ms (partition: reached/last ${behind.join(', ')})`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

export interface MappedCheck {
  readonly records: number;
  readonly duplicates: number;
  readonly missing: number;
  /** Records tagged as processed by a zombie (paused, resumed, not yet aware it lost its tasks). */
  readonly zombie: number;
  /** Records whose sequence number is not in the input at all. */
  readonly unknown: number;
}

export function checkMapped(records: readonly OutputRecord[], inputRecords: number): MappedCheck {
  const seen = new Uint32Array(inputRecords);
  let zombie = 0;
  let unknown = 0;
  for (const r of records) {
    const { seq, writer } = parseValue(r.value.toString());
    if (writer.endsWith('~zombie')) zombie++;
    if (!Number.isInteger(seq) || seq < 0 || seq >= inputRecords) unknown++;
    else seen[seq] = (seen[seq] ?? 0) + 1;
  }
  let duplicates = 0;
  let missing = 0;
  for (const n of seen) {
    if (n === 0) missing++;
    else duplicates += n - 1;
  }
  return { records: records.length, duplicates, missing, zombie, unknown };
}

export interface AggregateCheck {
  readonly keys: number;
  /** Keys whose last output value is below the truth or absent (loss). */
  readonly finalBelow: number;
  /** Keys whose last output value is above the truth (input counted twice). */
  readonly finalAbove: number;
  /** Keys with some output value above the truth (also when the final one is right). */
  readonly intermediateAbove: number;
  /** Keys in the output that the input does not have. */
  readonly unknown: number;
  /** Sum over keys of (final - truth) where positive: how much was counted twice. */
  readonly overCount: number;
  /** A few offending keys, for the report. */
  readonly examples: string[];
}

export function checkAggregate(records: readonly OutputRecord[], expected: ReadonlyMap<string, number>): AggregateCheck {
  const last = new Map<string, number>();
  const max = new Map<string, number>();
  for (const r of records) {
    // Serdes.Long(): 8 bytes big-endian.
    const v = r.value.length === 8 ? Number(r.value.readBigInt64BE()) : Number.NaN;
    last.set(r.key, v);
    max.set(r.key, Math.max(max.get(r.key) ?? -Infinity, v));
  }
  return compareValues(last, expected, max);
}

function compareValues(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>, max?: ReadonlyMap<string, number>): AggregateCheck {
  let finalBelow = 0;
  let finalAbove = 0;
  let intermediateAbove = 0;
  let overCount = 0;
  const examples: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key);
    if (got === undefined || got < want) {
      finalBelow++;
      if (examples.length < 5) examples.push(`${key}: ${got ?? 'absent'} < ${want}`);
    } else if (got > want) {
      finalAbove++;
      overCount += got - want;
      if (examples.length < 5) examples.push(`${key}: ${got} > ${want}`);
    }
    if (max !== undefined && (max.get(key) ?? -Infinity) > want) intermediateAbove++;
  }
  const unknown = [...actual.keys()].filter((k) => !expected.has(k)).length;
  return { keys: expected.size, finalBelow, finalAbove, intermediateAbove, unknown, overCount, examples };
}

/** A store's content (key → value) compared like an output's final values. */
export function checkStore(content: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): AggregateCheck {
  return compareValues(content, expected);
}
