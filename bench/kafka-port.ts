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
 * Each figure comes with the CPU seconds this process used (kafkajs encoding and decoding, our
 * adapter); on a shared machine the wall-clock rate mostly shows how much CPU the broker got.
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
  /** CPU seconds of this process (all threads) during the measurement. */
  readonly clientCpuSeconds: number;
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

/** Starts a wall and CPU clock; the returned function stops them. */
function stopwatch(): (records: number) => Throughput {
  const cpu = process.cpuUsage();
  const started = performance.now();
  return (records) => {
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    return {
      seconds: Number(seconds.toFixed(3)),
      recordsPerSecond: Math.round(records / seconds),
      megabytesPerSecond: Number(((records * RECORD_BYTES) / seconds / 1e6).toFixed(2)),
      clientCpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(2)),
    };
  };
}

async function produce(client: KafkaClient, topic: string, records: number): Promise<Throughput> {
  const producer = client.producer();
  await producer.connect();
  try {
    const value = Buffer.alloc(RECORD_BYTES, 0x61);
    const batch: ProducerRecord[] = Array.from({ length: BATCH }, () => ({ topic, key: null, value }));
    const inFlight = new Set<Promise<unknown>>();
    const stop = stopwatch();
    for (let sent = 0; sent < records; sent += BATCH) {
      const send = producer.send(batch.slice(0, Math.min(BATCH, records - sent)));
      inFlight.add(send);
      void send.finally(() => inFlight.delete(send)).catch(() => undefined);
      if (inFlight.size >= OUTSTANDING_BATCHES) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    return stop(records);
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
    const stop = stopwatch();
    await allRead;
    const measured = stop(records);
    if (failure !== undefined) throw failure;
    return measured;
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
  log('partitions | records | produce rec/s | produce MB/s | client CPU s | consume rec/s | consume MB/s | client CPU s');
  const cell = (value: string | number, width: number): string => String(value).padStart(width);
  for (const row of rows) {
    const { produce: p, consume: c } = row;
    log(
      `${cell(row.partitions, 10)} | ${cell(row.records, 7)} | ${cell(p.recordsPerSecond, 13)} | ${cell(p.megabytesPerSecond.toFixed(2), 12)} | ${cell(p.clientCpuSeconds.toFixed(2), 12)} | ` +
        `${cell(c.recordsPerSecond, 13)} | ${cell(c.megabytesPerSecond.toFixed(2), 12)} | ${cell(c.clientCpuSeconds.toFixed(2), 12)}`,
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
