import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MissingSourceTopicException, StreamsException, TopologyException } from '../../src/errors.js';
import type { KafkaAdmin, NewTopic, TopicDescription } from '../../src/kafka/port.js';
import { prepareTopics } from '../../src/runtime/topic-preparation.js';
import type { TopologyMetadata } from '../../src/topology/topology-metadata.js';

const silent = pino({ level: 'silent' });

/** Just the admin calls topic preparation makes, over an in-memory topic list. */
function fakeAdmin(initial: Record<string, number>): KafkaAdmin & { created: NewTopic[] } {
  const topics = new Map(Object.entries(initial));
  const created: NewTopic[] = [];
  const unused = (): never => { throw new Error('not used by topic preparation'); };
  return {
    created,
    connect: async () => undefined,
    disconnect: async () => undefined,
    createTopics: async (list) => {
      for (const t of list) {
        if (!topics.has(t.name)) {
          topics.set(t.name, t.partitions);
          created.push(t);
        }
      }
    },
    describeTopics: async (names) => new Map(names.filter((n) => topics.has(n)).map((n): [string, TopicDescription] => [n, { name: n, partitions: topics.get(n) ?? 0 }])),
    listTopics: async () => [...topics.keys()],
    deleteTopics: unused,
    listOffsets: unused,
    fetchCommittedOffsets: unused,
    setCommittedOffsets: unused,
    describeGroup: unused,
    deleteGroups: unused,
  };
}

// input → (selectKey) → app-rekey-repartition → sub-topology 1 joins it with `table`, writes `out`.
const rekeyJoin: TopologyMetadata = {
  applicationId: 'app',
  subtopologies: [
    { id: 0, sourceTopics: ['input', 'more-input'], repartitionSourceTopics: [], copartitionGroups: [] },
    { id: 1, sourceTopics: ['app-rekey-repartition', 'table'], repartitionSourceTopics: ['app-rekey-repartition'], copartitionGroups: [['app-rekey-repartition', 'table']] },
  ],
  internalTopics: [
    { name: 'app-rekey-repartition', kind: 'repartition', writerSubtopology: 0, configs: { 'cleanup.policy': 'delete' } },
    { name: 'app-store-changelog', kind: 'changelog', writerSubtopology: 1, configs: { 'cleanup.policy': 'compact' } },
  ],
  sinkTopics: ['out'],
};

const simple = (sources: string[], copartition: string[][] = []): TopologyMetadata => ({
  applicationId: 'app',
  subtopologies: [{ id: 0, sourceTopics: sources, repartitionSourceTopics: [], copartitionGroups: copartition }],
  internalTopics: [],
  sinkTopics: [],
});

describe('prepareTopics', () => {
  it('names every missing source topic at once', async () => {
    const admin = fakeAdmin({ input: 3 });
    const err = await prepareTopics(admin, simple(['input', 'nope', 'gone']), 1, silent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSourceTopicException);
    expect((err as MissingSourceTopicException).topics).toEqual(['nope', 'gone']);
    expect(String(err)).toMatch(/Missing source topic\(s\): nope, gone/);
  });

  it('fails on co-partitioned topics of different sizes, naming both and their counts', async () => {
    const admin = fakeAdmin({ order: 3, address: 2 });
    const err = await prepareTopics(admin, simple(['order', 'address'], [['order', 'address']]), 1, silent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyException);
    expect(String(err)).toMatch(/order\] \(3 partitions\).*address\] \(2 partitions\)/);
  });

  it('creates a co-partitioned repartition topic with its partner\'s count, and changelogs with their task count', async () => {
    const admin = fakeAdmin({ input: 2, 'more-input': 6, table: 4, out: 1 });
    const counts = await prepareTopics(admin, rekeyJoin, 3, silent);
    expect(admin.created).toEqual([
      { name: 'app-rekey-repartition', partitions: 4, replicationFactor: 3, configs: { 'cleanup.policy': 'delete' } },
      { name: 'app-store-changelog', partitions: 4, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } },
    ]);
    expect(counts.get('out')).toBe(1);
  });

  it('gives an unconstrained repartition topic the max partition count of its writer\'s sources', async () => {
    const metadata: TopologyMetadata = {
      ...rekeyJoin,
      subtopologies: [rekeyJoin.subtopologies[0]!, { id: 1, sourceTopics: ['app-rekey-repartition'], repartitionSourceTopics: ['app-rekey-repartition'], copartitionGroups: [] }],
    };
    const admin = fakeAdmin({ input: 2, 'more-input': 6 });
    const counts = await prepareTopics(admin, metadata, 1, silent);
    expect(counts.get('app-rekey-repartition')).toBe(6);
    expect(counts.get('app-store-changelog')).toBe(6);
  });

  it('refuses an existing internal topic with the wrong partition count', async () => {
    const admin = fakeAdmin({ input: 2, 'more-input': 2, table: 2, 'app-rekey-repartition': 5 });
    const err = await prepareTopics(admin, rekeyJoin, 1, silent).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamsException);
    expect(String(err)).toMatch(/'app-rekey-repartition' exists with 5 partitions, but the topology needs 2/);
  });
});
