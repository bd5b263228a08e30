import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedClient, freezeEmbeddedConsumers } from '../../src/kafka/embedded/index.js';
import type {
  GroupConsumer,
  GroupConsumerOptions,
  MemberAssignment,
  MemberSubscription,
  PartitionAssignor,
  TopicPartition,
} from '../../src/kafka/port.js';
import {
  byPartition,
  bytes,
  eventually,
  freshCluster,
  records,
  RecordingListener,
  sleep,
  text,
  type TestCluster,
} from './embedded-helpers.js';

let cluster: TestCluster;
let consumers: GroupConsumer[];
/** Releases every callback a test left hanging, so that afterEach can disconnect. */
let releases: (() => void)[];

beforeEach(async () => {
  cluster = await freshCluster();
  consumers = [];
  releases = [];
  await cluster.admin.createTopics([
    { name: 'in', partitions: 4 },
    { name: 'other', partitions: 2 },
  ]);
});

afterEach(async () => {
  for (const release of releases) release();
  await Promise.all(consumers.map((c) => c.disconnect()));
  cluster.reset();
});

async function produce(...batches: Parameters<Awaited<ReturnType<typeof connectedProducer>>['send']>[0][]) {
  const producer = await connectedProducer();
  for (const batch of batches) await producer.send(batch);
  await producer.disconnect();
}

async function connectedProducer() {
  const producer = cluster.client.producer();
  await producer.connect();
  return producer;
}

async function start(
  listener: RecordingListener,
  options: Partial<GroupConsumerOptions> = {},
  topics: readonly string[] = ['in'],
  client = cluster.client,
): Promise<GroupConsumer> {
  const consumer = client.consumer({ groupId: 'g', ...options });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe(topics);
  await consumer.run(listener);
  return consumer;
}

const partitionsOf = (topic: string, count: number): TopicPartition[] => Array.from({ length: count }, (_, partition) => ({ topic, partition }));

describe('a single group member', () => {
  it('gets every partition, then every record in offset order per partition', async () => {
    await produce(records('in', 40));
    const listener = new RecordingListener();
    await start(listener);
    expect(listener.kinds[0]).toBe('assigned');
    expect(listener.current.sort(byPartition)).toEqual(partitionsOf('in', 4));
    await eventually(() => listener.records.length === 40, 2_000, '40 records');
    for (let p = 0; p < 4; p++) {
      const offsets = listener.records.filter((r) => r.partition === p).map((r) => r.offset);
      expect(offsets).toEqual(offsets.map((_, i) => i));
    }
    expect(listener.records.map((r) => text(r.value)).sort()).toEqual(records('in', 40).map((r) => text(r.value)).sort());
    expect(listener.overlapped).toBe(false);
  });

  it('never calls a listener inside the caller\'s stack: run() resolves before the first batch', async () => {
    await produce(records('in', 4));
    const listener = new RecordingListener();
    const consumer = cluster.client.consumer({ groupId: 'g' });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe(['in']);
    const running = consumer.run(listener);
    expect(listener.events).toEqual([]);
    await running;
    expect(listener.lifecycle).toEqual(['assigned']);
    expect(listener.records).toEqual([]);
    await eventually(() => listener.records.length === 4, 2_000, 'the records');
    const producer = await connectedProducer();
    const before = listener.records.length;
    const sent = producer.send(records('in', 1));
    expect(listener.records.length).toBe(before);
    await sent;
  });

  it('awaits each batch: no next batch of a partition before the previous callback resolved', async () => {
    await produce(records('in', 30, { partition: 0 }));
    const inFlight = new Set<number>();
    let overlap = false;
    const listener = new RecordingListener({
      onBatch: async (batch) => {
        if (inFlight.has(batch.partition)) overlap = true;
        inFlight.add(batch.partition);
        await sleep(5);
        inFlight.delete(batch.partition);
      },
    });
    await start(listener, { maxBytesPerPartition: 1 });
    await eventually(() => listener.records.length === 30, 3_000, '30 records');
    // One record per batch (the byte bound is tiny, at least one record is always delivered).
    expect(listener.batches.every((b) => b.records.length === 1)).toBe(true);
    expect(overlap).toBe(false);
    expect(listener.overlapped).toBe(false);
  });

  it('bounds batches by records and by maxBytesPerPartition', async () => {
    await produce(records('in', 1_200, { partition: 1 }));
    const listener = new RecordingListener();
    await start(listener);
    await eventually(() => listener.records.length === 1_200, 3_000, '1200 records');
    expect(listener.batches.map((b) => b.records.length)).toEqual([500, 500, 200]);

    const small = new RecordingListener();
    await start(small, { groupId: 'small', maxBytesPerPartition: 1_000 });
    await eventually(() => small.records.length === 1_200, 3_000, '1200 records');
    const largest = Math.max(...small.batches.map((b) => b.records.length));
    expect(largest).toBeGreaterThan(1);
    expect(largest).toBeLessThan(20);
  });

  it('interleaves partitions fairly', async () => {
    await produce(records('in', 2_000, { partition: 0 }), records('in', 2_000, { partition: 3 }));
    const listener = new RecordingListener();
    await start(listener);
    await eventually(() => listener.records.length === 4_000, 5_000, '4000 records');
    const order = listener.batches.map((b) => b.partition);
    expect(order.slice(0, 6)).toEqual([0, 3, 0, 3, 0, 3]);
  });

  it('wakes promptly on new records without burning CPU while idle', async () => {
    const listener = new RecordingListener();
    await start(listener);
    await sleep(20);
    const cpuBefore = process.cpuUsage();
    await sleep(300);
    const cpu = process.cpuUsage(cpuBefore);
    expect((cpu.user + cpu.system) / 1_000).toBeLessThan(60);

    const producer = await connectedProducer();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const seen = listener.records.length;
      const sentAt = performance.now();
      await producer.send(records('in', 1));
      await eventually(() => listener.records.length > seen, 1_000, 'the record');
      latencies.push(performance.now() - sentAt);
    }
    expect(Math.min(...latencies)).toBeLessThan(20);
  });

  it('reports the high watermark with each batch', async () => {
    await produce(records('in', 5, { partition: 2 }));
    const listener = new RecordingListener();
    await start(listener);
    await eventually(() => listener.records.length === 5, 2_000, '5 records');
    expect(listener.batches[0]).toMatchObject({ topic: 'in', partition: 2, highWatermark: 5 });
  });

  it('starts from committed offsets, else at the earliest offset', async () => {
    await produce(records('in', 10, { partition: 0 }));
    const first = new RecordingListener();
    const consumer = await start(first);
    await eventually(() => first.records.length === 10, 2_000, '10 records');
    await consumer.commitOffsets([{ topic: 'in', partition: 0, offset: 7 }]);
    expect(await consumer.committed([{ topic: 'in', partition: 0 }, { topic: 'in', partition: 1 }])).toEqual([
      { topic: 'in', partition: 0, offset: 7 },
      { topic: 'in', partition: 1, offset: -1 },
    ]);
    await consumer.disconnect();
    expect(await cluster.admin.fetchCommittedOffsets('g', ['in'])).toEqual([
      { topic: 'in', partition: 0, offset: 7 },
      ...[1, 2, 3].map((partition) => ({ topic: 'in', partition, offset: -1 })),
    ]);

    const second = new RecordingListener();
    await start(second);
    await eventually(() => second.records.length === 3, 2_000, '3 records');
    await sleep(20);
    expect(second.records.map((r) => r.offset)).toEqual([7, 8, 9]);
  });

  it('starts at the end under autoOffsetReset latest', async () => {
    await produce(records('in', 10, { partition: 0 }));
    const listener = new RecordingListener();
    await start(listener, { autoOffsetReset: 'latest' });
    await sleep(20);
    await produce([{ topic: 'in', partition: 0, key: null, value: bytes('new') }]);
    await eventually(() => listener.records.length === 1, 2_000, 'the new record');
    expect(listener.records[0]).toMatchObject({ offset: 10 });
  });

  it('pauses and resumes assigned partitions only', async () => {
    const listener = new RecordingListener({
      onAssigned: () => consumer.pause([{ topic: 'in', partition: 0 }]),
    });
    const consumer: GroupConsumer = cluster.client.consumer({ groupId: 'g' });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe(['in']);
    await consumer.run(listener);
    await produce(records('in', 3, { partition: 0 }), records('in', 3, { partition: 1 }));
    await eventually(() => listener.records.length === 3, 2_000, 'partition 1');
    await sleep(30);
    expect(listener.records.every((r) => r.partition === 1)).toBe(true);
    consumer.resume([{ topic: 'in', partition: 0 }]);
    await eventually(() => listener.records.length === 6, 2_000, 'partition 0 after resume');
    expect(() => consumer.pause([{ topic: 'other', partition: 0 }])).toThrow(/not assigned/);
    expect(() => consumer.resume([{ topic: 'in', partition: 9 }])).toThrow(/not assigned/);
  });

  it('pausing inside onBatch stops the next batch of that partition', async () => {
    await produce(records('in', 1_000, { partition: 0 }));
    const listener = new RecordingListener({
      onBatch: (batch) => consumer.pause([{ topic: batch.topic, partition: batch.partition }]),
    });
    const consumer = await start(listener);
    await eventually(() => listener.batches.length === 1, 2_000, 'one batch');
    await sleep(30);
    expect(listener.batches).toHaveLength(1);
  });

  it('seeks, also from onPartitionsAssigned, and refuses to seek partitions it does not own', async () => {
    await produce(records('in', 10, { partition: 0 }));
    const listener = new RecordingListener({
      onAssigned: () => consumer.seek({ topic: 'in', partition: 0, offset: 6 }),
    });
    const consumer: GroupConsumer = cluster.client.consumer({ groupId: 'g' });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe(['in']);
    await consumer.run(listener);
    await eventually(() => listener.records.length === 4, 2_000, 'records from 6');
    expect(listener.records.map((r) => r.offset)).toEqual([6, 7, 8, 9]);
    consumer.seek({ topic: 'in', partition: 0, offset: 2 });
    await eventually(() => listener.records.length === 12, 2_000, 'records from 2 again');
    expect(listener.records.slice(4).map((r) => r.offset)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(() => consumer.seek({ topic: 'other', partition: 0, offset: 0 })).toThrow(/not assigned/);
  });

  it('resets a position beyond the log end (topic recreated) by autoOffsetReset', async () => {
    await produce(records('in', 2, { partition: 0 }));
    const listener = new RecordingListener({
      onAssigned: () => consumer.seek({ topic: 'in', partition: 0, offset: 50 }),
    });
    const consumer: GroupConsumer = cluster.client.consumer({ groupId: 'g' });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe(['in']);
    await consumer.run(listener);
    await eventually(() => listener.records.length === 2, 2_000, 'records from the start');
    expect(listener.records.map((r) => r.offset)).toEqual([0, 1]);
  });

  it('revokes its partitions on disconnect and leaves the group empty', async () => {
    const listener = new RecordingListener();
    const consumer = await start(listener);
    await consumer.disconnect();
    expect(listener.kinds).toEqual(['assigned', 'revoked']);
    expect(listener.events[1]).toMatchObject({ partitions: listener.assignments[0]!.partitions });
    expect((await cluster.admin.describeGroup('g')).state).toBe('Empty');
  });

  it('commits offsets during onPartitionsRevoked on disconnect', async () => {
    await produce(records('in', 4, { partition: 3 }));
    let last = -1;
    const listener = new RecordingListener({
      onBatch: (batch) => {
        last = batch.records.at(-1)!.offset;
      },
      onRevoked: () => consumer.commitOffsets([{ topic: 'in', partition: 3, offset: last + 1 }]),
    });
    const consumer = await start(listener);
    await eventually(() => listener.records.length === 4, 2_000, '4 records');
    await consumer.disconnect();
    expect((await cluster.admin.fetchCommittedOffsets('g', ['in']))[3]).toEqual({ topic: 'in', partition: 3, offset: 4 });
  });

  it('validates subscribe and run calls', async () => {
    const consumer = cluster.client.consumer({ groupId: 'g' });
    consumers.push(consumer);
    await expect(consumer.subscribe(['in'])).rejects.toThrow(/connect\(\)/);
    await consumer.connect();
    await expect(consumer.subscribe(['missing'])).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(consumer.run(new RecordingListener())).rejects.toThrow(/subscribe/);
    await consumer.subscribe(['in']);
    await consumer.run(new RecordingListener());
    await expect(consumer.subscribe(['other'])).rejects.toThrow(/while the consumer runs/);
    await expect(consumer.run(new RecordingListener())).rejects.toThrow(/running/);
    expect(() => cluster.client.consumer({ groupId: '' })).toThrow(/groupId/);
    expect(() => cluster.client.consumer({ groupId: 'g', sessionTimeoutMs: 0 })).toThrow(expect.objectContaining({ type: 'INVALID_SESSION_TIMEOUT' }));
    expect(() => cluster.client.consumer({ groupId: 'g', maxBytesPerPartition: 0.5 })).toThrow(/maxBytesPerPartition/);
  });

  it('reports a listener failure through onError and leaves the group', async () => {
    await produce(records('in', 1, { partition: 0 }));
    const failing = new RecordingListener({
      onBatch: () => {
        throw new Error('boom');
      },
    });
    await start(failing);
    await eventually(() => failing.kinds.includes('error'), 2_000, 'onError');
    expect(failing.events.at(-1)).toMatchObject({ kind: 'error', error: { message: 'boom' } });
    expect((await cluster.admin.describeGroup('g')).members).toEqual([]);
  });
});

describe('a cluster reset', () => {
  it('stops running consumers with an error, after which disconnect still resolves', async () => {
    const listener = new RecordingListener();
    const consumer = await start(listener);
    cluster.reset();
    await eventually(() => listener.kinds.includes('error'), 2_000, 'onError');
    expect(listener.events.at(-1)).toMatchObject({ kind: 'error', error: { message: expect.stringMatching(/was reset/) } });
    await consumer.disconnect();
    await expect(consumer.commitOffsets([])).rejects.toThrow(/was reset/);
  });
});

describe('rebalancing', () => {
  it('eagerly revokes everything, then splits the partitions when a member joins, and back when it leaves', async () => {
    const a = new RecordingListener();
    await start(a, { clientId: 'a' });
    // The second member comes through another client of the same cluster, as a second app instance would.
    const otherClient = createEmbeddedClient(cluster.name, { bootstrapServers: `embedded://${cluster.name}` });
    const b = new RecordingListener();
    const consumerB = await start(b, { clientId: 'b' }, ['in'], otherClient);
    await eventually(() => a.assignments.length === 2, 2_000, 'a reassigned');

    expect(a.kinds).toEqual(['assigned', 'revoked', 'assigned']);
    expect(a.events[1]).toMatchObject({ kind: 'revoked', partitions: a.assignments[0]!.partitions });
    expect(b.kinds).toEqual(['assigned']);
    const split = [...a.current, ...b.current].sort(byPartition);
    expect(split).toEqual(partitionsOf('in', 4));
    expect(a.current).toHaveLength(2);
    const [ctxA, ctxB] = [a.assignments[1]!.context, b.assignments[0]!.context];
    expect(ctxA.generationId).toBe(ctxB.generationId);
    expect(ctxA.generationId).toBeGreaterThan(a.assignments[0]!.context.generationId);
    expect([ctxA.isLeader, ctxB.isLeader].filter(Boolean)).toHaveLength(1);
    expect(ctxA.memberId).not.toBe(ctxB.memberId);

    await produce(records('in', 40));
    await eventually(() => a.records.length + b.records.length === 40, 2_000, '40 records across both');
    expect(a.records.every((r) => a.current.some((tp) => tp.partition === r.partition))).toBe(true);
    expect(b.records.every((r) => b.current.some((tp) => tp.partition === r.partition))).toBe(true);

    await consumerB.disconnect();
    await eventually(() => a.assignments.length === 3, 2_000, 'a takes everything back');
    expect(a.lifecycle.slice(3)).toEqual(['revoked', 'assigned']);
    expect(a.current.sort(byPartition)).toEqual(partitionsOf('in', 4));
    expect(b.lifecycle).toEqual(['assigned', 'revoked']);
    expect(a.overlapped || b.overlapped).toBe(false);
  });

  it('hands over committed progress: the new owner continues where the old one committed on revocation', async () => {
    await produce(records('in', 20, { partition: 0 }), records('in', 20, { partition: 1 }));
    const processed = new Map<number, number>();
    const committingListener = (): RecordingListener => {
      const listener: RecordingListener = new RecordingListener({
        onBatch: (batch) => {
          processed.set(batch.partition, batch.records.at(-1)!.offset + 1);
        },
        onRevoked: async (partitions) => {
          const offsets = partitions.filter((tp) => processed.has(tp.partition)).map((tp) => ({ ...tp, offset: processed.get(tp.partition)! }));
          await consumerFor.get(listener)!.commitOffsets(offsets);
        },
      });
      return listener;
    };
    const consumerFor = new Map<RecordingListener, GroupConsumer>();
    const a = committingListener();
    consumerFor.set(a, await start(a));
    await eventually(() => a.records.length === 40, 2_000, 'a read all');
    const b = committingListener();
    const joining = start(b);
    consumerFor.set(b, consumers.at(-1)!);
    await joining;
    await produce(records('in', 5, { partition: 0 }), records('in', 5, { partition: 1 }));
    await eventually(() => a.records.length + b.records.length === 50, 2_000, 'the 10 new records');
    await sleep(30);
    // Nothing read twice: each new owner started at the committed offset.
    const all = [...a.records, ...b.records].map((r) => `${r.partition}:${r.offset}`);
    expect(new Set(all).size).toBe(50);
  });

  it('runs a custom assignor: every member\'s subscription userData reaches the leader, assignment userData reaches each member', async () => {
    const seenByLeader: MemberSubscription[][] = [];
    const assignor = (endpoint: string): PartitionAssignor => ({
      name: 'kstreams-test',
      version: 1,
      subscriptionUserData: () => bytes(endpoint),
      async assign(members, partitionsPerTopic) {
        seenByLeader.push([...members]);
        const sorted = [...members].sort((x, y) => text(x.userData)!.localeCompare(text(y.userData)!));
        const result = new Map<string, MemberAssignment>();
        const all = [...partitionsPerTopic].flatMap(([topic, n]) => partitionsOf(topic, n));
        sorted.forEach((m, i) => {
          result.set(m.memberId, {
            partitions: all.filter((_, p) => p % sorted.length === i),
            userData: bytes(`for ${text(m.userData)}; endpoints ${sorted.map((s) => text(s.userData)).join(',')}`),
          });
        });
        return result;
      },
    });
    const a = new RecordingListener();
    await start(a, { assignor: assignor('host-a:1') });
    const b = new RecordingListener();
    await start(b, { assignor: assignor('host-b:2') });
    await eventually(() => a.assignments.length === 2, 2_000, 'second generation');

    const lastSeen = seenByLeader.at(-1)!;
    expect(lastSeen.map((m) => text(m.userData)).sort()).toEqual(['host-a:1', 'host-b:2']);
    expect(lastSeen.every((m) => m.topics.includes('in'))).toBe(true);
    expect(text(a.assignments.at(-1)!.context.userData)).toBe('for host-a:1; endpoints host-a:1,host-b:2');
    expect(text(b.assignments.at(-1)!.context.userData)).toBe('for host-b:2; endpoints host-a:1,host-b:2');
    expect(a.current).toEqual([{ topic: 'in', partition: 0 }, { topic: 'in', partition: 2 }]);
    expect(b.current).toEqual([{ topic: 'in', partition: 1 }, { topic: 'in', partition: 3 }]);

    const group = await cluster.admin.describeGroup('g');
    expect(group.state).toBe('Stable');
    expect(group.protocol).toBe('kstreams-test');
    const byEndpoint = new Map(group.members.map((m) => [text(m.subscriptionUserData), m]));
    expect(byEndpoint.get('host-a:1')!.assignment.partitions).toEqual(a.current);
    expect(text(byEndpoint.get('host-b:2')!.assignment.userData)).toBe('for host-b:2; endpoints host-a:1,host-b:2');
    expect(byEndpoint.get('host-a:1')!.memberId).toBe(a.assignments.at(-1)!.context.memberId);
  });

  it('refuses a member offering a different assignor', async () => {
    await start(new RecordingListener());
    const odd: PartitionAssignor = {
      name: 'other-protocol',
      version: 0,
      subscriptionUserData: () => Buffer.alloc(0),
      assign: async () => new Map(),
    };
    await expect(start(new RecordingListener(), { assignor: odd })).rejects.toMatchObject({ type: 'INCONSISTENT_GROUP_PROTOCOL' });
  });

  it('removes a member that hangs past its session timeout; its commits then fail, and it rejoins when it wakes', async () => {
    await produce(records('in', 1, { partition: 0 }), records('in', 1, { partition: 1 }), records('in', 1, { partition: 2 }), records('in', 1, { partition: 3 }));
    let hang = true;
    let releaseHang!: () => void;
    const hung = new Promise<void>((resolve) => {
      releaseHang = resolve;
    });
    releases.push(() => releaseHang());
    let inHang = false;
    let hangStartedAt = 0;
    const a = new RecordingListener({
      onBatch: async () => {
        if (!hang) return;
        hang = false;
        inHang = true;
        hangStartedAt = Date.now();
        await hung;
        inHang = false;
      },
    });
    const consumerA = await start(a, { clientId: 'a', sessionTimeoutMs: 300 });
    await eventually(() => inHang, 2_000, 'a to hang');
    const b = new RecordingListener();
    await start(b, { clientId: 'b', sessionTimeoutMs: 300 });
    // b's join waits for a, which never rejoins; a is dropped after its session timeout.
    await eventually(() => b.current.length === 4, 3_000, 'b to own every partition');
    expect(Date.now() - hangStartedAt).toBeGreaterThanOrEqual(295);
    const group = await cluster.admin.describeGroup('g');
    expect(group.members.map((m) => m.clientId)).toEqual(['b']);
    await expect(consumerA.commitOffsets([{ topic: 'in', partition: 0, offset: 1 }])).rejects.toMatchObject({
      type: expect.stringMatching(/UNKNOWN_MEMBER_ID|ILLEGAL_GENERATION/),
    });

    releaseHang();
    await eventually(() => a.assignments.length === 2, 2_000, 'a to rejoin');
    expect(a.lifecycle.slice(-2)).toEqual(['revoked', 'assigned']);
    await eventually(() => b.assignments.length === 2 && b.current.length === 2, 2_000, 'b to share again');
    expect([...a.current, ...b.current].sort(byPartition)).toEqual(partitionsOf('in', 4));
    expect(a.assignments[1]!.context.memberId).not.toBe(a.assignments[0]!.context.memberId);
  });

  it('revokes an empty assignment too, so every assignment is followed by its revocation', async () => {
    const a = new RecordingListener();
    await start(a, {}, ['other']);
    const b = new RecordingListener();
    await start(b, {}, ['other']);
    const c = new RecordingListener();
    const consumerC = await start(c, {}, ['other']);
    await eventually(() => b.assignments.length === 2, 2_000, 'the third member\'s rebalance');
    const sizes = [a.current.length, b.current.length, c.current.length].sort();
    expect(sizes).toEqual([0, 1, 1]);
    await consumerC.disconnect();
    expect(c.lifecycle).toEqual(['assigned', 'revoked']);
    expect(c.events.at(-1)).toMatchObject({ kind: 'revoked', partitions: c.assignments[0]!.partitions });
    await eventually(() => a.current.length + b.current.length === 2 && a.lifecycle.length % 2 === 1, 2_000, 'two members again');
    for (const listener of [a, b]) {
      const kinds = listener.lifecycle;
      kinds.forEach((kind, i) => expect(kind).toBe(i % 2 === 0 ? 'assigned' : 'revoked'));
    }
  });

  it('removes a frozen member after its session timeout; it gets no further callbacks', async () => {
    const a = new RecordingListener();
    await start(a, { clientId: 'frozen', sessionTimeoutMs: 250 });
    const b = new RecordingListener();
    await start(b, { clientId: 'alive', sessionTimeoutMs: 250 });
    await eventually(() => a.assignments.length === 2 && a.current.length === 2, 2_000, 'the split');
    const eventsBefore = a.events.length;

    const frozenAt = Date.now();
    expect(freezeEmbeddedConsumers(cluster.name, 'frozen')).toBe(1);
    await produce(records('in', 20));
    await eventually(() => b.current.length === 4, 3_000, 'b to take over');
    expect(Date.now() - frozenAt).toBeGreaterThanOrEqual(245);
    await eventually(() => b.records.length >= 20, 2_000, 'every record through b');
    expect(a.events.length).toBe(eventsBefore);
    expect((await cluster.admin.describeGroup('g')).members.map((m) => m.clientId)).toEqual(['alive']);
    expect(freezeEmbeddedConsumers(cluster.name, 'frozen')).toBe(0);
    expect(freezeEmbeddedConsumers('no-such-cluster')).toBe(0);
  });

  it('rebalances when a subscribed topic is deleted', async () => {
    const listener = new RecordingListener();
    await start(listener, {}, ['in', 'other']);
    expect(listener.current).toHaveLength(6);
    await cluster.admin.deleteTopics(['other']);
    await eventually(() => listener.assignments.length === 2, 2_000, 'the rebalance');
    expect(listener.current.sort(byPartition)).toEqual(partitionsOf('in', 4));
  });

  it('spreads two topics over members with the default round-robin assignor', async () => {
    const a = new RecordingListener();
    await start(a, {}, ['in', 'other']);
    const b = new RecordingListener();
    await start(b, {}, ['in', 'other']);
    await eventually(() => a.assignments.length === 2, 2_000, 'the rebalance');
    expect(a.current).toHaveLength(3);
    expect(b.current).toHaveLength(3);
    expect((await cluster.admin.describeGroup('g')).protocol).toBe('RoundRobinAssigner');
  });
});

describe('group administration', () => {
  it('sets committed offsets only on a group without active members', async () => {
    const consumer = await start(new RecordingListener());
    await expect(cluster.admin.setCommittedOffsets('g', [{ topic: 'in', partition: 0, offset: 3 }])).rejects.toMatchObject({ type: 'NON_EMPTY_GROUP' });
    await consumer.disconnect();
    await produce(records('in', 5, { partition: 0 }));
    await cluster.admin.setCommittedOffsets('g', [{ topic: 'in', partition: 0, offset: 3 }]);
    const listener = new RecordingListener();
    await start(listener);
    await eventually(() => listener.records.length === 2, 2_000, 'records from 3');
    expect(listener.records.map((r) => r.offset)).toEqual([3, 4]);
    await expect(cluster.admin.setCommittedOffsets('new-group', [{ topic: 'in', partition: 9, offset: 0 }])).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
  });

  it('deletes groups without members, with their offsets, ignoring unknown ones', async () => {
    const consumer = await start(new RecordingListener());
    await consumer.commitOffsets([{ topic: 'in', partition: 1, offset: 0 }]);
    await expect(cluster.admin.deleteGroups(['g'])).rejects.toMatchObject({ type: 'NON_EMPTY_GROUP' });
    await consumer.disconnect();
    await cluster.admin.deleteGroups(['g']);
    expect((await cluster.admin.fetchCommittedOffsets('g', ['in'])).map((o) => o.offset)).toEqual([-1, -1, -1, -1]);
    expect((await cluster.admin.describeGroup('g')).state).toBe('Dead');
    // Like deleteTopics, a group that does not exist is no error.
    await cluster.admin.deleteGroups(['never-existed']);
  });

  it('forgets committed offsets of a deleted topic, so a recreated one starts afresh', async () => {
    await cluster.admin.setCommittedOffsets('g', [{ topic: 'other', partition: 0, offset: 3 }, { topic: 'in', partition: 0, offset: 1 }]);
    await cluster.admin.deleteTopics(['other']);
    await cluster.admin.createTopics([{ name: 'other', partitions: 2 }]);
    expect((await cluster.admin.fetchCommittedOffsets('g', ['other', 'in'])).map((o) => o.offset)).toEqual([-1, -1, 1, -1, -1, -1]);
  });

  it('describes members only while the group is stable, as Kafka does', async () => {
    let hold!: () => void;
    const held = new Promise<void>((resolve) => {
      hold = resolve;
    });
    releases.push(() => hold());
    let holding = false;
    const assignor: PartitionAssignor = {
      name: 'slow',
      version: 0,
      subscriptionUserData: () => bytes('meta'),
      async assign(members, partitionsPerTopic) {
        holding = true;
        await held;
        const all = [...partitionsPerTopic].flatMap(([topic, n]) => partitionsOf(topic, n));
        return new Map([[members[0]!.memberId, { partitions: all }]]);
      },
    };
    const consumer = cluster.client.consumer({ groupId: 'g', assignor });
    consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe(['in']);
    const running = consumer.run(new RecordingListener());
    await eventually(() => holding, 2_000, 'the assignor');
    const during = await cluster.admin.describeGroup('g');
    expect(during.state).toBe('CompletingRebalance');
    expect(during.protocol).toBe('');
    expect(during.members[0]!.subscriptionUserData.length).toBe(0);
    hold();
    await running;
    const after = await cluster.admin.describeGroup('g');
    expect(after.state).toBe('Stable');
    expect(text(after.members[0]!.subscriptionUserData)).toBe('meta');
    expect(after.members[0]!.assignment.partitions).toHaveLength(4);
  });
});
