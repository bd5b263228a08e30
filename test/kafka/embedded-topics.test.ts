import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmbeddedClient,
  embeddedClusterNames,
  EmbeddedKafkaError,
  resetEmbeddedCluster,
} from '../../src/kafka/embedded/index.js';
import { defaultPartition } from '../../src/kafka/partitioner.js';
import { bytes, freshCluster, records, text, type TestCluster } from './embedded-helpers.js';

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await freshCluster();
});
afterEach(() => cluster.reset());

async function connectedProducer() {
  const producer = cluster.client.producer();
  await producer.connect();
  return producer;
}

/** Reads a whole partition (read_uncommitted unless asked) through a reader. */
async function readAll(topic: string, partition: number, readCommitted = false) {
  const reader = cluster.client.reader({ readCommitted });
  await reader.assign([{ topic, partition, offset: 0 }]);
  const out = await reader.poll(0);
  await reader.close();
  return out;
}

describe('embedded clusters', () => {
  it('are shared by name across clients in the process', async () => {
    const other = createEmbeddedClient(cluster.name, { bootstrapServers: `embedded://${cluster.name}` });
    const otherAdmin = other.admin();
    await otherAdmin.connect();
    await cluster.admin.createTopics([{ name: 'shared', partitions: 2 }]);
    expect(await otherAdmin.listTopics()).toEqual(['shared']);
    expect(embeddedClusterNames()).toContain(cluster.name);
  });

  it('are independent across names', async () => {
    const other = await freshCluster();
    try {
      await cluster.admin.createTopics([{ name: 'only-here', partitions: 1 }]);
      expect(await other.admin.listTopics()).toEqual([]);
    } finally {
      other.reset();
    }
  });

  it('reset empties the cluster; old clients fail clearly, new ones start fresh', async () => {
    await cluster.admin.createTopics([{ name: 'gone', partitions: 1 }]);
    expect(resetEmbeddedCluster(cluster.name)).toBe(true);
    expect(resetEmbeddedCluster(cluster.name)).toBe(false);
    await expect(cluster.admin.listTopics()).rejects.toThrow(/was reset/);
    const fresh = createEmbeddedClient(cluster.name, { bootstrapServers: `embedded://${cluster.name}` }).admin();
    await fresh.connect();
    expect(await fresh.listTopics()).toEqual([]);
  });

  it('rejects an empty cluster name', () => {
    expect(() => createEmbeddedClient('', { bootstrapServers: 'embedded://' })).toThrow(TypeError);
  });
});

describe('embedded admin', () => {
  it('creates, lists, describes and deletes topics; existing and missing ones are left alone', async () => {
    await cluster.admin.createTopics([
      { name: 'a', partitions: 3 },
      { name: 'b', partitions: 1, configs: { 'cleanup.policy': 'compact' } },
    ]);
    await cluster.admin.createTopics([{ name: 'a', partitions: 7 }]);
    expect((await cluster.admin.listTopics()).sort()).toEqual(['a', 'b']);
    const described = await cluster.admin.describeTopics(['a', 'b', 'missing']);
    expect([...described.values()]).toEqual([
      { name: 'a', partitions: 3 },
      { name: 'b', partitions: 1 },
    ]);
    await cluster.admin.deleteTopics(['a', 'missing']);
    expect(await cluster.admin.listTopics()).toEqual(['b']);
  });

  it('reports topic configs as set, over Kafka defaults', async () => {
    await cluster.admin.createTopics([
      { name: 'log', partitions: 1 },
      { name: 'changelog', partitions: 1, configs: { 'cleanup.policy': 'compact', 'min.compaction.lag.ms': '100' } },
    ]);
    const configs = await cluster.admin.describeTopicConfigs!(['log', 'changelog', 'missing']);
    expect(configs.get('log')?.['cleanup.policy']).toBe('delete');
    expect(configs.get('changelog')?.['cleanup.policy']).toBe('compact');
    expect(configs.get('changelog')?.['min.compaction.lag.ms']).toBe('100');
    expect(configs.has('missing')).toBe(false);
  });

  it('validates topic names, partition counts and replication factors', async () => {
    for (const name of ['', 'has space', 'a/b', '.', '..', 'x'.repeat(250)]) {
      await expect(cluster.admin.createTopics([{ name, partitions: 1 }])).rejects.toMatchObject({ type: 'INVALID_TOPIC_EXCEPTION' });
    }
    await expect(cluster.admin.createTopics([{ name: 'ok', partitions: 0 }])).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    await expect(cluster.admin.createTopics([{ name: 'ok', partitions: 1.5 }])).rejects.toMatchObject({ type: 'INVALID_PARTITIONS' });
    await expect(cluster.admin.createTopics([{ name: 'ok', partitions: 1, replicationFactor: 0 }])).rejects.toMatchObject({
      type: 'INVALID_REPLICATION_FACTOR',
    });
    await cluster.admin.createTopics([{ name: 'rf3', partitions: 1, replicationFactor: 3 }, { name: 'rf-default', partitions: 1, replicationFactor: -1 }]);
    expect((await cluster.admin.listTopics()).sort()).toEqual(['rf-default', 'rf3']);
  });

  it('lists earliest and latest offsets per partition', async () => {
    await cluster.admin.createTopics([{ name: 't', partitions: 2 }]);
    const producer = await connectedProducer();
    await producer.send([...records('t', 3, { partition: 1 }), ...records('t', 1, { partition: 0 })]);
    expect(await cluster.admin.listOffsets('t')).toEqual([
      { partition: 0, earliest: 0, latest: 1 },
      { partition: 1, earliest: 0, latest: 3 },
    ]);
    await expect(cluster.admin.listOffsets('missing')).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('requires connect() first', async () => {
    const admin = cluster.client.admin();
    await expect(admin.listTopics()).rejects.toThrow(/connect\(\)/);
  });

  it('describes an unknown group as Dead with no members', async () => {
    expect(await cluster.admin.describeGroup('nobody')).toEqual({ groupId: 'nobody', state: 'Dead', protocol: '', members: [] });
  });
});

describe('embedded producer', () => {
  beforeEach(async () => {
    await cluster.admin.createTopics([{ name: 't', partitions: 4 }]);
  });

  it('assigns offsets from 0 per partition and returns each record\'s metadata', async () => {
    const producer = await connectedProducer();
    const first = await producer.send(records('t', 3, { partition: 2 }));
    const second = await producer.send([{ topic: 't', partition: 2, key: null, value: bytes('x') }, { topic: 't', partition: 0, key: null, value: null }]);
    expect(first).toEqual([0, 1, 2].map((offset) => ({ topic: 't', partition: 2, offset })));
    expect(second).toEqual([
      { topic: 't', partition: 2, offset: 3 },
      { topic: 't', partition: 0, offset: 0 },
    ]);
  });

  it('keeps keys, values, null keys, tombstones, timestamps and duplicate headers', async () => {
    const producer = await connectedProducer();
    const before = Date.now();
    await producer.send([
      { topic: 't', partition: 1, key: bytes('k'), value: bytes('v'), timestamp: 1_000, headers: [{ key: 'h', value: bytes('1') }, { key: 'h', value: bytes('2') }, { key: 'n', value: null }] },
      { topic: 't', partition: 1, key: null, value: bytes('no key') },
      { topic: 't', partition: 1, key: bytes('dead'), value: null },
    ]);
    const [a, b, c] = await readAll('t', 1);
    expect(a).toMatchObject({ topic: 't', partition: 1, offset: 0, timestamp: 1_000 });
    expect(text(a!.key)).toBe('k');
    expect(text(a!.value)).toBe('v');
    expect(a!.headers.map((h) => [h.key, text(h.value)])).toEqual([['h', '1'], ['h', '2'], ['n', null]]);
    expect(b!.key).toBeNull();
    expect(text(b!.value)).toBe('no key');
    expect(b!.timestamp).toBeGreaterThanOrEqual(before);
    expect(b!.timestamp).toBeLessThanOrEqual(Date.now());
    expect(c!.value).toBeNull();
    expect(c!.headers).toEqual([]);
  });

  it('uses the broker clock under message.timestamp.type=LogAppendTime', async () => {
    await cluster.admin.createTopics([{ name: 'appended', partitions: 1, configs: { 'message.timestamp.type': 'LogAppendTime' } }]);
    const producer = await connectedProducer();
    const before = Date.now();
    await producer.send([{ topic: 'appended', key: null, value: bytes('x'), timestamp: 5 }]);
    const [record] = await readAll('appended', 0);
    expect(record!.timestamp).toBeGreaterThanOrEqual(before);
  });

  it('places keyed records with Kafka\'s murmur2 partitioner', async () => {
    const producer = await connectedProducer();
    const keys = Array.from({ length: 50 }, (_, i) => `key-${i}`);
    const metadata = await producer.send(keys.map((k) => ({ topic: 't', key: bytes(k), value: bytes(k) })));
    expect(metadata.map((m) => m.partition)).toEqual(keys.map((k) => defaultPartition(bytes(k), 4)));
    // Not all on one partition, or the comparison above would prove little.
    expect(new Set(metadata.map((m) => m.partition)).size).toBe(4);
  });

  it('spreads null-key records over the partitions', async () => {
    const producer = await connectedProducer();
    const metadata = await producer.send(Array.from({ length: 8 }, () => ({ topic: 't', key: null, value: bytes('x') })));
    const counts = [0, 1, 2, 3].map((p) => metadata.filter((m) => m.partition === p).length);
    expect(counts).toEqual([2, 2, 2, 2]);
  });

  it('fails clearly on a missing topic or partition, and writes nothing of a failed send', async () => {
    const producer = await connectedProducer();
    await expect(producer.send([{ topic: 'nope', key: null, value: bytes('x') }])).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
      message: expect.stringMatching(/nope.*auto-create/),
    });
    await expect(producer.send([{ topic: 't', partition: 0, key: null, value: bytes('ok') }, { topic: 't', partition: 4, key: null, value: bytes('x') }])).rejects.toMatchObject({
      type: 'UNKNOWN_TOPIC_OR_PARTITION',
    });
    expect((await cluster.admin.listOffsets('t')).map((p) => p.latest)).toEqual([0, 0, 0, 0]);
  });

  it('rejects values that are not bytes, negative timestamps and oversized records', async () => {
    const producer = await connectedProducer();
    const notBytes = { topic: 't', key: null, value: 'text' as unknown as Buffer };
    await expect(producer.send([notBytes])).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    await expect(producer.send([{ topic: 't', key: null, value: null, timestamp: -1 }])).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    await expect(producer.send([{ topic: 't', key: null, value: Buffer.alloc(2_000_000) }])).rejects.toMatchObject({ type: 'MESSAGE_TOO_LARGE' });
  });

  it('copies bytes: later changes to a sent buffer or a consumed one do not reach the log', async () => {
    const producer = await connectedProducer();
    const value = bytes('original');
    await producer.send([{ topic: 't', partition: 0, key: null, value }]);
    value.write('mutated!');
    const [first] = await readAll('t', 0);
    expect(text(first!.value)).toBe('original');
    first!.value!.write('changed!');
    const [again] = await readAll('t', 0);
    expect(text(again!.value)).toBe('original');
  });

  it('requires connect() first', async () => {
    const producer = cluster.client.producer();
    await expect(producer.send(records('t', 1))).rejects.toThrow(/connect\(\)/);
  });

  it('resolves sends asynchronously, never inside the caller\'s stack', async () => {
    const producer = await connectedProducer();
    let resolved = false;
    const sending = producer.send(records('t', 1)).then(() => {
      resolved = true;
    });
    expect(resolved).toBe(false);
    await sending;
    expect(resolved).toBe(true);
  });

  it('rejects rather than throws on invalid input', () => {
    const producer = cluster.client.producer();
    // A synchronous throw would escape `.catch` handlers written for the real client.
    const result = producer.send([{ topic: 'nope', key: null, value: null }]);
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toBeInstanceOf(EmbeddedKafkaError);
  });
});
