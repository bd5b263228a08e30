import { describe, expect, it } from 'vitest';
import type { KafkaProducer, ProducerRecord, RecordMetadata } from '../../src/kafka/port.js';
import { RecordCollectorImpl } from '../../src/runtime/record-collector-impl.js';

/** A producer whose sends resolve only when the test acknowledges them. */
class ManualProducer implements KafkaProducer {
  readonly sends: { records: readonly ProducerRecord[]; ack: () => void; fail: (e: Error) => void }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  async connect(): Promise<void> {}
  async disconnect(): Promise<void> {}
  beginTransaction(): never {
    throw new Error('not transactional');
  }
  send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      this.sends.push({
        records,
        ack: () => { this.inFlight--; resolve(records.map((r, i) => ({ topic: r.topic, partition: 0, offset: i }))); },
        fail: (e) => { this.inFlight--; reject(e); },
      });
    });
  }
}

const rec = (i: number): ProducerRecord => ({ topic: 'out', key: null, value: Buffer.from(String(i)) });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('RecordCollectorImpl', () => {
  it('keeps one send in flight and batches what queued up meanwhile, in order', async () => {
    const producer = new ManualProducer();
    const acked: number[] = [];
    const c = new RecordCollectorImpl(producer, { lingerMs: 0, onAcknowledged: (n) => acked.push(n) });
    c.send(rec(0));
    c.maybeSend();
    for (let i = 1; i <= 5; i++) c.send(rec(i));
    c.maybeSend();
    expect(producer.sends).toHaveLength(1);
    producer.sends[0]?.ack();
    await tick();
    expect(producer.sends).toHaveLength(2);
    expect(producer.sends[1]?.records.map((r) => r.value?.toString())).toEqual(['1', '2', '3', '4', '5']);
    producer.sends[1]?.ack();
    await tick();
    expect(acked).toEqual([1, 5]);
    expect(producer.maxInFlight).toBe(1);
  });

  it('flush resolves only after every queued record was acknowledged', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer);
    for (let i = 0; i < 3; i++) c.send(rec(i));
    let flushed = false;
    const f = c.flush().then(() => { flushed = true; });
    await tick();
    expect(flushed).toBe(false);
    producer.sends[0]?.ack();
    await f;
    expect(flushed).toBe(true);
    expect(c.queued).toBe(0);
  });

  it('starts a send on its own once a batch is full, and splits oversized queues', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer, { maxBatchRecords: 4, lingerMs: 0 });
    for (let i = 0; i < 10; i++) c.send(rec(i));
    expect(producer.sends).toHaveLength(1);
    expect(producer.sends[0]?.records).toHaveLength(4);
    producer.sends[0]?.ack();
    await tick();
    expect(producer.sends[1]?.records).toHaveLength(4);
    producer.sends[1]?.ack();
    await tick();
    producer.sends[2]?.ack();
    await c.flush();
    expect(producer.sends.flatMap((s) => s.records.map((r) => Number(r.value?.toString())))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('reports a failed send at flush and checkError, never from send()', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer, { lingerMs: 0 });
    c.send(rec(0));
    c.maybeSend();
    producer.sends[0]?.fail(new Error('broker says no'));
    await tick();
    expect(() => c.send(rec(1))).not.toThrow();
    expect(() => c.checkError()).toThrow(/Error sending 1 record\(s\) \(first to topic out\): broker says no/);
    await expect(c.flush()).rejects.toThrow(/broker says no/);
  });

  it('lingers: a lone record waits for company up to lingerMs, then goes by itself', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer, { lingerMs: 30 });
    c.send(rec(0));
    c.maybeSend();
    c.send(rec(1));
    await tick();
    expect(producer.sends).toHaveLength(0);
    await new Promise((r) => setTimeout(r, 60));
    expect(producer.sends.map((x) => x.records.length)).toEqual([2]);
    producer.sends[0]?.ack();
    await c.flush();
  });

  it('sends at once, lingering or not, when minBatchRecords are queued or on flush', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer, { lingerMs: 60_000, minBatchRecords: 3 });
    for (let i = 0; i < 3; i++) c.send(rec(i));
    expect(producer.sends.map((x) => x.records.length)).toEqual([3]);
    producer.sends[0]?.ack();
    c.send(rec(3));
    const flushed = c.flush();
    await tick();
    expect(producer.sends.map((x) => x.records.length)).toEqual([3, 1]);
    producer.sends[1]?.ack();
    await flushed;
  });

  it('has no room over its queue limit until acknowledgements drain it', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer, { maxBatchRecords: 100, maxQueuedRecords: 3 });
    c.send(rec(0));
    c.maybeSend();
    for (let i = 1; i <= 3; i++) c.send(rec(i));
    expect(c.hasRoom()).toBe(false);
    const room = c.waitForRoom();
    producer.sends[0]?.ack();
    await room;
    expect(c.hasRoom()).toBe(true);
  });
});

describe('RecordCollectorImpl.acknowledgedOffset', () => {
  it('remembers the highest acknowledged offset per partition', async () => {
    const producer = new ManualProducer();
    const c = new RecordCollectorImpl(producer);
    expect(c.acknowledgedOffset('out', 0)).toBeUndefined();
    for (let i = 0; i < 3; i++) c.send(rec(i));
    const flushed = c.flush();
    producer.sends[0]?.ack();
    await flushed;
    // ManualProducer acknowledges record i of a send at offset i of partition 0.
    expect(c.acknowledgedOffset('out', 0)).toBe(2);
    expect(c.acknowledgedOffset('out', 1)).toBeUndefined();
  });
});
