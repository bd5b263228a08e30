import type { Logger } from 'pino';
import { MissingSourceTopicException, StreamsException, TopologyException } from '../errors.js';
import type { KafkaAdmin, NewTopic } from '../kafka/port.js';
import { resolveRepartitionTopicPartitions } from '../topology/copartitioning.js';
import type { TopologyMetadata } from '../topology/topology-metadata.js';

/** Partition counts of every topic the application reads or writes, as far as they are known. */
export type PartitionCounts = ReadonlyMap<string, number>;

/**
 * What `KafkaStreams.start()` does before joining the group, in Kafka Streams' order:
 * 1. every user source topic must exist (else `MissingSourceTopicException` naming them all);
 * 2. repartition topics get their partition count: fixed when the topology says so, else the
 *    max partition count of the source topics of the sub-topology writing into them; unfixed
 *    repartition topics in a co-partition group take the group's count (the topology's
 *    `resolveRepartitionTopicPartitions`);
 * 3. co-partition groups must agree on partition counts (`TopologyException` naming the topics
 *    and their counts);
 * 4. changelog topics get the partition count of their sub-topology (its number of tasks);
 * 5. internal topics are created (existing ones are checked, never changed).
 * Returns the partition counts of source, internal and (existing) sink topics.
 */
export async function prepareTopics(admin: KafkaAdmin, metadata: TopologyMetadata, replicationFactor: number, log: Logger): Promise<PartitionCounts> {
  const internal = new Map(metadata.internalTopics.map((t) => [t.name, t]));
  const userSources = unique(metadata.subtopologies.flatMap((s) => s.sourceTopics).filter((t) => !internal.has(t)));
  const described = await admin.describeTopics(userSources);
  const missing = userSources.filter((t) => !described.has(t));
  if (missing.length > 0) throw new MissingSourceTopicException(missing);

  const counts = new Map<string, number>();
  for (const [name, d] of described) counts.set(name, d.partitions);
  for (const [name, n] of resolveRepartitionTopicPartitions(metadata, counts)) counts.set(name, n);
  for (const spec of internal.values()) {
    if (spec.kind !== 'changelog') continue;
    counts.set(spec.name, spec.partitions ?? subtopologyTaskCount(metadata, spec.writerSubtopology, counts));
  }

  const specs = [...internal.values()];
  if (specs.length > 0) {
    const newTopics: NewTopic[] = specs.map((s) => ({ name: s.name, partitions: required(counts, s.name), replicationFactor, configs: s.configs }));
    await admin.createTopics(newTopics);
    const existing = await admin.describeTopics(specs.map((s) => s.name));
    for (const s of specs) {
      const actual = existing.get(s.name)?.partitions;
      if (actual === undefined) throw new StreamsException(`Internal topic '${s.name}' could not be created`, 'TOPOLOGY');
      if (actual !== counts.get(s.name)) {
        throw new StreamsException(
          `Internal topic '${s.name}' exists with ${actual} partitions, but the topology needs ${counts.get(s.name)}; delete it (or reset the application) and restart`,
          'TOPOLOGY',
        );
      }
    }
    log.info({ topics: Object.fromEntries(specs.map((s) => [s.name, counts.get(s.name)])) }, 'internal topics ready');
  }

  const sinks = metadata.sinkTopics.filter((t) => !counts.has(t));
  if (sinks.length > 0) {
    const sinkDescriptions = await admin.describeTopics(sinks);
    for (const [name, d] of sinkDescriptions) counts.set(name, d.partitions);
    const absent = sinks.filter((t) => !sinkDescriptions.has(t));
    if (absent.length > 0) log.warn({ topics: absent }, 'sink topics do not exist yet; sends to them fail unless the broker creates topics');
  }
  return counts;
}

function subtopologyTaskCount(metadata: TopologyMetadata, id: number, counts: ReadonlyMap<string, number>): number {
  const sub = metadata.subtopologies.find((s) => s.id === id);
  if (sub === undefined) throw new TopologyException(`internal topic names unknown sub-topology ${id}`);
  return Math.max(0, ...sub.sourceTopics.map((t) => required(counts, t)));
}

function required(counts: ReadonlyMap<string, number>, topic: string): number {
  const n = counts.get(topic);
  if (n === undefined) throw new TopologyException(`the partition count of topic '${topic}' is unknown`);
  return n;
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
