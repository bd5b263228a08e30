import type { RecordHeaders } from './record.js';

/** The input record a `TimestampExtractor` sees: deserialized key and value, and where it came from. */
export interface InputRecord<K = unknown, V = unknown> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: K;
  readonly value: V;
  /** The timestamp Kafka stored with the record (producer create time or broker append time). */
  readonly timestamp: number;
  readonly headers: RecordHeaders;
}

/**
 * Gives each input record its event time (Kafka's `TimestampExtractor`). A negative result
 * makes the task drop the record (logged and counted in `dropped-records`), except that the
 * default `FailOnInvalidTimestamp` throws instead.
 *
 * @example
 * const fromPayload: TimestampExtractor = { extract: (r) => (r.value as { ts: number }).ts };
 * topology.addSource('src', 'events', { timestampExtractor: fromPayload });
 */
export interface TimestampExtractor {
  /**
   * @param record the input record, key and value already deserialized
   * @param partitionTimeMs the partition's time so far (max timestamp taken), -1 when none yet
   * @returns the record's timestamp in epoch ms
   */
  extract(record: InputRecord, partitionTimeMs: number): number;
}

/** Thrown by `FailOnInvalidTimestamp`; the task wraps it into a StreamsException naming the record. */
export class InvalidTimestampError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/**
 * The default: the record's own timestamp, and an error on a negative one (for example a record
 * written by a pre-0.10 producer). Also used for repartition topics.
 */
export class FailOnInvalidTimestamp implements TimestampExtractor {
  extract(record: InputRecord): number {
    if (record.timestamp < 0) {
      throw new InvalidTimestampError(
        `Input record from topic ${record.topic} partition ${record.partition} offset ${record.offset} has invalid (negative) timestamp: ${record.timestamp}. ` +
          `Use a different TimestampExtractor (e.g. LogAndSkipOnInvalidTimestamp) to process this data.`,
      );
    }
    return record.timestamp;
  }
}

/** The record's own timestamp; a negative one is returned as is, so the task drops the record (logged and counted). */
export class LogAndSkipOnInvalidTimestamp implements TimestampExtractor {
  extract(record: InputRecord): number {
    return record.timestamp;
  }
}

/** The record's own timestamp; a negative one is replaced by the partition time (an error when that is unknown too). */
export class UsePartitionTimeOnInvalidTimestamp implements TimestampExtractor {
  extract(record: InputRecord, partitionTimeMs: number): number {
    if (record.timestamp >= 0) return record.timestamp;
    if (partitionTimeMs < 0) {
      throw new InvalidTimestampError(
        `Could not infer a new timestamp for input record from topic ${record.topic} partition ${record.partition} offset ${record.offset}: ` +
          `its timestamp is ${record.timestamp} and the partition time is unknown.`,
      );
    }
    return partitionTimeMs;
  }
}

/** Processing time: the wall clock when the record is read, whatever its own timestamp. */
export class WallclockTimestampExtractor implements TimestampExtractor {
  extract(): number {
    return Date.now();
  }
}
