import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsumedRecord, KafkaProducer, ProducerRecord } from '../../src/kafka/port.js';
import { bytes, eventually, freshCluster, RecordingListener, text, type TestCluster } from './embedded-helpers.js';

let cluster: TestCluster;
let producer: KafkaProducer;

beforeEach(async () => {
  cluster = await freshCluster();
  producer = cluster.client.producer();
  await producer.connect();
});
afterEach(() => cluster.reset());

/** Small segments, so that a few hundred records close several of them. Each record here is ~80 bytes. */
const SMALL_SEGMENTS = { 'segment.bytes': '4000' };

async function readAll(topic: string, readCommitted = true): Promise<ConsumedRecord[]> {
  const reader = cluster.client.reader({ readCommitted });
  const earliest = (await cluster.admin.listOffsets(topic))[0]!.earliest;
  await reader.assign([{ topic, partition: 0, offset: earliest }]);
  const out: ConsumedRecord[] = [];
  for (let got = await reader.poll(0); got.length > 0; got = await reader.poll(0)) out.push(...got);
  await reader.close();
  return out;
}

const update = (topic: string, key: string, value: string | null, timestamp?: number): ProducerRecord => ({
  topic,
  partition: 0,
  key: bytes(key),
  value: value === null ? null : bytes(value),
  ...(timestamp === undefined ? {} : { timestamp }),
});

/** The table a reader builds from the records: last value per key, tombstones delete. */
function table(records: readonly ConsumedRecord[]): Map<string, string> {
  const state = new Map<string, string>();
  for (const r of records) {
    if (r.value === null) state.delete(text(r.key)!);
    else state.set(text(r.key)!, text(r.value)!);
  }
  return state;
}

describe('compacted topics', () => {
  it('keep the latest record per key in closed segments, with gaps in the offsets, and the same table', async () => {
    await cluster.admin.createTopics([{ name: 'changelog', partitions: 1, configs: { 'cleanup.policy': 'compact', ...SMALL_SEGMENTS } }]);
    const written: ProducerRecord[] = [update('changelog', 'cold', 'written once')];
    for (let i = 1; i < 600; i++) written.push(update('changelog', `key-${i % 7}`, i % 50 === 49 ? null : `v${i}`));
    for (const record of written) await producer.send([record]);

    const kept = await readAll('changelog');
    expect(kept.length).toBeLessThan(200);
    const offsets = kept.map((r) => r.offset);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(offsets.at(-1)).toBe(599);
    expect(offsets[0]).toBe(0);
    expect(offsets[1]).toBeGreaterThan(1);
    expect(table(kept)).toEqual(table(written.map((r, offset) => ({ ...r, offset, timestamp: 0, headers: [] }) as ConsumedRecord)));
    expect((await cluster.admin.listOffsets('changelog'))[0]).toEqual({ partition: 0, earliest: 0, latest: 600 });
  });

  it('keep tombstones, and refuse records without a key', async () => {
    await cluster.admin.createTopics([{ name: 'changelog', partitions: 1, configs: { 'cleanup.policy': 'compact', ...SMALL_SEGMENTS } }]);
    await producer.send([update('changelog', 'deleted', 'x'), update('changelog', 'deleted', null)]);
    for (let i = 0; i < 200; i++) await producer.send([update('changelog', 'busy', `v${i}`)]);
    const kept = await readAll('changelog');
    expect(kept.find((r) => text(r.key) === 'deleted')).toMatchObject({ offset: 1, value: null });
    await expect(producer.send([{ topic: 'changelog', key: null, value: bytes('v') }])).rejects.toMatchObject({ type: 'INVALID_RECORD' });
  });

  it('drop aborted records and transaction markers, and never clean past an open transaction', async () => {
    await cluster.admin.createTopics([{ name: 'changelog', partitions: 1, configs: { 'cleanup.policy': 'compact', ...SMALL_SEGMENTS } }]);
    const tx = cluster.client.producer({ transactionalId: 'cleaner-test' });
    await tx.connect();
    const aborted = await tx.beginTransaction();
    await aborted.send([update('changelog', 'a', 'aborted')]);
    await aborted.abort();
    const open = await tx.beginTransaction();
    await open.send([update('changelog', 'b', 'open-1')]);
    for (let i = 0; i < 200; i++) await producer.send([update('changelog', 'c', `v${i}`)]);
    // Everything from the open transaction on is above the LSO: nothing there was cleaned.
    expect((await readAll('changelog', false)).filter((r) => text(r.key) === 'c')).toHaveLength(200);

    await open.commit();
    for (let i = 200; i < 400; i++) await producer.send([update('changelog', 'c', `v${i}`)]);
    const uncommitted = await readAll('changelog', false);
    expect(uncommitted.some((r) => text(r.value) === 'aborted')).toBe(false);
    expect(uncommitted.find((r) => text(r.key) === 'b')).toMatchObject({ offset: 2 });
    expect(uncommitted.filter((r) => text(r.key) === 'c').length).toBeLessThan(100);
  });
});

describe('retention', () => {
  it('deletes closed segments past retention.ms, moving the log start; consumers reset, readers fail out of range', async () => {
    await cluster.admin.createTopics([{ name: 'events', partitions: 1, configs: { 'retention.ms': '60000', ...SMALL_SEGMENTS } }]);
    const old = Date.now() - 3_600_000;
    for (let i = 0; i < 100; i++) await producer.send([update('events', `k${i}`, `old${i}`, old)]);
    for (let i = 0; i < 100; i++) await producer.send([update('events', `k${i}`, `new${i}`)]);
    const [offsets] = await cluster.admin.listOffsets('events');
    expect(offsets!.earliest).toBeGreaterThan(0);
    expect(offsets!.earliest).toBeLessThanOrEqual(100);
    expect(offsets!.latest).toBe(200);

    const reader = cluster.client.reader();
    await reader.assign([{ topic: 'events', partition: 0, offset: 0 }]);
    await expect(reader.poll(0)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
    await reader.close();

    await cluster.admin.setCommittedOffsets('g', [{ topic: 'events', partition: 0, offset: 1 }]);
    const listener = new RecordingListener();
    const consumer = cluster.client.consumer({ groupId: 'g' });
    await consumer.connect();
    await consumer.subscribe(['events']);
    await consumer.run(listener);
    await eventually(() => listener.records.length === 200 - offsets!.earliest, 2_000, 'the retained records');
    expect(listener.records[0]!.offset).toBe(offsets!.earliest);
    await consumer.disconnect();
  });

  it('bounds a partition by retention.bytes, and keeps everything in the active segment', async () => {
    await cluster.admin.createTopics([
      { name: 'bounded', partitions: 1, configs: { 'retention.bytes': '10000', ...SMALL_SEGMENTS } },
      { name: 'unbounded', partitions: 1, configs: { 'retention.ms': '0' } },
    ]);
    for (let i = 0; i < 2_000; i++) await producer.send([update('bounded', 'k', `v${i}`), update('unbounded', 'k', `v${i}`, 1)]);
    const bounded = await readAll('bounded');
    expect(bounded.length).toBeLessThan(250);
    expect(bounded.at(-1)!.offset).toBe(1_999);
    // retention.ms=0, but with the default segment size everything is still in the active segment.
    expect(await readAll('unbounded')).toHaveLength(2_000);
  });

  it('rejects invalid values of the configs it acts on', async () => {
    const bad: Record<string, string>[] = [
      { 'cleanup.policy': 'shred' },
      { 'retention.ms': 'soon' },
      { 'retention.bytes': '-2' },
      { 'segment.bytes': '1' },
      { 'message.timestamp.type': 'WallClock' },
    ];
    for (const configs of bad) {
      await expect(cluster.admin.createTopics([{ name: 'bad', partitions: 1, configs }])).rejects.toMatchObject({ type: 'INVALID_CONFIG' });
    }
    expect(await cluster.admin.listTopics()).toEqual([]);
    await cluster.admin.createTopics([{ name: 'both', partitions: 1, configs: { 'cleanup.policy': 'compact,delete' } }]);
    expect((await cluster.admin.describeTopicConfigs!(['both'])).get('both')?.['cleanup.policy']).toBe('compact,delete');
  });
});
