/**
 * Chooses the partition of an output record (Kafka's `StreamPartitioner`). Return `undefined`
 * to fall back to the default partitioner (murmur2 of the serialized key, as Kafka's producer).
 *
 * @param topic the output topic
 * @param numPartitions the topic's partition count
 * @returns a partition in [0, numPartitions), or undefined for the default
 */
export type StreamPartitioner<K, V> = (topic: string, key: K, value: V, numPartitions: number) => number | undefined;
