import type { ConsumedRecord } from '../kafka/port.js';
import { kafkaErrorType } from './kafka-errors.js';

/** The map key of one changelog partition in a restorer's or standby updater's bookkeeping. */
export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** A polled batch split by partition (under {@link partitionKey}), each in the order polled. */
export function groupByPartition(records: readonly ConsumedRecord[]): Map<string, ConsumedRecord[]> {
  const byPartition = new Map<string, ConsumedRecord[]>();
  for (const r of records) {
    const k = partitionKey(r.topic, r.partition);
    const list = byPartition.get(k);
    if (list === undefined) byPartition.set(k, [r]);
    else list.push(r);
  }
  return byPartition;
}

/** The reader's position was deleted under it (retention removed records not yet read). */
export const isOffsetOutOfRange = (error: unknown): boolean => kafkaErrorType(error) === 'OFFSET_OUT_OF_RANGE';
