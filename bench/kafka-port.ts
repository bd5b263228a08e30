/**
 * Raw throughput of the kafkajs adapter of the Kafka port (a script, not a test): produce and
 * consume records per second of 100-byte records (null key, 100-byte value) on a 1-partition
 * and on a 6-partition topic of a real broker.
 *
 * - produce: the adapter's default producer (idempotent, acks=all, one request in flight per
 *   broker, as kafkajs requires for idempotence), batches of BATCH records, a few batches
 *   outstanding so kafkajs encodes the next while the broker writes the last; the clock stops
 *   when the broker acknowledged every record.
 * - consume: a group consumer (read_committed, the default) from the earliest offset; the clock
 *   starts when `run()` returned (the group is joined and the partitions assigned) and stops at
 *   the last record. The listener only counts.
 *
 *   KAFKA_BOOTSTRAP_SERVERS=$(scripts/kafka-local start) npx tsx bench/kafka-port.ts [records]
 *
 * Prints a table, then the results as one JSON line (the last line of stdout), and writes the
 * same JSON to bench/results/kafka-port.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaClient, ProducerRecord } from '../src/kafka/port.js';

const RECORD_BYTES = 100;
const BATCH = 2_000;
const OUTSTANDING_BATCHES = 4;

export interface Throughput {
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly megabytesPerSecond: number;
}

export interface KafkaPortBenchRow {
  readonly partitions: number;
  readonly records: number;
  readonly produce: Throughput;
  readonly consume: Throughput;
}

export interface KafkaPortBenchResult {
  readonly bench: 'kafka-port';
  readonly adapter: 'kafkajs';
  readonly recordBytes: number;
  readonly batch: number;
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly loadAverage1m: number };
  readonly rows: readonly KafkaPortBenchRow[];
}

function throughput(records: number, seconds: number): Throughput {
  return {
    seconds: Number(seconds.toFixed(3)),
    recordsPerSecond: Math.round(records / seconds),
    megabytesPerSecond: Number(((records * RECORD_BYTES) / seconds / 1e6).toFixed(2)),
  };
}

async function produce(client: KafkaClient, topic: string, records: number): Promise<Throughput> {
  const producer = client.producer();
  await producer.connect();
  try {
    const value = Buffer.alloc(RECORD_BYTES, 0x61);
    const batch: ProducerRecord[] = Array.from({ length: BATCH }, () => ({ topic, key: null, value }));
    const inFlight = new Set<Promise<unknown>>();
    const started = performance.now();
    for (let sent = 0; sent < records; sent += BATCH) {
      const send = producer.send(batch.slice(0, Math.min(BATCH, records - sent)));
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send)).catch(() => undefined);
      if (inFlight.size >= OUTSTANDING_BATCHES) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return throughput(records, (performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}

async function consume(client: KafkaClient, topic: string, records: number, groupId: string): Promise<Throughput> {
  const consumer = client.consumer({ groupId });
  let received = 0;
  let failure: Error | undefined;
  let done!: () => void;
  const allRead = new Promise<void>((resolve) => (done = resolve));
  await consumer.connect();
  try {
    await consumer.subscribe([topic]);
    await consumer.run({
      onPartitionsAssigned: async () => undefined,
      onPartitionsRevoked: async () => undefined,
      onBatch: async (batch) => {
        received += batch.records.length;
        if (received >= records) done();
      },
      onError: (error) => {
        failure = error;
        done();
      },
    });
    const started = performance.now();
    await allRead;
    const seconds = (performance.now() - started) / 1000;
    if (failure !== undefined) throw failure;
    return throughput(records, seconds);
  } finally {
    await consumer.disconnect();
  }
}

/** Runs the benchmark and returns its numbers; `log` gets the human-readable lines. */
export async function run(options: { bootstrapServers?: string; records?: number; partitionCounts?: readonly number[]; log?: (line: string) => void } = {}): Promise<KafkaPortBenchResult> {
  const bootstrapServers = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrapServers === undefined || bootstrapServers === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (scripts/kafka-local start prints it)');
  const records = options.records ?? 200_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers, clientId: 'bench-kafka-port' });
  const admin = client.admin();
  await admin.connect();
  const tag = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  const startedAt = new Date().toISOString();
  const rows: KafkaPortBenchRow[] = [];
  const topics: string[] = [];
  try {
    for (const partitions of options.partitionCounts ?? [1, 6]) {
      const topic = `bench-kafka-port-p${partitions}-${tag}`;
      topics.push(topic);
      await admin.createTopics([{ name: topic, partitions }]);
      log(`${partitions} partition(s): producing ${records} records of ${RECORD_BYTES} bytes ...`);
      const produced = await produce(client, topic, records);
      log(`${partitions} partition(s): consuming them in a group ...`);
      const consumed = await consume(client, topic, records, `bench-kafka-port-${tag}-${partitions}`);
      rows.push({ partitions, records, produce: produced, consume: consumed });
    }
  } finally {
    await admin.deleteTopics(topics).catch(() => undefined);
    await admin.disconnect();
  }
  const result: KafkaPortBenchResult = {
    bench: 'kafka-port',
    adapter: 'kafkajs',
    recordBytes: RECORD_BYTES,
    batch: BATCH,
    startedAt,
    machine: { cpus: cpus().length, loadAverage1m: Number(loadavg()[0]!.toFixed(2)) },
    rows,
  };
  log('');
  log(`kafkajs adapter, ${RECORD_BYTES}-byte records, ${cpus().length} cores, load ${result.machine.loadAverage1m}`);
  log('partitions | records | produce rec/s | produce MB/s | consume rec/s | consume MB/s');
  for (const row of rows) {
    log(
      `${String(row.partitions).padStart(10)} | ${String(row.records).padStart(7)} | ${String(row.produce.recordsPerSecond).padStart(13)} | ` +
        `${row.produce.megabytesPerSecond.toFixed(2).padStart(12)} | ${String(row.consume.recordsPerSecond).padStart(13)} | ${row.consume.megabytesPerSecond.toFixed(2).padStart(12)}`,
    );
  }
  return result;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const result = await run({ records });
  const file = join(dirname(fileURLToPath(import.meta.url)), 'results', 'kafka-port.json');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result));
}
