/**
 * Filter topology throughput on the real broker (not a test), beside a bare kafkajs
 * consume → filter → produce loop over the same pre-produced records, in the same run:
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/filter.ts [records]
 *
 * Each contender starts from nothing (new consumer group, new output topic) and is timed from
 * its start until the output topic holds every expected record (end to end: join, fetch,
 * filter, produce with acks=all). Then `num.stream.threads` 1 vs 2 on a 6-partition input, and
 * 1, 2, 3 threads with an I/O-bound processor (where threads overlap the waits).
 * `run()` returns the numbers for a bench runner.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, Partitioners, type EachBatchPayload } from 'kafkajs';
import { Consumed } from '../src/dsl/consumed.js';
import { Produced } from '../src/dsl/produced.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import type { Processor } from '../src/processor/processor.js';
import type { ProcessorContext } from '../src/processor/processor-context.js';
import type { Record } from '../src/processor/record.js';
import { Serdes } from '../src/serde/serdes.js';
import { Topology } from '../src/topology/topology.js';

export interface FilterBenchResult {
  readonly records: number;
  /** Bare kafkajs loop, 3 partitions, records/s end to end (best of two rounds). */
  readonly bareRecordsPerSec: number;
  /** KafkaStreams filter topology, one instance, one thread, 3 partitions (best of two rounds). */
  readonly streamsRecordsPerSec: number;
  /** streams / bare. Goal: >= 0.8. */
  readonly ratio: number;
  /** The same runs per CPU second of this process (the broker's CPU not counted). */
  readonly bareRecordsPerCpuSec: number;
  readonly streamsRecordsPerCpuSec: number;
  /** KafkaStreams on a 6-partition input with 1 and with 2 stream threads. */
  readonly sixPartitionsOneThreadRecordsPerSec: number;
  readonly sixPartitionsTwoThreadsRecordsPerSec: number;
  readonly sixPartitionsOneThreadRecordsPerCpuSec: number;
  readonly sixPartitionsTwoThreadsRecordsPerCpuSec: number;
  /** An I/O-bound processor (awaits 5 ms per record), 6 partitions, with 1, 2 and 3 stream threads. */
  readonly ioBoundRecordsPerSecByThreads: readonly number[];
}

const VALUE_PAD = 'x'.repeat(80);

/** Half the values pass the filter (longer than 5 characters); values are ~90 bytes or 3. */
function inputRecords(topic: string, count: number): ProducerRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    topic,
    key: Buffer.from(`key-${i}`),
    value: Buffer.from(i % 2 === 0 ? `v${i}-${VALUE_PAD}` : `s${i % 100}`),
  }));
}

const keep = (value: string | null): boolean => value !== null && value.length > 5;

async function createAndFill(client: KafkaClient, admin: KafkaAdmin, topic: string, partitions: number, count: number): Promise<void> {
  await admin.createTopics([{ name: topic, partitions }]);
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const records = inputRecords(topic, count);
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < records.length; i += 10_000) inFlight.push(producer.send(records.slice(i, i + 10_000)));
  await Promise.all(inFlight);
  await producer.disconnect();
}

async function topicSize(admin: KafkaAdmin, topic: string): Promise<number> {
  try {
    return (await admin.listOffsets(topic)).reduce((n, o) => n + o.latest - o.earliest, 0);
  } catch {
    return 0; // a topic created a moment ago may not be known to every metadata request yet
  }
}

/** Input records per wall-clock second, and per CPU second of this process (less sensitive to a busy machine). */
interface Throughput {
  readonly perSec: number;
  readonly perCpuSec: number;
}

/** Starts `begin`, then polls the output until it has `expected` records. */
async function timeUntilOutput(admin: KafkaAdmin, output: string, expected: number, inputCount: number, begin: () => Promise<void>): Promise<Throughput> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await begin();
  const deadline = Date.now() + 300_000;
  while ((await topicSize(admin, output)) < expected) {
    if (Date.now() > deadline) throw new Error(`output ${output} incomplete after 300 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const used = process.cpuUsage(cpu);
  return {
    perSec: Math.round(inputCount / ((performance.now() - started) / 1000)),
    perCpuSec: Math.round(inputCount / ((used.user + used.system) / 1e6)),
  };
}

/** The bare loop: kafkajs consumer eachBatch → filter → idempotent producer send (awaited) → resolve offsets. */
async function bareLoop(bootstrap: string, admin: KafkaAdmin, input: string, output: string, count: number, tag: string): Promise<Throughput> {
  await admin.createTopics([{ name: output, partitions: (await admin.describeTopics([input])).get(input)?.partitions ?? 1 }]);
  const kafka = new Kafka({ brokers: bootstrap.split(','), clientId: `bench-bare-${tag}`, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-bare-${tag}` });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [input], fromBeginning: true });
  try {
    return await timeUntilOutput(admin, output, count / 2, count, async () => {
      await consumer.run({
        eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
          const messages = batch.messages
            .filter((m) => keep(m.value?.toString() ?? null))
            .map((m) => ({ key: m.key, value: m.value, timestamp: m.timestamp, headers: m.headers }));
          if (messages.length > 0) await producer.send({ topic: output, messages });
          resolveOffset(batch.lastOffset());
          await heartbeat();
        },
      });
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
}

async function streamsRun(bootstrap: string, admin: KafkaAdmin, input: string, output: string, count: number, tag: string, threads: number): Promise<Throughput> {
  await admin.createTopics([{ name: output, partitions: (await admin.describeTopics([input])).get(input)?.partitions ?? 1 }]);
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .filter((_key, value) => keep(value))
    .to(output, Produced.with(Serdes.String(), Serdes.String()));
  const streams = new KafkaStreams(builder.build(), {
    'application.id': `bench-streams-${tag}`,
    'bootstrap.servers': bootstrap,
    'num.stream.threads': threads,
  });
  try {
    return await timeUntilOutput(admin, output, count / 2, count, () => streams.start());
  } finally {
    await streams.close();
  }
}

/**
 * A processor that awaits I/O for every record (a 5 ms timer standing in for a call to another
 * service). Records of a task are processed one after another, and a thread runs its tasks one at
 * a time, so only more threads (or instances) overlap the waits.
 */
async function ioBoundRun(bootstrap: string, admin: KafkaAdmin, input: string, output: string, count: number, tag: string, threads: number): Promise<number> {
  await admin.createTopics([{ name: output, partitions: 6 }]);
  const topology = new Topology()
    .addSource('In', input, { keySerde: Serdes.ByteArray(), valueSerde: Serdes.ByteArray() })
    .addProcessor('CallService', () => new AwaitingForwarder(), 'In')
    .addSink('Out', output, { keySerde: Serdes.ByteArray(), valueSerde: Serdes.ByteArray() }, 'CallService');
  const streams = new KafkaStreams(topology, { 'application.id': `bench-io-${tag}-${threads}`, 'bootstrap.servers': bootstrap, 'num.stream.threads': threads });
  try {
    return (await timeUntilOutput(admin, output, count, count, () => streams.start())).perSec;
  } finally {
    await streams.close();
  }
}

/** The simulated I/O wait per record (ms). */
const IO_WAIT_MS = 5;

class AwaitingForwarder implements Processor<Buffer, Buffer, Buffer, Buffer> {
  #ctx!: ProcessorContext<Buffer, Buffer>;
  init(ctx: ProcessorContext<Buffer, Buffer>): void {
    this.#ctx = ctx;
  }
  async process(record: Record<Buffer, Buffer>): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, IO_WAIT_MS));
    this.#ctx.forward(record);
  }
}

export async function run(options: { bootstrapServers?: string; records?: number; log?: (line: string) => void } = {}): Promise<FilterBenchResult> {
  const bootstrap = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrap === undefined || bootstrap === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (e.g. `scripts/kafka-local start` prints it)');
  const records = options.records ?? 200_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-filter' });
  const admin = client.admin();
  await admin.connect();
  const run = `${Date.now().toString(36)}`;
  const input3 = `bench-filter-in3-${run}`;
  const input6 = `bench-filter-in6-${run}`;
  const created: string[] = [input3, input6];
  const out = (name: string): string => {
    const topic = `bench-filter-out-${name}-${run}`;
    created.push(topic);
    return topic;
  };
  try {
    log(`producing ${records} records into ${input3} (3 partitions) and ${input6} (6 partitions) ...`);
    await createAndFill(client, admin, input3, 3, records);
    await createAndFill(client, admin, input6, 6, records);

    // Alternate the contenders and keep each one's best of two, so neither profits from order.
    const best = (ts: Throughput[]): Throughput => ts.reduce((a, b) => (b.perSec > a.perSec ? b : a));
    const bare: Throughput[] = [];
    const streams: Throughput[] = [];
    const show = (t: Throughput): string => `${t.perSec} records/s (${t.perCpuSec} per CPU second)`;
    for (const round of [1, 2]) {
      bare.push(await bareLoop(bootstrap, admin, input3, out(`bare${round}`), records, `${run}-${round}`));
      log(`  bare kafkajs loop, round ${round}: ${show(bare.at(-1) as Throughput)}`);
      streams.push(await streamsRun(bootstrap, admin, input3, out(`streams${round}`), records, `${run}-${round}`, 1));
      log(`  KafkaStreams (1 thread), round ${round}: ${show(streams.at(-1) as Throughput)}`);
    }
    const ones: Throughput[] = [];
    const twos: Throughput[] = [];
    for (const round of [1, 2]) {
      ones.push(await streamsRun(bootstrap, admin, input6, out(`six1-${round}`), records, `${run}-six1-${round}`, 1));
      log(`  KafkaStreams, 6 partitions, 1 thread, round ${round}: ${show(ones.at(-1) as Throughput)}`);
      twos.push(await streamsRun(bootstrap, admin, input6, out(`six2-${round}`), records, `${run}-six2-${round}`, 2));
      log(`  KafkaStreams, 6 partitions, 2 threads, round ${round}: ${show(twos.at(-1) as Throughput)}`);
    }

    const ioInput = `bench-filter-io-${run}`;
    created.push(ioInput);
    const ioRecords = 3_000;
    await createAndFill(client, admin, ioInput, 6, ioRecords);
    const io: number[] = [];
    for (const threads of [1, 2, 3]) {
      io.push(await ioBoundRun(bootstrap, admin, ioInput, out(`io${threads}`), ioRecords, run, threads));
      log(`  I/O-bound processor (${IO_WAIT_MS} ms await per record), 6 partitions, ${threads} thread(s): ${io.at(-1)} records/s`);
    }

    const one = best(ones);
    const two = best(twos);
    const result: FilterBenchResult = {
      records,
      bareRecordsPerSec: best(bare).perSec,
      streamsRecordsPerSec: best(streams).perSec,
      ratio: best(streams).perSec / best(bare).perSec,
      bareRecordsPerCpuSec: best(bare).perCpuSec,
      streamsRecordsPerCpuSec: best(streams).perCpuSec,
      sixPartitionsOneThreadRecordsPerSec: one.perSec,
      sixPartitionsTwoThreadsRecordsPerSec: two.perSec,
      sixPartitionsOneThreadRecordsPerCpuSec: one.perCpuSec,
      sixPartitionsTwoThreadsRecordsPerCpuSec: two.perCpuSec,
      ioBoundRecordsPerSecByThreads: io,
    };
    log(`filter, ${records} records, end to end on the real broker (load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores):`);
    log(`  bare kafkajs loop      ${show(best(bare))}`);
    log(`  KafkaStreams           ${show(best(streams))}  -> ${(result.ratio * 100).toFixed(0)}% of bare (goal >= 80%)`);
    log(`  num.stream.threads=1   ${show(one)}, 6 partitions`);
    log(`  num.stream.threads=2   ${show(two)}, 6 partitions: x${(two.perSec / one.perSec).toFixed(2)}`);
    log(`  I/O-bound processor    ${io.map((n, i) => `${i + 1} thread(s) ${n}/s`).join(', ')}`);
    return result;
  } finally {
    // All at the end: the kafkajs adapter's admin cannot list offsets any more once a topic it
    // listed was deleted (its metadata cluster keeps asking for the deleted topic).
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  await run({ records });
}
