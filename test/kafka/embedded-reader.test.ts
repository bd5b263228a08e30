import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartitionReader } from '../../src/kafka/port.js';
import { bytes, freshCluster, records, sleep, text, type TestCluster } from './embedded-helpers.js';

let cluster: TestCluster;
let readers: PartitionReader[];

beforeEach(async () => {
  cluster = await freshCluster();
  readers = [];
  await cluster.admin.createTopics([{ name: 'changelog', partitions: 3 }]);
});

afterEach(async () => {
  await Promise.all(readers.map((r) => r.close()));
  cluster.reset();
});

function reader(readCommitted?: boolean): PartitionReader {
  const r = cluster.client.reader(readCommitted === undefined ? {} : { readCommitted });
  readers.push(r);
  return r;
}

async function send(...batches: Parameters<Awaited<ReturnType<typeof cluster.client.producer>>['send']>[0][]): Promise<void> {
  const producer = cluster.client.producer();
  await producer.connect();
  for (const batch of batches) await producer.send(batch);
}

describe('embedded partition reader', () => {
  it('reads assigned partitions from the given offsets, in offset order per partition', async () => {
    await send(records('changelog', 5, { partition: 0 }), records('changelog', 4, { partition: 1 }), records('changelog', 3, { partition: 2 }));
    const r = reader();
    await r.assign([
      { topic: 'changelog', partition: 0, offset: 2 },
      { topic: 'changelog', partition: 1, offset: 0 },
    ]);
    const got = await r.poll(100);
    expect(got.filter((x) => x.partition === 0).map((x) => x.offset)).toEqual([2, 3, 4]);
    expect(got.filter((x) => x.partition === 1).map((x) => x.offset)).toEqual([0, 1, 2, 3]);
    expect(got.some((x) => x.partition === 2)).toBe(false);
    expect(await r.poll(0)).toEqual([]);
  });

  it('waits up to maxWaitMs and returns an empty array when nothing comes', async () => {
    const r = reader();
    await r.assign([{ topic: 'changelog', partition: 0, offset: 0 }]);
    const started = performance.now();
    expect(await r.poll(80)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
  });

  it('returns as soon as a record arrives during the wait', async () => {
    const r = reader();
    await r.assign([{ topic: 'changelog', partition: 1, offset: 0 }]);
    const started = performance.now();
    const polling = r.poll(5_000);
    await sleep(10);
    await send([{ topic: 'changelog', partition: 1, key: bytes('k'), value: bytes('v') }]);
    const got = await polling;
    expect(got.map((x) => text(x.value))).toEqual(['v']);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('replaces its partitions on assign', async () => {
    await send(records('changelog', 2, { partition: 0 }), records('changelog', 2, { partition: 2 }));
    const r = reader();
    await r.assign([{ topic: 'changelog', partition: 0, offset: 0 }]);
    await r.assign([{ topic: 'changelog', partition: 2, offset: 1 }]);
    const got = await r.poll(0);
    expect(got.map((x) => [x.partition, x.offset])).toEqual([[2, 1]]);
  });

  it('is read_committed by default', async () => {
    const tx = cluster.client.producer({ transactionalId: 'restore-test' });
    await tx.connect();
    const txn = await tx.beginTransaction();
    await txn.send([{ topic: 'changelog', partition: 0, key: null, value: bytes('pending') }]);
    const committed = reader();
    const uncommitted = reader(false);
    for (const r of [committed, uncommitted]) await r.assign([{ topic: 'changelog', partition: 0, offset: 0 }]);
    expect(await committed.poll(0)).toEqual([]);
    expect((await uncommitted.poll(0)).map((x) => text(x.value))).toEqual(['pending']);
    await txn.commit();
    expect((await committed.poll(0)).map((x) => text(x.value))).toEqual(['pending']);
  });

  it('bounds each poll and serves every partition', async () => {
    await send(records('changelog', 1_200, { partition: 0 }), records('changelog', 1_200, { partition: 1 }));
    const r = reader();
    await r.assign([
      { topic: 'changelog', partition: 0, offset: 0 },
      { topic: 'changelog', partition: 1, offset: 0 },
    ]);
    const first = await r.poll(0);
    expect(first.filter((x) => x.partition === 0)).toHaveLength(500);
    expect(first.filter((x) => x.partition === 1)).toHaveLength(500);
    let total = first.length;
    for (let got = await r.poll(0); got.length > 0; got = await r.poll(0)) total += got.length;
    expect(total).toBe(2_400);
  });

  it('fails on offsets beyond the log end, negative offsets and unknown partitions', async () => {
    await send(records('changelog', 2, { partition: 0 }));
    const r = reader();
    await r.assign([{ topic: 'changelog', partition: 0, offset: 3 }]);
    await expect(r.poll(0)).rejects.toMatchObject({ type: 'OFFSET_OUT_OF_RANGE' });
    await expect(r.assign([{ topic: 'changelog', partition: 0, offset: -1 }])).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
    await expect(r.assign([{ topic: 'changelog', partition: 3, offset: 0 }])).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await expect(r.assign([{ topic: 'nope', partition: 0, offset: 0 }])).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });

  it('ends a waiting poll with no records on close, and refuses polls after it', async () => {
    const r = reader();
    await r.assign([{ topic: 'changelog', partition: 0, offset: 0 }]);
    const started = performance.now();
    const polling = r.poll(5_000);
    await sleep(10);
    await r.close();
    expect(await polling).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
    await expect(r.poll(0)).rejects.toThrow(/closed/);
  });
});
