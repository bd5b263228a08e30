import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { failEmbeddedTransactions } from '../../src/kafka/embedded/index.js';
import type { GroupConsumer, KafkaProducer, ProducerOptions } from '../../src/kafka/port.js';
import { bytes, eventually, freshCluster, records, RecordingListener, sleep, text, type TestCluster } from './embedded-helpers.js';

let cluster: TestCluster;
let consumers: GroupConsumer[];

beforeEach(async () => {
  cluster = await freshCluster();
  consumers = [];
  await cluster.admin.createTopics([
    { name: 'in', partitions: 2 },
    { name: 'out', partitions: 2 },
  ]);
});

afterEach(async () => {
  await Promise.all(consumers.map((c) => c.disconnect()));
  cluster.reset();
});

async function producer(options?: ProducerOptions): Promise<KafkaProducer> {
  const p = cluster.client.producer(options);
  await p.connect();
  return p;
}

/** Every record of a partition as a reader with this isolation sees it now. */
async function visible(topic: string, partition: number, readCommitted: boolean): Promise<string[]> {
  const reader = cluster.client.reader({ readCommitted });
  await reader.assign([{ topic, partition, offset: 0 }]);
  const out = await reader.poll(0);
  await reader.close();
  return out.map((r) => `${r.offset}:${text(r.value)}`);
}

async function consume(groupId: string, readCommitted = true, options: { autoOffsetReset?: 'earliest' | 'latest' } = {}): Promise<RecordingListener> {
  const listener = new RecordingListener();
  const consumer = cluster.client.consumer({ groupId, readCommitted, ...options });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe(['out']);
  await consumer.run(listener);
  return listener;
}

const value = (v: string, partition = 0) => ({ topic: 'out', partition, key: null, value: bytes(v) });

describe('transactions', () => {
  it('give records offsets at once, visible to read_uncommitted at once and to read_committed only after commit', async () => {
    const p = await producer({ transactionalId: 'tx' });
    const txn = await p.beginTransaction();
    const metadata = await txn.send([value('a'), value('b')]);
    expect(metadata.map((m) => m.offset)).toEqual([0, 1]);
    expect(await visible('out', 0, false)).toEqual(['0:a', '1:b']);
    expect(await visible('out', 0, true)).toEqual([]);
    const committedReader = await consume('g-committed');
    await sleep(20);
    expect(committedReader.records).toEqual([]);

    await txn.commit();
    expect(await visible('out', 0, true)).toEqual(['0:a', '1:b']);
    await eventually(() => committedReader.records.length === 2, 1_000, 'committed records');
    // The commit marker takes an offset, as in Kafka: the next record is at 3.
    expect((await cluster.admin.listOffsets('out'))[0]).toEqual({ partition: 0, earliest: 0, latest: 3 });
    const [next] = await (await producer()).send([value('c')]);
    expect(next!.offset).toBe(3);
    expect(await visible('out', 0, true)).toEqual(['0:a', '1:b', '3:c']);
  });

  it('never show an aborted transaction to read_committed readers; read_uncommitted ones see it', async () => {
    const p = await producer({ transactionalId: 'tx' });
    const aborted = await p.beginTransaction();
    await aborted.send([value('x'), value('y')]);
    await aborted.abort();
    const committed = await p.beginTransaction();
    await committed.send([value('z')]);
    await committed.commit();
    expect(await visible('out', 0, true)).toEqual(['3:z']);
    expect(await visible('out', 0, false)).toEqual(['0:x', '1:y', '3:z']);
    const listener = await consume('g');
    await eventually(() => listener.records.length === 1, 1_000, 'the committed record');
    await sleep(20);
    expect(listener.records.map((r) => text(r.value))).toEqual(['z']);
  });

  it('hold read_committed readers at the last stable offset: nothing past the first open transaction', async () => {
    const tx = await producer({ transactionalId: 'tx' });
    const plain = await producer();
    const txn = await tx.beginTransaction();
    await txn.send([value('in-txn')]);
    await plain.send([value('after-txn'), value('other-partition', 1)]);
    const listener = await consume('g');
    await eventually(() => listener.records.length === 1, 1_000, 'the record on partition 1');
    await sleep(20);
    expect(listener.records.map((r) => text(r.value))).toEqual(['other-partition']);
    expect(await visible('out', 0, true)).toEqual([]);
    expect(await visible('out', 0, false)).toEqual(['0:in-txn', '1:after-txn']);

    const commitAt = performance.now();
    await txn.commit();
    await eventually(() => listener.records.length === 3, 1_000, 'records below the new LSO');
    expect(performance.now() - commitAt).toBeLessThan(100);
    const partition0 = listener.batches.filter((b) => b.partition === 0);
    expect(partition0.flatMap((b) => b.records.map((r) => text(r.value)))).toEqual(['in-txn', 'after-txn']);
    expect(partition0[0]!.highWatermark).toBe(3);
  });

  it('start a read_committed consumer with autoOffsetReset latest at the last stable offset', async () => {
    const tx = await producer({ transactionalId: 'tx' });
    const txn = await tx.beginTransaction();
    await txn.send([value('pending')]);
    const listener = await consume('g', true, { autoOffsetReset: 'latest' });
    await sleep(20);
    await txn.commit();
    await eventually(() => listener.records.length === 1, 1_000, 'the transaction that was open at start');
    expect(text(listener.records[0]!.value)).toBe('pending');
  });

  it('commit offsets sent with a transaction only when it commits', async () => {
    const p = await producer({ transactionalId: 'tx' });
    const aborted = await p.beginTransaction();
    await aborted.send([value('x')]);
    await aborted.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 5 }]);
    expect((await cluster.admin.fetchCommittedOffsets('app', ['in']))[0]!.offset).toBe(-1);
    await aborted.abort();
    expect((await cluster.admin.fetchCommittedOffsets('app', ['in']))[0]!.offset).toBe(-1);

    const committed = await p.beginTransaction();
    await committed.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 7 }, { topic: 'in', partition: 1, offset: 2 }]);
    await committed.sendOffsets('app', [{ topic: 'in', partition: 0, offset: 9 }]);
    await committed.commit();
    expect(await cluster.admin.fetchCommittedOffsets('app', ['in'])).toEqual([
      { topic: 'in', partition: 0, offset: 9 },
      { topic: 'in', partition: 1, offset: 2 },
    ]);
  });

  it('fence an older producer when a new one takes the transactional id, aborting what it left open', async () => {
    const old = await producer({ transactionalId: 'task-0_1' });
    const txn = await old.beginTransaction();
    await txn.send([value('zombie')]);
    const successor = await producer({ transactionalId: 'task-0_1' });
    await expect(txn.send([value('more')])).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });
    await expect(txn.commit()).rejects.toMatchObject({ type: 'PRODUCER_FENCED', message: expect.stringMatching(/task-0_1.*fenced/) });
    await expect(old.beginTransaction()).rejects.toMatchObject({ type: 'PRODUCER_FENCED' });
    expect(await visible('out', 0, true)).toEqual([]);

    const fresh = await successor.beginTransaction();
    await fresh.send([value('successor')]);
    await fresh.commit();
    expect(await visible('out', 0, true)).toEqual(['2:successor']);
  });

  it('abort a transaction open longer than its timeout, fencing its producer', async () => {
    const p = await producer({ transactionalId: 'slow', transactionTimeoutMs: 100 });
    const txn = await p.beginTransaction();
    await txn.send([value('late')]);
    const listener = await consume('g');
    await sleep(200);
    await expect(txn.commit()).rejects.toMatchObject({ type: 'PRODUCER_FENCED', message: expect.stringMatching(/transaction\.timeout\.ms/) });
    // The abort moved the LSO: later records flow again.
    await (await producer()).send([value('next')]);
    await eventually(() => listener.records.length === 1, 1_000, 'the record after the aborted one');
    expect(text(listener.records[0]!.value)).toBe('next');
  });

  it('fail injected calls with the Kafka error asked for, without effect: a failed commit leaves the transaction open to abort', async () => {
    const p = await producer({ transactionalId: 'tx' });
    failEmbeddedTransactions(cluster.name, { operation: 'send', error: 'NOT_ENOUGH_REPLICAS', transactionalId: 'tx' });
    failEmbeddedTransactions(cluster.name, { operation: 'commit', error: 'REQUEST_TIMED_OUT', times: 2 });
    const txn = await p.beginTransaction();
    await expect(txn.send([value('lost')])).rejects.toMatchObject({ type: 'NOT_ENOUGH_REPLICAS', retriable: true });
    await txn.send([value('a')]);
    await expect(txn.commit()).rejects.toMatchObject({ type: 'REQUEST_TIMED_OUT' });
    expect(await visible('out', 0, false)).toEqual(['0:a']);
    await txn.abort();
    expect(await visible('out', 0, true)).toEqual([]);
    // The second injected commit failure, then the faults are used up.
    const again = await p.beginTransaction();
    await again.send([value('b')]);
    await expect(again.commit()).rejects.toMatchObject({ type: 'REQUEST_TIMED_OUT' });
    await again.commit();
    expect(await visible('out', 0, true)).toEqual(['2:b']);
    // Another transactional id is not matched by a fault for 'tx'.
    failEmbeddedTransactions(cluster.name, { operation: 'sendOffsets', error: 'COORDINATOR_NOT_AVAILABLE', transactionalId: 'tx' });
    const other = await (await producer({ transactionalId: 'other' })).beginTransaction();
    await other.sendOffsets('g', [{ topic: 'in', partition: 0, offset: 1 }]);
    await other.commit();
    expect(() => failEmbeddedTransactions('no-such-cluster', { operation: 'commit', error: 'REQUEST_TIMED_OUT' })).toThrow(/no-such-cluster/);
  });

  it('enforce the transactional life cycle', async () => {
    const plain = await producer();
    await expect(plain.beginTransaction()).rejects.toThrow(/transactionalId/);
    const tx = await producer({ transactionalId: 'tx' });
    await expect(tx.send([value('outside')])).rejects.toThrow(/inside a transaction/);
    const txn = await tx.beginTransaction();
    await expect(tx.beginTransaction()).rejects.toMatchObject({ type: 'INVALID_TXN_STATE' });
    await txn.commit();
    await expect(txn.send([value('after')])).rejects.toMatchObject({ type: 'INVALID_TXN_STATE' });
    await expect(txn.abort()).rejects.toMatchObject({ type: 'INVALID_TXN_STATE' });
    const again = await tx.beginTransaction();
    await expect(again.sendOffsets('g', [{ topic: 'missing', partition: 0, offset: 1 }])).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await again.abort();
    await expect(cluster.client.producer({ transactionalId: 'tx' }).beginTransaction()).rejects.toThrow(/connect\(\)/);
    await expect(cluster.client.producer({ transactionalId: 'tx', transactionTimeoutMs: 3_600_000 }).connect()).rejects.toMatchObject({
      type: 'INVALID_TRANSACTION_TIMEOUT',
    });
  });

  it('give exactly-once consume-transform-produce across a crash', async () => {
    const input = await producer();
    await input.send(records('in', 20, { partition: 0 }));

    // One processing pass: read from the committed offset, write upper-cased values and the
    // input offsets in one transaction per batch; `crashAfter` batches in, die mid-transaction.
    async function processOnce(crashAfter: number | undefined): Promise<void> {
      const tx = await producer({ transactionalId: 'app-0_0', transactionTimeoutMs: 60_000 });
      const consumer = cluster.client.consumer({ groupId: 'app', maxBytesPerPartition: 300 });
      await consumer.connect();
      await consumer.subscribe(['in']);
      let batches = 0;
      let crashed = false;
      const listener = new RecordingListener({
        onBatch: async (batch) => {
          if (crashed) return;
          const txn = await tx.beginTransaction();
          await txn.send(batch.records.map((r) => ({ topic: 'out', partition: 0, key: r.key, value: bytes(text(r.value)!.toUpperCase()) })));
          if (crashAfter !== undefined && ++batches > crashAfter) {
            crashed = true; // the process dies here: no commit, no abort
            return;
          }
          await txn.sendOffsets('app', [{ topic: 'in', partition: 0, offset: batch.records.at(-1)!.offset + 1 }]);
          await txn.commit();
        },
      });
      await consumer.run(listener);
      await eventually(() => crashed || listener.records.at(-1)?.offset === 19, 2_000, 'processing');
      await consumer.disconnect();
    }

    await processOnce(2);
    // The restarted instance initialises the same transactional id: the zombie's open
    // transaction is aborted, and processing resumes from the last committed offset.
    await processOnce(undefined);
    const outputs = (await visible('out', 0, true)).map((r) => r.split(':')[1]);
    expect(outputs).toEqual(Array.from({ length: 20 }, (_, i) => `V${i}`));
    expect((await visible('out', 0, false)).length).toBeGreaterThan(20);
  });
});
