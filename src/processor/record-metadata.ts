/**
 * Where the record being processed came from (Kafka's `RecordMetadata` of the Processor API).
 * Absent during punctuation and for records a punctuator forwarded.
 */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * What a `TopicNameExtractor` or `StreamPartitioner` may know about the record beyond its key
 * and value (Kafka's `RecordContext`). `topic` is undefined and `partition`/`offset` are -1 for
 * records forwarded by a punctuator.
 */
export interface RecordContext {
  readonly topic: string | undefined;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly headers: readonly { readonly key: string; readonly value: Buffer | null }[];
}
