/** Fetch bounds shared by group consumers and partition readers. */

/** kafkajs's default `maxBytesPerPartition`. */
export const DEFAULT_MAX_BYTES_PER_PARTITION = 1_048_576;

/** Bound on the records of one batch (Kafka's `max.poll.records` default), beside the byte bound. */
export const MAX_RECORDS_PER_BATCH = 500;
