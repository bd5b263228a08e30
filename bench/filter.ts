/**
 * Filter topology throughput on the real broker (not a test), beside a bare kafkajs
 * consume → filter → produce loop over the same pre-produced records, in the same run:
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/filter.ts [records]
 *
 * Each contender starts from nothing (new consumer group, new output topic) and is timed from
 * its start until the output topic holds every expected record (end to end: join, fetch,
 * filter, produce with acks=all). Then `num.stream.threads` 1 vs 2 on a 6-partition input.
 * `run()` returns the numbers for a bench runner.
 */
import { pathToFileURL } from 'node:url';
import { Kafka, logLevel, Partitioners, type EachBatchPayload } from 'kafkajs';
import { Consumed } from '../src/dsl/consumed.js';
import { Produced } from '../src/dsl/produced.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { Serdes } from '../src/serde/serdes.js';

export interface FilterBenchResult {
  readonly records: number;
  /** Bare kafkajs loop, 3 partitions, records/s end to end. */
  readonly bareRecordsPerSec: number;
  /** KafkaStreams filter topology, one instance, one thread, 3 partitions. */
  readonly streamsRecordsPerSec: number;
  /** streams / bare. Goal: >= 0.8. */
  readonly ratio: number;
  /** KafkaStreams on a 6-partition input with 1 and with 2 stream threads. */
  readonly sixPartitionsOneThreadRecordsPerSec: number;
  readonly sixPartitionsTwoThreadsRecordsPerSec: number;
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
  return (await admin.listOffsets(topic)).reduce((n, o) => n + o.latest - o.earliest, 0);
}

/** Starts `begin`, then polls the output until it has `expected` records; returns records/s of input. */
async function timeUntilOutput(admin: KafkaAdmin, output: string, expected: number, inputCount: number, begin: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await begin();
  const deadline = Date.now() + 300_000;
  while ((await topicSize(admin, output)) < expected) {
    if (Date.now() > deadline) throw new Error(`output ${output} incomplete after 300 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Math.round(inputCount / ((performance.now() - started) / 1000));
}

/** The bare loop: kafkajs consumer eachBatch → filter → idempotent producer send (awaited) → resolve offsets. */
async function bareLoop(bootstrap: string, admin: KafkaAdmin, input: string, output: string, count: number, tag: string): Promise<number> {
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

async function streamsRun(bootstrap: string, admin: KafkaAdmin, input: string, output: string, count: number, tag: string, threads: number): Promise<number> {
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
    const bare: number[] = [];
    const streams: number[] = [];
    for (const round of [1, 2]) {
      bare.push(await bareLoop(bootstrap, admin, input3, out(`bare${round}`), records, `${run}-${round}`));
      log(`  bare kafkajs loop, round ${round}: ${bare.at(-1)} records/s`);
      streams.push(await streamsRun(bootstrap, admin, input3, out(`streams${round}`), records, `${run}-${round}`, 1));
      log(`  KafkaStreams (1 thread), round ${round}: ${streams.at(-1)} records/s`);
    }
    const one = await streamsRun(bootstrap, admin, input6, out('six1'), records, `${run}-six1`, 1);
    log(`  KafkaStreams, 6 partitions, 1 thread: ${one} records/s`);
    const two = await streamsRun(bootstrap, admin, input6, out('six2'), records, `${run}-six2`, 2);
    log(`  KafkaStreams, 6 partitions, 2 threads: ${two} records/s`);

    const result: FilterBenchResult = {
      records,
      bareRecordsPerSec: Math.max(...bare),
      streamsRecordsPerSec: Math.max(...streams),
      ratio: Math.max(...streams) / Math.max(...bare),
      sixPartitionsOneThreadRecordsPerSec: one,
      sixPartitionsTwoThreadsRecordsPerSec: two,
    };
    log(`filter, ${records} records, end to end on the real broker:`);
    log(`  bare kafkajs loop      ${result.bareRecordsPerSec} records/s`);
    log(`  KafkaStreams           ${result.streamsRecordsPerSec} records/s  (${(result.ratio * 100).toFixed(0)}% of bare; goal >= 80%)`);
    log(`  num.stream.threads=1   ${one} records/s (6 partitions)`);
    log(`  num.stream.threads=2   ${two} records/s (6 partitions, x${(two / one).toFixed(2)})`);
    return result;
  } finally {
    await admin.deleteTopics(created).catch(() => undefined);
    await admin.disconnect();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  await run({ records });
}
