import { TopologyException } from '../errors.js';
import type { TopologyMetadata } from './topology-metadata.js';

/**
 * Checks that every co-partition group (the topics of a join) has one partition count
 * (DESIGN §3). Topics absent from `partitionCounts` are not checked here (the runtime reports
 * missing topics separately).
 *
 * @param partitionCounts partition count per full topic name (user and internal topics)
 * @throws TopologyException naming both topics and both counts, e.g.
 *   `Topics [order] (3 partitions) and [address] (2 partitions) must be co-partitioned ...`
 */
export function validateCopartitioning(metadata: TopologyMetadata, partitionCounts: ReadonlyMap<string, number>): void {
  for (const group of copartitionGroupsOf(metadata)) {
    const known = group.filter((t) => partitionCounts.has(t));
    const [first, ...rest] = known;
    if (first === undefined) continue;
    const firstCount = partitionCounts.get(first);
    for (const other of rest) {
      const count = partitionCounts.get(other);
      if (count !== firstCount) {
        throw new TopologyException(
          `Topics [${first}] (${String(firstCount)} partitions) and [${other}] (${String(count)} partitions) must be co-partitioned ` +
            `(have the same number of partitions) because they are joined (co-partition group [${group.join(', ')}]). ` +
            `Repartition one of them, e.g. with repartition(), or recreate the topic with the same number of partitions.`,
        );
      }
    }
  }
}

/**
 * Partition counts of the internal repartition topics, by Kafka Streams' rules
 * (`RepartitionTopics`, `CopartitionedTopicsEnforcer`): a fixed count if one was set; else the max
 * partition count of the source topics of the sub-topology that writes the topic (following
 * chains of repartition topics); and a repartition topic in a co-partition group takes the count
 * of the group's user topics. Then `validateCopartitioning` runs on the result.
 *
 * @param sourcePartitionCounts partition count of every user source topic
 * @returns partition count per full internal topic name
 * @throws TopologyException when a count cannot be determined or co-partitioning fails
 */
export function resolveRepartitionTopicPartitions(metadata: TopologyMetadata, sourcePartitionCounts: ReadonlyMap<string, number>): Map<string, number> {
  const repartition = metadata.internalTopics.filter((t) => t.kind === 'repartition');
  const repartitionNames = new Set(repartition.map((t) => t.name));
  const resolved = new Map<string, number>();
  for (const topic of repartition) if (topic.partitions !== undefined) resolved.set(topic.name, topic.partitions);
  const countOf = (topic: string): number | undefined => (repartitionNames.has(topic) ? resolved.get(topic) : sourcePartitionCounts.get(topic));

  // Fixpoint: a writer sub-topology may itself read a repartition topic not resolved yet.
  for (let progress = true; progress; ) {
    progress = false;
    for (const topic of repartition) {
      if (resolved.has(topic.name)) continue;
      const writer = metadata.subtopologies.find((s) => s.id === topic.writerSubtopology);
      const counts = (writer?.sourceTopics ?? []).map(countOf);
      if (counts.length > 0 && counts.every((c) => c !== undefined)) {
        resolved.set(topic.name, Math.max(...(counts as number[])));
        progress = true;
      }
    }
  }

  // Co-partitioned repartition topics without a fixed count follow the group's user topics.
  for (const group of copartitionGroupsOf(metadata)) {
    const fixed = new Set(repartition.filter((t) => t.partitions !== undefined).map((t) => t.name));
    const userCounts = group.filter((t) => !repartitionNames.has(t)).map((t) => sourcePartitionCounts.get(t)).filter((c): c is number => c !== undefined);
    const fixedCounts = group.filter((t) => fixed.has(t)).map((t) => resolved.get(t) as number);
    const target = userCounts[0] ?? fixedCounts[0] ?? Math.max(0, ...group.map((t) => resolved.get(t) ?? 0));
    if (target > 0) for (const t of group) if (repartitionNames.has(t) && !fixed.has(t)) resolved.set(t, target);
  }

  const missing = repartition.filter((t) => !resolved.has(t.name)).map((t) => t.name);
  if (missing.length > 0) {
    throw new TopologyException(`Could not determine the partition count of repartition topic(s) ${missing.join(', ')}: their writers' source topics are unknown`);
  }
  const all = new Map<string, number>(sourcePartitionCounts);
  for (const [t, c] of resolved) all.set(t, c);
  validateCopartitioning(metadata, all);
  return resolved;
}

function copartitionGroupsOf(metadata: TopologyMetadata): (readonly string[])[] {
  const seen = new Set<string>();
  const groups: (readonly string[])[] = [];
  for (const s of metadata.subtopologies) {
    for (const g of s.copartitionGroups) {
      const key = [...g].sort().join('\u0000');
      if (!seen.has(key)) {
        seen.add(key);
        groups.push(g);
      }
    }
  }
  return groups;
}
