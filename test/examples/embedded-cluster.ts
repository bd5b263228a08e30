/** An in-process Kafka cluster (the embedded backend) for running the examples with KafkaStreams. */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedClient, resetEmbeddedCluster } from '../../src/kafka/embedded/index.js';
import type { ConsumedRecord, KafkaAdmin, KafkaClient } from '../../src/kafka/port.js';

export class EmbeddedCluster {
  readonly name = `examples-${randomUUID().slice(0, 8)}`;
  readonly bootstrapServers = `embedded://${this.name}`;
  /** A state.dir of this cluster's own, so a test never meets the lock of another run of the same example (default `/tmp/kstreams`). */
  readonly stateDir = join(tmpdir(), this.name);
  readonly client: KafkaClient = createEmbeddedClient(this.name, { bootstrapServers: this.bootstrapServers });
  readonly admin: KafkaAdmin = this.client.admin();

  async start(topics: readonly { name: string; partitions: number }[]): Promise<void> {
    await this.admin.connect();
    await this.admin.createTopics(topics);
  }

  async stop(): Promise<void> {
    await this.admin.disconnect();
    resetEmbeddedCluster(this.name);
    await rm(this.stateDir, { recursive: true, force: true });
  }

  async produce(topic: string, records: readonly { key: string | null; value: string | null }[]): Promise<void> {
    const producer = this.client.producer();
    await producer.connect();
    try {
      await producer.send(records.map((r) => ({
        topic,
        key: r.key === null ? null : Buffer.from(r.key),
        value: r.value === null ? null : Buffer.from(r.value),
      })));
    } finally {
      await producer.disconnect();
    }
  }

  /** Every record of `topic` up to its current end. */
  async read(topic: string): Promise<ConsumedRecord[]> {
    const offsets = await this.admin.listOffsets(topic);
    const pending = new Map(offsets.filter((o) => o.latest > o.earliest).map((o) => [o.partition, o.latest]));
    const out: ConsumedRecord[] = [];
    if (pending.size === 0) return out;
    const reader = this.client.reader({ readCommitted: false });
    try {
      await reader.assign(offsets.map((o) => ({ topic, partition: o.partition, offset: o.earliest })));
      const deadline = Date.now() + 10_000;
      while (pending.size > 0) {
        if (Date.now() > deadline) throw new Error(`Timed out reading ${topic}`);
        for (const r of await reader.poll(200)) {
          out.push(r);
          if (r.offset + 1 >= (pending.get(r.partition) ?? Infinity)) pending.delete(r.partition);
        }
      }
    } finally {
      await reader.close();
    }
    return out;
  }

  /** Reads `topic` until `done(records)` holds, or fails after `timeoutMs`. */
  async readUntil(topic: string, done: (records: ConsumedRecord[]) => boolean, timeoutMs = 15_000): Promise<ConsumedRecord[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const records = await this.read(topic);
      if (done(records)) return records;
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting on ${topic}; have ${records.length} records`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
