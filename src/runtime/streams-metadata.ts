import type { TopicPartition } from '../kafka/port.js';

/**
 * One client of the application as the group knows it (Kafka Streams' `StreamsMetadata`):
 * its `application.server` endpoint and the partitions of its active and standby tasks.
 */
export interface StreamsMetadata {
  readonly endpoint: string;
  readonly processId: string;
  readonly topicPartitions: readonly TopicPartition[];
  readonly standbyTopicPartitions: readonly TopicPartition[];
}
