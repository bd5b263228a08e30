/**
 * The Kafka port conformance suite: the same cases for every adapter (kafkajs against a real
 * broker in `test/integration/kafka-port-kafkajs.test.ts`, the embedded backend in its own
 * test file). An adapter that lacks a feature declares it in `supports`; the suite then runs a
 * case named "<feature>: unsupported ..." that checks the adapter says so clearly (an
 * `UNSUPPORTED` error, or an absent optional method) instead of skipping anything.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPartition } from '../../src/kafka/partitioner.js';
import type {
  GroupConsumer,
  KafkaAdmin,
  KafkaClient,
  KafkaProducer,
  MemberAssignment,
  MemberSubscription,
  PartitionAssignor,
  ProducerOptions,
  ProducerRecord,
  TopicPartition,
} from '../../src/kafka/port.js';
import {
  callbackProtocolViolations,
  errorType,
  RecordingListener,
  rejection,
  Scope,
  sleep,
  sortPartitions,
  sortRecords,
  startConsumer,
  waitFor,
} from './port-suite-support.js';

/** Features an adapter may lack. Everything else in the port is required. */
export const portFeatures = [
  /** `KafkaAdmin.describeTopicConfigs`. */
  'topicConfigs',
  /** Transactional producers, read_committed visibility, fencing. */
  'transactions',
  /** `KafkaClient.reader()`: manual assignment without a group. */
  'partitionReader',
  /** Headers keep an interleaved order such as `a, b, a`. */
  'interleavedHeaderOrder',
  /** Headers may have null values. */
  'nullHeaderValues',
] as const;
export type FeatureName = (typeof portFeatures)[number];

export interface KafkaPortSuiteOptions {
  /** Features the adapter lacks are `false`; absent means supported. */
  readonly supports?: Partial<Record<FeatureName, boolean>>;
  /** Prefix of every topic, group and transactional id the suite creates (default `port-suite-`). */
  readonly topicPrefix?: string;
}

const CASE_TIMEOUT_MS = 90_000;
const b = (s: string): Buffer => Buffer.from(s);

export function kafkaPortSuite(name: string, factory: () => Promise<KafkaClient> | KafkaClient, options: KafkaPortSuiteOptions = {}): void {
  const prefix = options.topicPrefix ?? 'port-suite-';
  const supports = (feature: FeatureName): boolean => options.supports?.[feature] !== false;
  let scope = new Scope();

  afterEach(async () => {
    const current = scope;
    scope = new Scope();
    await current.close();
  });

  /** A name unique to this run: the suite shares its broker with other test files and runs. */
  const unique = (label: string): string => `${prefix}${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

  async function setUp(): Promise<{ client: KafkaClient; admin: KafkaAdmin }> {
    const client = await factory();
    const admin = client.admin();
    await admin.connect();
    scope.defer(() => admin.disconnect());
    return { client, admin };
  }

  /** Creates topics, deleted again when the test ends. */
  async function topics(admin: KafkaAdmin, ...specs: { label: string; partitions: number; configs?: Record<string, string> }[]): Promise<string[]> {
    const named = specs.map((s) => ({ name: unique(s.label), partitions: s.partitions, ...(s.configs !== undefined ? { configs: s.configs } : {}) }));
    await admin.createTopics(named);
    scope.defer(() => admin.deleteTopics(named.map((t) => t.name)));
    return named.map((t) => t.name);
  }

  async function producer(client: KafkaClient, producerOptions?: ProducerOptions): Promise<KafkaProducer> {
    const p = client.producer(producerOptions);
    scope.defer(() => p.disconnect());
    await p.connect();
    return p;
  }

  /** Reads `topic` in a fresh group until `done` holds; returns the listener. */
  async function consumeUntil(client: KafkaClient, topic: string, done: (l: RecordingListener) => boolean, readCommitted = true): Promise<RecordingListener> {
    const listener = new RecordingListener();
    const consumer = await startConsumer(scope, client, { groupId: unique('reader-group'), readCommitted }, [topic], listener);
    await waitFor(`records of '${topic}'`, () => done(listener));
    await consumer.disconnect();
    expect(listener.errors).toEqual([]);
    return listener;
  }

  describe(`Kafka port: ${name}`, () => {
    describe('admin', () => {
      it('creates, lists, describes and deletes topics with their partition counts', async () => {
        const { admin } = await setUp();
        const plain = unique('plain');
        const compacted = unique('compacted');
        const missing = unique('missing');
        await admin.createTopics([
          { name: plain, partitions: 3 },
          { name: compacted, partitions: 1, configs: { 'cleanup.policy': 'compact' } },
        ]);
        scope.defer(() => admin.deleteTopics([plain, compacted]));
        // Creating an existing topic again is not an error and changes nothing.
        await admin.createTopics([{ name: plain, partitions: 5 }]);

        const listed = await admin.listTopics();
        expect(listed).toEqual(expect.arrayContaining([plain, compacted]));
        expect(listed).not.toContain('__consumer_offsets');
        const described = await admin.describeTopics([plain, compacted, missing]);
        expect(described).toEqual(
          new Map([
            [plain, { name: plain, partitions: 3 }],
            [compacted, { name: compacted, partitions: 1 }],
          ]),
        );

        await admin.deleteTopics([plain, missing]);
        const after = await admin.listTopics();
        expect(after).not.toContain(plain);
        expect(after).toContain(compacted);
        expect((await admin.describeTopics([plain])).size).toBe(0);
      }, CASE_TIMEOUT_MS);

      if (supports('topicConfigs')) {
        it('describes topic configs: a compacted topic reports cleanup.policy=compact', async () => {
          const { admin } = await setUp();
          const [plain, compacted] = await topics(admin, { label: 'plain', partitions: 1 }, { label: 'compacted', partitions: 2, configs: { 'cleanup.policy': 'compact' } });
          const missing = unique('missing');
          expect(admin.describeTopicConfigs).toBeTypeOf('function');
          const configs = await admin.describeTopicConfigs!([plain!, compacted!, missing]);
          expect(configs.get(compacted!)?.['cleanup.policy']).toBe('compact');
          expect(configs.get(plain!)?.['cleanup.policy'] ?? 'delete').toBe('delete');
          expect(configs.has(missing)).toBe(false);
        }, CASE_TIMEOUT_MS);
      } else {
        it('topicConfigs: unsupported, so the admin has no describeTopicConfigs', async () => {
          const { admin } = await setUp();
          expect(admin.describeTopicConfigs).toBeUndefined();
        });
      }

      it('rejects an invalid topic with an error naming the topic', async () => {
        const { admin } = await setUp();
        const invalid = unique('zero-partitions');
        const error = await rejection(admin.createTopics([{ name: invalid, partitions: 0 }]));
        expect(error.message).toContain(invalid);
        expect(await admin.listTopics()).not.toContain(invalid);
      }, CASE_TIMEOUT_MS);

      it('lists the earliest and latest offset of every partition', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'offsets', partitions: 2 });
        const p = await producer(client);
        await p.send([
          ...[0, 1, 2].map((i) => ({ topic: topic!, partition: 0, key: null, value: b(`a${i}`) })),
          ...[0, 1, 2, 3, 4].map((i) => ({ topic: topic!, partition: 1, key: null, value: b(`b${i}`) })),
        ]);
        expect(await admin.listOffsets(topic!)).toEqual([
          { partition: 0, earliest: 0, latest: 3 },
          { partition: 1, earliest: 0, latest: 5 },
        ]);
        const missing = unique('missing');
        const error = await rejection(admin.listOffsets(missing));
        expect(errorType(error)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
        expect(error.message).toContain(missing);
      }, CASE_TIMEOUT_MS);
    });

    describe('producing and consuming', () => {
      it('delivers explicit partitions, keys, tombstones, headers and timestamps back exactly', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'exact', partitions: 3 });
        const t = topic!;
        const records: ProducerRecord[] = [
          { topic: t, partition: 0, key: b('k0'), value: b('v0'), timestamp: 1_000, headers: [{ key: 'a', value: b('1') }, { key: 'a', value: b('2') }, { key: 'b', value: b('3') }] },
          { topic: t, partition: 0, key: null, value: b('no key'), timestamp: 1_001 },
          { topic: t, partition: 1, key: b('gone'), value: null, timestamp: 1_002 },
          { topic: t, partition: 1, key: Buffer.alloc(0), value: Buffer.alloc(0), timestamp: 1_003, headers: [{ key: 'empty', value: Buffer.alloc(0) }] },
          { topic: t, partition: 2, key: b('k2'), value: Buffer.from([0, 255, 1]), timestamp: 1_004, headers: [] },
          { topic: t, partition: 0, key: b('k0'), value: b('v0 again'), timestamp: 999 },
        ];
        const p = await producer(client);
        const metadata = await p.send(records);
        expect(metadata).toEqual([
          { topic: t, partition: 0, offset: 0 },
          { topic: t, partition: 0, offset: 1 },
          { topic: t, partition: 1, offset: 0 },
          { topic: t, partition: 1, offset: 1 },
          { topic: t, partition: 2, offset: 0 },
          { topic: t, partition: 0, offset: 2 },
        ]);

        const listener = await consumeUntil(client, t, (l) => l.records.length >= records.length);
        expect(sortRecords(listener.records)).toEqual(
          sortRecords(
            records.map((r, i) => ({
              topic: t,
              partition: r.partition!,
              offset: metadata[i]!.offset,
              key: r.key,
              value: r.value,
              timestamp: r.timestamp!,
              headers: r.headers ?? [],
            })),
          ),
        );
        expect(callbackProtocolViolations(listener)).toEqual([]);
      }, CASE_TIMEOUT_MS);

      it("places keyed records without a partition where Kafka's murmur2 partitioner does", async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'murmur2', partitions: 6 });
        const p = await producer(client);
        const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
        const metadata = await p.send(keys.map((key) => ({ topic: topic!, key: b(key), value: b(key) })));
        expect(metadata.map((m) => m.partition)).toEqual(keys.map((key) => defaultPartition(b(key), 6)));
        expect(new Set(metadata.map((m) => m.partition)).size).toBeGreaterThan(1);
        // Keyless records are spread by the producer, but always to a real partition.
        const keyless = await p.send(Array.from({ length: 12 }, (_, i) => ({ topic: topic!, key: null, value: b(`${i}`) })));
        for (const m of keyless) expect(m.partition).toBeGreaterThanOrEqual(0);
        for (const m of keyless) expect(m.partition).toBeLessThan(6);
        const offsets = await admin.listOffsets(topic!);
        expect(offsets.reduce((sum, o) => sum + o.latest, 0)).toBe(52);
      }, CASE_TIMEOUT_MS);

      it("accepts one send larger than the broker's 1 MiB batch limit, in order", async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'large-send', partitions: 1 });
        const p = await producer(client);
        const records = Array.from({ length: 3_000 }, (_, i) => ({ topic: topic!, key: b(`k${i}`), value: Buffer.alloc(1_000, i % 256) }));
        const metadata = await p.send(records);
        expect(metadata.map((m) => m.offset)).toEqual(records.map((_, i) => i));
        expect(await admin.listOffsets(topic!)).toEqual([{ partition: 0, earliest: 0, latest: 3_000 }]);
      }, CASE_TIMEOUT_MS);

      it('rejects a partition the topic does not have, naming the topic, and writes nothing', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'two-partitions', partitions: 2 });
        const p = await producer(client);
        const error = await rejection(p.send([{ topic: topic!, partition: 7, key: null, value: b('x') }]));
        expect(error.message).toContain(topic!);
        expect(await admin.listOffsets(topic!)).toEqual([
          { partition: 0, earliest: 0, latest: 0 },
          { partition: 1, earliest: 0, latest: 0 },
        ]);
      }, CASE_TIMEOUT_MS);

      it('rejects a send to a topic that does not exist, naming the topic', async () => {
        const { client } = await setUp();
        const missing = unique('missing');
        const p = await producer(client);
        const error = await rejection(p.send([{ topic: missing, key: b('k'), value: b('v') }]));
        expect(errorType(error)).toBe('UNKNOWN_TOPIC_OR_PARTITION');
        expect(error.message).toContain(missing);
      }, CASE_TIMEOUT_MS);

      const interleaved = [{ key: 'a', value: b('1') }, { key: 'b', value: b('2') }, { key: 'a', value: b('3') }];
      if (supports('interleavedHeaderOrder')) {
        it('keeps an interleaved header order (a, b, a)', async () => {
          const { client, admin } = await setUp();
          const [topic] = await topics(admin, { label: 'header-order', partitions: 1 });
          const p = await producer(client);
          await p.send([{ topic: topic!, key: null, value: b('v'), headers: interleaved }]);
          const listener = await consumeUntil(client, topic!, (l) => l.records.length >= 1);
          expect(listener.records[0]!.headers).toEqual(interleaved);
        }, CASE_TIMEOUT_MS);
      } else {
        it('interleavedHeaderOrder: unsupported, so such a send fails with UNSUPPORTED and writes nothing', async () => {
          const { client, admin } = await setUp();
          const [topic] = await topics(admin, { label: 'header-order', partitions: 1 });
          const p = await producer(client);
          const error = await rejection(p.send([{ topic: topic!, key: null, value: b('v'), headers: interleaved }]));
          expect(errorType(error)).toBe('UNSUPPORTED');
          expect(error.message).toContain(topic!);
          expect((await admin.listOffsets(topic!))[0]!.latest).toBe(0);
        }, CASE_TIMEOUT_MS);
      }

      const nullHeader = [{ key: 'n', value: null }];
      if (supports('nullHeaderValues')) {
        it('keeps null header values', async () => {
          const { client, admin } = await setUp();
          const [topic] = await topics(admin, { label: 'null-header', partitions: 1 });
          const p = await producer(client);
          await p.send([{ topic: topic!, key: null, value: b('v'), headers: nullHeader }]);
          const listener = await consumeUntil(client, topic!, (l) => l.records.length >= 1);
          expect(listener.records[0]!.headers).toEqual(nullHeader);
        }, CASE_TIMEOUT_MS);
      } else {
        it('nullHeaderValues: unsupported, so such a send fails with UNSUPPORTED and writes nothing', async () => {
          const { client, admin } = await setUp();
          const [topic] = await topics(admin, { label: 'null-header', partitions: 1 });
          const p = await producer(client);
          const error = await rejection(p.send([{ topic: topic!, key: null, value: b('v'), headers: nullHeader }]));
          expect(errorType(error)).toBe('UNSUPPORTED');
          expect((await admin.listOffsets(topic!))[0]!.latest).toBe(0);
        }, CASE_TIMEOUT_MS);
      }
    });

    describe('consumer groups', () => {
      it('splits partitions between two consumers of a group, revoking before the other is assigned, with no record twice', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'group', partitions: 4 });
        const t = topic!;
        const groupId = unique('group');
        const p = await producer(client);
        const produce = (round: number) =>
          p.send(Array.from({ length: 40 }, (_, i) => ({ topic: t, partition: i % 4, key: b(`k${i}`), value: b(`r${round}-${i}`) })));
        const commitErrors: unknown[] = [];
        const listeners: RecordingListener[] = [];
        const consumers: Awaited<ReturnType<typeof startConsumer>>[] = [];
        // Each consumer commits what it consumed when its partitions are revoked.
        const member = async () => {
          const index = listeners.length;
          const listener = new RecordingListener({
            onRevoked: async (partitions) => {
              try {
                await consumers[index]!.commitOffsets(listener.positions(partitions));
              } catch (e) {
                commitErrors.push(e);
              }
            },
          });
          listeners.push(listener);
          consumers.push(await startConsumer(scope, client, { groupId }, [t], listener));
          return listener;
        };

        await produce(1);
        const first = await member();
        await waitFor('the first consumer to hold all four partitions', () => first.assigned?.length === 4);
        await waitFor('the first consumer to read round 1', () => first.records.length >= 40);
        const second = await member();
        await waitFor('both consumers to hold two partitions each', () => first.assigned?.length === 2 && second.assigned?.length === 2);
        expect(sortPartitions([...first.assigned!, ...second.assigned!])).toEqual([0, 1, 2, 3].map((partition) => ({ topic: t, partition })));
        await produce(2);
        await waitFor('both rounds to be consumed', () => first.records.length + second.records.length >= 80);
        await sleep(500); // a duplicate would arrive now

        const seen = [...first.records, ...second.records].map((r) => `${r.partition}:${r.offset}`);
        expect(seen).toHaveLength(80);
        expect(new Set(seen).size).toBe(80);
        expect(commitErrors).toEqual([]);
        for (const listener of listeners) {
          expect(listener.errors).toEqual([]);
          expect(callbackProtocolViolations(listener)).toEqual([]);
        }
        // Eager rebalancing: the first consumer gave up its partitions before the second got any.
        const firstRevoke = first.events.find((e) => e.kind === 'revoke');
        const secondAssign = second.events.find((e) => e.kind === 'assign');
        expect(firstRevoke).toBeDefined();
        expect(firstRevoke!.seq).toBeLessThan(secondAssign!.seq);
        expect(first.lastAssign!.context.generationId).toBe(second.lastAssign!.context.generationId);
      }, CASE_TIMEOUT_MS);

      it('pauses (also from inside the listener), resumes, and seeks', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'pause', partitions: 2 });
        const t = topic!;
        const p = await producer(client);
        const send = (partition: number, from: number, count: number) =>
          p.send(Array.from({ length: count }, (_, i) => ({ topic: t, partition, key: null, value: b(`p${partition}-${from + i}`) })));
        const running: { consumer?: GroupConsumer } = {};
        // Partition 0 pauses itself from inside onBatch once it reached offset 4.
        const listener = new RecordingListener({
          onBatch: (batch) => {
            if (batch.partition === 0 && batch.records.some((r) => r.offset >= 4)) running.consumer!.pause([{ topic: t, partition: 0 }]);
          },
        });
        const offsetsOf = (partition: number) => listener.records.filter((r) => r.partition === partition).map((r) => r.offset);
        await send(0, 0, 5);
        await send(1, 0, 5);
        const consumer = await startConsumer(scope, client, { groupId: unique('pause-group') }, [t], listener);
        running.consumer = consumer;
        await waitFor('the first ten records', () => listener.records.length >= 10);

        await send(0, 5, 3);
        await send(1, 5, 3);
        await waitFor('partition 1 to go on', () => offsetsOf(1).length >= 8);
        await sleep(1_500);
        expect(offsetsOf(0)).toEqual([0, 1, 2, 3, 4]);

        consumer.resume([{ topic: t, partition: 0 }]);
        await waitFor('partition 0 after resume', () => offsetsOf(0).length >= 8);
        expect(offsetsOf(0)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

        consumer.seek({ topic: t, partition: 1, offset: 2 });
        await waitFor('partition 1 again from offset 2', () => offsetsOf(1).length >= 14);
        await sleep(300);
        expect(offsetsOf(1)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 2, 3, 4, 5, 6, 7]);
        expect(listener.values().filter((v) => v.startsWith('p1-')).slice(8)).toEqual([2, 3, 4, 5, 6, 7].map((i) => `p1-${i}`));
        expect(() => consumer.pause([{ topic: t, partition: 9 }])).toThrow();
        expect(listener.errors).toEqual([]);
      }, CASE_TIMEOUT_MS);

      it('rejoins on enforceRebalance: revokes, gets its partitions back and fetches again from the committed offsets', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'enforce', partitions: 2 });
        const t = topic!;
        const groupId = unique('enforce-group');
        const p = await producer(client);
        await p.send(Array.from({ length: 10 }, (_, i) => ({ topic: t, partition: i % 2, key: null, value: b(`v${i}`) })));
        const listener = new RecordingListener();
        const offsetsOf = (partition: number) => listener.records.filter((r) => r.partition === partition).map((r) => r.offset);
        const consumer = await startConsumer(scope, client, { groupId }, [t], listener);
        await waitFor('ten records', () => listener.records.length >= 10);
        await consumer.commitOffsets([{ topic: t, partition: 0, offset: 2 }, { topic: t, partition: 1, offset: 5 }]);
        const assigns = () => listener.events.filter((e) => e.kind === 'assign').length;
        const before = assigns();

        consumer.enforceRebalance();
        await waitFor('the partitions assigned again', () => assigns() > before);
        await waitFor('partition 0 again from its committed offset', () => offsetsOf(0).length >= 8);
        await sleep(500); // anything else would arrive now
        const kinds = listener.events.map((e) => e.kind).filter((k) => k !== 'batch');
        expect(kinds.slice(-2)).toEqual(['revoke', 'assign']);
        expect(sortPartitions([...listener.assigned!])).toEqual([0, 1].map((partition) => ({ topic: t, partition })));
        expect(offsetsOf(0)).toEqual([0, 1, 2, 3, 4, 2, 3, 4]);
        expect(offsetsOf(1)).toEqual([0, 1, 2, 3, 4]);
        expect(callbackProtocolViolations(listener)).toEqual([]);
        expect(listener.errors).toEqual([]);
      }, CASE_TIMEOUT_MS);

      it('commits offsets; committed() and the admin report them; the next consumer of the group starts there', async () => {
        const { client, admin } = await setUp();
        const [topic, other] = await topics(admin, { label: 'commit', partitions: 1 }, { label: 'uncommitted', partitions: 1 });
        const t = topic!;
        const groupId = unique('commit-group');
        const p = await producer(client);
        await p.send(Array.from({ length: 10 }, (_, i) => ({ topic: t, key: null, value: b(`v${i}`) })));

        const first = new RecordingListener();
        const consumer = await startConsumer(scope, client, { groupId }, [t], first);
        await waitFor('ten records', () => first.records.length >= 10);
        await consumer.commitOffsets([{ topic: t, partition: 0, offset: 6 }]);
        expect(await consumer.committed([{ topic: t, partition: 0 }, { topic: other!, partition: 0 }])).toEqual([
          { topic: t, partition: 0, offset: 6 },
          { topic: other!, partition: 0, offset: -1 },
        ]);
        expect(await admin.fetchCommittedOffsets(groupId, [t])).toEqual([{ topic: t, partition: 0, offset: 6 }]);
        await consumer.disconnect();
        await expect(consumer.commitOffsets([{ topic: t, partition: 0, offset: 7 }])).rejects.toThrow();

        const second = new RecordingListener();
        await startConsumer(scope, client, { groupId }, [t], second);
        await waitFor('the rest', () => second.records.length >= 4);
        await sleep(300);
        expect(second.records.map((r) => r.offset)).toEqual([6, 7, 8, 9]);
        expect([...first.errors, ...second.errors]).toEqual([]);
      }, CASE_TIMEOUT_MS);

      it('commits a metadata string with an offset (Kafka Streams keeps partition time there); committed() returns it, none where none was given', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'commit-meta', partitions: 2 });
        const t = topic!;
        const groupId = unique('meta-group');
        const p = await producer(client);
        await p.send([0, 1].map((partition) => ({ topic: t, partition, key: null, value: b('v') })));
        const listener = new RecordingListener();
        const consumer = await startConsumer(scope, client, { groupId }, [t], listener);
        await waitFor('two records', () => listener.records.length >= 2);
        await consumer.commitOffsets([{ topic: t, partition: 0, offset: 1, metadata: 'AgAAAZN0X3pA' }, { topic: t, partition: 1, offset: 1 }]);
        expect(await consumer.committed([{ topic: t, partition: 0 }, { topic: t, partition: 1 }])).toEqual([
          { topic: t, partition: 0, offset: 1, metadata: 'AgAAAZN0X3pA' },
          { topic: t, partition: 1, offset: 1 },
        ]);
        expect(listener.errors).toEqual([]);
      }, CASE_TIMEOUT_MS);

      it('sets the committed offsets of an inactive group, refuses while it has members, and deletes groups', async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'set-offsets', partitions: 1 });
        const t = topic!;
        const groupId = unique('set-group');
        const p = await producer(client);
        await p.send(Array.from({ length: 6 }, (_, i) => ({ topic: t, key: null, value: b(`v${i}`) })));

        const active = new RecordingListener();
        const consumer = await startConsumer(scope, client, { groupId }, [t], active);
        await waitFor('six records', () => active.records.length >= 6);
        await expect(admin.setCommittedOffsets(groupId, [{ topic: t, partition: 0, offset: 1 }])).rejects.toThrow();
        await consumer.disconnect();

        await admin.setCommittedOffsets(groupId, [{ topic: t, partition: 0, offset: 3 }]);
        expect(await admin.fetchCommittedOffsets(groupId, [t])).toEqual([{ topic: t, partition: 0, offset: 3 }]);
        const next = new RecordingListener();
        const nextConsumer = await startConsumer(scope, client, { groupId }, [t], next);
        await waitFor('records from offset 3', () => next.records.length >= 3);
        expect(next.records.map((r) => r.offset)).toEqual([3, 4, 5]);
        await nextConsumer.disconnect();

        await admin.deleteGroups([groupId, unique('never-existed')]);
        expect(await admin.fetchCommittedOffsets(groupId, [t])).toEqual([{ topic: t, partition: 0, offset: -1 }]);
      }, CASE_TIMEOUT_MS);
    });

    describe('custom partition assignor', () => {
      /** Round-robin by member id, with userData that names the member and echoes its subscription. */
      class EchoAssignor implements PartitionAssignor {
        readonly name = 'port-suite-echo';
        readonly version = 1;
        readonly calls: { members: MemberSubscription[]; partitionsPerTopic: Map<string, number> }[] = [];
        constructor(readonly tag: string) {}
        subscriptionUserData(topics: readonly string[]): Buffer {
          return b(`tag=${this.tag};topics=${topics.join(',')}`);
        }
        async assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Promise<Map<string, MemberAssignment>> {
          this.calls.push({ members: [...members], partitionsPerTopic: new Map(partitionsPerTopic) });
          const ordered = [...members].sort((x, y) => (x.memberId < y.memberId ? -1 : 1));
          const partitions: TopicPartition[] = [...partitionsPerTopic].flatMap(([topic, n]) => Array.from({ length: n }, (_, partition) => ({ topic, partition })));
          return new Map(
            ordered.map((m, i) => [
              m.memberId,
              { partitions: partitions.filter((_, j) => j % ordered.length === i), userData: b(`for=${m.memberId};sub=${m.userData.toString()}`) },
            ]),
          );
        }
      }

      it("gives the leader every member's subscription userData and every member its own assignment userData; describeGroup agrees", async () => {
        const { client, admin } = await setUp();
        const [topic] = await topics(admin, { label: 'assignor', partitions: 4 });
        const t = topic!;
        const groupId = unique('assignor-group');
        const assignors = [new EchoAssignor('one'), new EchoAssignor('two')];
        const listeners = [new RecordingListener(), new RecordingListener()];
        await startConsumer(scope, client, { groupId, assignor: assignors[0]! }, [t], listeners[0]!);
        await startConsumer(scope, client, { groupId, assignor: assignors[1]! }, [t], listeners[1]!);
        const settled = () => {
          const [a, b2] = listeners.map((l) => l.lastAssign);
          return (
            listeners.every((l) => l.assigned?.length === 2) &&
            a !== undefined &&
            b2 !== undefined &&
            a.context.generationId === b2.context.generationId
          );
        };
        await waitFor('a stable group of two', settled);

        const finalAssigns = listeners.map((l) => l.lastAssign!);
        expect(finalAssigns.filter((a) => a.context.isLeader)).toHaveLength(1);
        const leaderIndex = finalAssigns.findIndex((a) => a.context.isLeader);
        const leaderCall = assignors[leaderIndex]!.calls.at(-1)!;
        expect(leaderCall.members.map((m) => m.userData.toString()).sort()).toEqual([`tag=one;topics=${t}`, `tag=two;topics=${t}`]);
        expect(leaderCall.members.every((m) => m.topics.length === 1 && m.topics[0] === t)).toBe(true);
        expect(leaderCall.partitionsPerTopic.get(t)).toBe(4);
        finalAssigns.forEach((a, i) => {
          expect(a.context.userData.toString()).toBe(`for=${a.context.memberId};sub=tag=${assignors[i]!.tag};topics=${t}`);
        });
        expect(sortPartitions(finalAssigns.flatMap((a) => a.partitions))).toEqual([0, 1, 2, 3].map((partition) => ({ topic: t, partition })));

        const group = await admin.describeGroup(groupId);
        expect(group.state).toBe('Stable');
        expect(group.protocol).toBe('port-suite-echo');
        expect(group.members).toHaveLength(2);
        finalAssigns.forEach((a, i) => {
          const member = group.members.find((m) => m.memberId === a.context.memberId);
          expect(member).toBeDefined();
          expect(member!.subscriptionUserData.toString()).toBe(`tag=${assignors[i]!.tag};topics=${t}`);
          expect(sortPartitions(member!.assignment.partitions)).toEqual(sortPartitions(a.partitions));
          expect(member!.assignment.userData).toEqual(a.context.userData);
        });
        for (const listener of listeners) {
          expect(listener.errors).toEqual([]);
          expect(callbackProtocolViolations(listener)).toEqual([]);
        }
      }, CASE_TIMEOUT_MS);
    });

    if (supports('transactions')) {
      describe('transactions', () => {
        it("makes a committed transaction's records visible to read_committed consumers and moves the group's offsets", async () => {
          const { client, admin } = await setUp();
          const [input, output] = await topics(admin, { label: 'txn-in', partitions: 1 }, { label: 'txn-out', partitions: 1 });
          const groupId = unique('txn-group');
          const plain = await producer(client);
          await plain.send(Array.from({ length: 5 }, (_, i) => ({ topic: input!, key: null, value: b(`in${i}`) })));

          const transactional = await producer(client, { transactionalId: unique('txn') });
          const txn = await transactional.beginTransaction();
          await txn.send([0, 1, 2].map((i) => ({ topic: output!, key: b(`k${i}`), value: b(`out${i}`) })));
          await txn.sendOffsets(groupId, [{ topic: input!, partition: 0, offset: 5 }]);
          await txn.commit();

          const listener = await consumeUntil(client, output!, (l) => l.records.length >= 3);
          expect(listener.values()).toEqual(['out0', 'out1', 'out2']);
          expect(await admin.fetchCommittedOffsets(groupId, [input!])).toEqual([{ topic: input!, partition: 0, offset: 5 }]);
        }, CASE_TIMEOUT_MS);

        it('commits offset metadata sent with a transaction', async () => {
          const { client, admin } = await setUp();
          const [input] = await topics(admin, { label: 'txn-meta-in', partitions: 1 });
          const groupId = unique('txn-meta-group');
          const plain = await producer(client);
          await plain.send([{ topic: input!, key: null, value: b('x') }]);
          const transactional = await producer(client, { transactionalId: unique('txn-meta') });
          const txn = await transactional.beginTransaction();
          await txn.sendOffsets(groupId, [{ topic: input!, partition: 0, offset: 1, metadata: 'meta-1' }]);
          await txn.commit();
          const listener = new RecordingListener();
          const consumer = await startConsumer(scope, client, { groupId }, [input!], listener);
          expect(await consumer.committed([{ topic: input!, partition: 0 }])).toEqual([{ topic: input!, partition: 0, offset: 1, metadata: 'meta-1' }]);
        }, CASE_TIMEOUT_MS);

        it('never shows an aborted transaction to read_committed consumers (read_uncommitted ones see it)', async () => {
          const { client, admin } = await setUp();
          const [input, output] = await topics(admin, { label: 'abort-in', partitions: 1 }, { label: 'abort-out', partitions: 1 });
          const groupId = unique('abort-group');
          const transactional = await producer(client, { transactionalId: unique('txn') });
          const aborted = await transactional.beginTransaction();
          await aborted.send([{ topic: output!, key: null, value: b('aborted-1') }, { topic: output!, key: null, value: b('aborted-2') }]);
          await aborted.sendOffsets(groupId, [{ topic: input!, partition: 0, offset: 2 }]);
          await aborted.abort();
          const committed = await transactional.beginTransaction();
          await committed.send([{ topic: output!, key: null, value: b('committed') }]);
          await committed.commit();

          const seesCommitted = (l: RecordingListener) => l.values().includes('committed');
          const readCommitted = await consumeUntil(client, output!, seesCommitted, true);
          expect(readCommitted.values()).toEqual(['committed']);
          const readUncommitted = await consumeUntil(client, output!, seesCommitted, false);
          expect(readUncommitted.values()).toEqual(['aborted-1', 'aborted-2', 'committed']);
          expect(await admin.fetchCommittedOffsets(groupId, [input!])).toEqual([{ topic: input!, partition: 0, offset: -1 }]);

          if (supports('partitionReader')) {
            for (const [readCommittedFlag, expected] of [
              [true, ['committed']],
              [false, ['aborted-1', 'aborted-2', 'committed']],
            ] as const) {
              const reader = client.reader({ readCommitted: readCommittedFlag });
              scope.defer(() => reader.close());
              await reader.assign([{ topic: output!, partition: 0, offset: 0 }]);
              const read: string[] = [];
              await waitFor('the reader to see the committed record', async () => {
                read.push(...(await reader.poll(200)).map((r) => r.value!.toString()));
                return read.includes('committed');
              });
              expect(read).toEqual(expected);
            }
          }
        }, CASE_TIMEOUT_MS);

        it('fences the first producer when a second one with the same transactional id connects', async () => {
          const { client, admin } = await setUp();
          const [output] = await topics(admin, { label: 'fence-out', partitions: 1 });
          const transactionalId = unique('fenced');
          const zombie = await producer(client, { transactionalId });
          const zombieTxn = await zombie.beginTransaction();
          await zombieTxn.send([{ topic: output!, key: null, value: b('zombie') }]);

          const successor = await producer(client, { transactionalId });
          const error = await rejection(zombieTxn.commit());
          expect(errorType(error)).toBe('PRODUCER_FENCED');
          expect(errorType(await rejection(zombie.beginTransaction()))).toBe('PRODUCER_FENCED');

          const txn = await successor.beginTransaction();
          await txn.send([{ topic: output!, key: null, value: b('successor') }]);
          await txn.commit();
          const listener = await consumeUntil(client, output!, (l) => l.values().includes('successor'));
          expect(listener.values()).toEqual(['successor']);
        }, CASE_TIMEOUT_MS);
      });
    } else {
      it('transactions: unsupported, so beginTransaction fails with UNSUPPORTED', async () => {
        const { client } = await setUp();
        const p = await producer(client, { transactionalId: unique('txn') });
        expect(errorType(await rejection(p.beginTransaction()))).toBe('UNSUPPORTED');
      }, CASE_TIMEOUT_MS);
    }

    if (supports('partitionReader')) {
      describe('partition reader', () => {
        it('reads assigned partitions from given offsets, without a group, and follows reassignment', async () => {
          const { client, admin } = await setUp();
          const [topic] = await topics(admin, { label: 'reader', partitions: 2 });
          const t = topic!;
          const p = await producer(client);
          const sent: ProducerRecord[] = [0, 1].flatMap((partition) =>
            Array.from({ length: 10 }, (_, i) => ({ topic: t, partition, key: b(`k${i}`), value: b(`p${partition}-${i}`), timestamp: 5_000 + i, headers: [{ key: 'h', value: b(`${i}`) }] })),
          );
          const metadata = await p.send(sent);

          const reader = client.reader();
          scope.defer(() => reader.close());
          await reader.assign([{ topic: t, partition: 0, offset: 3 }, { topic: t, partition: 1, offset: 0 }]);
          const read: Awaited<ReturnType<typeof reader.poll>> = [];
          await waitFor('17 records', async () => {
            read.push(...(await reader.poll(200)));
            return read.length >= 17;
          });
          for (const partition of [0, 1]) {
            const offsets = read.filter((r) => r.partition === partition).map((r) => r.offset);
            expect(offsets).toEqual(partition === 0 ? [3, 4, 5, 6, 7, 8, 9] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
          }
          const expected = sent
            .map((r, i) => ({ topic: t, partition: r.partition!, offset: metadata[i]!.offset, key: r.key, value: r.value, timestamp: r.timestamp!, headers: r.headers! }))
            .filter((r) => r.partition === 1 || r.offset >= 3);
          expect(sortRecords(read)).toEqual(sortRecords(expected));
          expect(await reader.poll(200)).toEqual([]);

          await reader.assign([{ topic: t, partition: 1, offset: 8 }]);
          await p.send([{ topic: t, partition: 0, key: null, value: b('not assigned') }]);
          const again: typeof read = [];
          await waitFor('two records of partition 1', async () => {
            again.push(...(await reader.poll(200)));
            return again.length >= 2;
          });
          again.push(...(await reader.poll(300)));
          expect(again.map((r) => `${r.partition}:${r.offset}`)).toEqual(['1:8', '1:9']);

          await expect(reader.assign([{ topic: t, partition: 5, offset: 0 }])).rejects.toThrow(t);
        }, CASE_TIMEOUT_MS);

        if (supports('transactions')) {
          it('reports a position past the commit marker that ends a partition, and the last stable offset (read_committed)', async () => {
            const { client, admin } = await setUp();
            const [topic] = await topics(admin, { label: 'reader-lso', partitions: 1 });
            const t = topic!;
            const transactional = await producer(client, { transactionalId: unique('lso') });
            const aborted = await transactional.beginTransaction();
            await aborted.send([{ topic: t, key: null, value: b('aborted') }]);
            await aborted.abort();
            const committed = await transactional.beginTransaction();
            await committed.send([{ topic: t, key: null, value: b('c1') }, { topic: t, key: null, value: b('c2') }]);
            await committed.commit();
            // aborted (0), ABORT marker (1), c1 (2), c2 (3), COMMIT marker (4): the log ends at 5.
            const latest = (await admin.listOffsets(t))[0]!.latest;
            expect(latest).toBe(5);

            const reader = client.reader({ readCommitted: true });
            scope.defer(() => reader.close());
            await reader.assign([{ topic: t, partition: 0, offset: 0 }]);
            expect(reader.position(t, 0)).toBe(0);
            expect(reader.endOffset(t, 0)).toBeUndefined();
            expect(reader.position(t, 1)).toBeUndefined();
            const read: string[] = [];
            await waitFor('the reader to reach the end of the partition', async () => {
              read.push(...(await reader.poll(200)).map((r) => r.value!.toString()));
              return reader.position(t, 0) === latest;
            });
            expect(read).toEqual(['c1', 'c2']);
            expect(reader.endOffset(t, 0)).toBe(latest);

            // An open transaction holds the last stable offset at its first record.
            const open = await transactional.beginTransaction();
            await open.send([{ topic: t, key: null, value: b('open') }]);
            await waitFor('a fetch to report the open transaction', async () => {
              expect(await reader.poll(200)).toEqual([]);
              return reader.endOffset(t, 0) === latest;
            });
            expect(reader.position(t, 0)).toBe(latest);
            await open.abort();
          }, CASE_TIMEOUT_MS);
        }
      });
    } else {
      it('partitionReader: unsupported, so assign fails with UNSUPPORTED', async () => {
        const { client } = await setUp();
        const reader = client.reader();
        expect(errorType(await rejection(reader.assign([{ topic: unique('any'), partition: 0, offset: 0 }])))).toBe('UNSUPPORTED');
      });
    }
  });
}
