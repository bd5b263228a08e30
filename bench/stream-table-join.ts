/**
 * Stream-table join throughput on the real broker (not a test), beside the filter topology over
 * the same pre-produced orders, in the same run:
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx bench/stream-table-join.ts [records]
 *
 * `orders` (3 partitions, keyed by customer) is joined with the table `addresses` (3 partitions,
 * one address per customer, produced first) with a left join (one output per order). Each contender is
 * one KafkaStreams instance with one thread, timed from start() until its output topic holds
 * every expected record (end to end). `run()` returns the numbers for the bench runner.
 */
import { cpus, loadavg } from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Consumed } from '../src/dsl/consumed.js';
import { Materialized } from '../src/dsl/materialized.js';
import { Produced } from '../src/dsl/produced.js';
import { StreamsBuilder } from '../src/dsl/streams-builder.js';
import { createKafkaClient } from '../src/kafka/index.js';
import type { KafkaAdmin, KafkaClient, ProducerRecord } from '../src/kafka/port.js';
import { KafkaStreams } from '../src/runtime/kafka-streams.js';
import { Serdes } from '../src/serde/serdes.js';
import type { Topology } from '../src/topology/topology.js';

export interface StreamTableJoinBenchResult {
  readonly records: number;
  readonly customers: number;
  /** The seed's filter (values longer than 5 characters) over the orders, records/s end to end. */
  readonly filterRecordsPerSec: number;
  /** orders joined with the addresses table, records/s end to end. */
  readonly joinRecordsPerSec: number;
  /** join / filter. Goal: >= 0.6. */
  readonly ratio: number;
  readonly loadAverage: readonly number[];
  readonly cores: number;
}

const PAD = 'x'.repeat(60);

async function produce(client: KafkaClient, records: ProducerRecord[]): Promise<void> {
  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < records.length; i += 10_000) inFlight.push(producer.send(records.slice(i, i + 10_000)));
  await Promise.all(inFlight);
  await producer.disconnect();
}

async function topicSize(admin: KafkaAdmin, topic: string): Promise<number> {
  try {
    return (await admin.listOffsets(topic)).reduce((n, o) => n + o.latest - o.earliest, 0);
  } catch {
    return 0; // not known to every metadata request yet
  }
}

/** Input records per second from start() until `output` holds `expected` records. */
async function timed(admin: KafkaAdmin, topology: Topology, appId: string, bootstrap: string, stateDir: string, output: string, expected: number, inputCount: number): Promise<number> {
  await admin.createTopics([{ name: output, partitions: 3 }]);
  const streams = new KafkaStreams(topology, {
    'application.id': appId,
    'bootstrap.servers': bootstrap,
    'state.dir': stateDir,
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
  });
  const started = performance.now();
  try {
    await streams.start();
    const deadline = Date.now() + 300_000;
    while ((await topicSize(admin, output)) < expected) {
      if (Date.now() > deadline) throw new Error(`output ${output} incomplete after 300 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return Math.round(inputCount / ((performance.now() - started) / 1000));
  } finally {
    await streams.close();
  }
}

export async function run(options: { bootstrapServers?: string; records?: number; log?: (line: string) => void } = {}): Promise<StreamTableJoinBenchResult> {
  const bootstrap = options.bootstrapServers ?? process.env['KAFKA_BOOTSTRAP_SERVERS'];
  if (bootstrap === undefined || bootstrap === '') throw new Error('Set KAFKA_BOOTSTRAP_SERVERS (e.g. `scripts/kafka-local start` prints it)');
  const records = options.records ?? 200_000;
  const customers = 10_000;
  const log = options.log ?? ((line: string) => console.log(line));
  const client = createKafkaClient({ bootstrapServers: bootstrap, clientId: 'bench-stream-table-join' });
  const admin = client.admin();
  await admin.connect();
  const tag = Date.now().toString(36);
  const orders = `bench-stj-orders-${tag}`;
  const addresses = `bench-stj-addresses-${tag}`;
  const filterOut = `bench-stj-filter-out-${tag}`;
  const joinOut = `bench-stj-join-out-${tag}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'bench-stj-'));
  try {
    await admin.createTopics([{ name: orders, partitions: 3 }, { name: addresses, partitions: 3 }]);
    log(`producing ${customers} addresses, then ${records} orders (3 partitions each) ...`);
    await produce(client, Array.from({ length: customers }, (_, c) => ({ topic: addresses, key: Buffer.from(`customer-${c}`), value: Buffer.from(`street ${c}`) })));
    await produce(client, Array.from({ length: records }, (_, i) => ({
      topic: orders,
      key: Buffer.from(`customer-${i % customers}`),
      value: Buffer.from(i % 2 === 0 ? `order-${i}-${PAD}` : `o${i % 100}`),
    })));

    const filter = new StreamsBuilder();
    filter.stream(orders, Consumed.with(Serdes.String(), Serdes.String()))
      .filter((_k, v) => v !== null && v.length > 5)
      .to(filterOut, Produced.with(Serdes.String(), Serdes.String()));
    const filterRate = await timed(admin, filter.build(), `bench-stj-filter-${tag}`, bootstrap, stateDir, filterOut, records / 2, records);
    log(`filter: ${filterRate} records/s`);

    const joinBuilder = new StreamsBuilder();
    const table = joinBuilder.table<string, string>(addresses, Materialized.as<string, string>('addresses'));
    // leftJoin: an order read before its address (the table's partitions are fetched alongside) still
    // gives one output record, so the run ends at exactly `records` outputs; the lookup is the same.
    joinBuilder.stream<string, string>(orders).leftJoin(table, (o, a) => `${o} send to ${a ?? 'nowhere'}`).to(joinOut);
    const joinRate = await timed(admin, joinBuilder.build(), `bench-stj-join-${tag}`, bootstrap, stateDir, joinOut, records, records);
    log(`stream-table join: ${joinRate} records/s (${((100 * joinRate) / filterRate).toFixed(0)}% of the filter; goal >= 60%)`);
    return { records, customers, filterRecordsPerSec: filterRate, joinRecordsPerSec: joinRate, ratio: Number((joinRate / filterRate).toFixed(3)), loadAverage: loadavg(), cores: cpus().length };
  } finally {
    const internal = (await admin.listTopics().catch(() => [] as string[])).filter((t) => t.includes(tag));
    await admin.deleteTopics(internal).catch(() => undefined);
    await admin.disconnect();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  run({ records }).then((r) => console.log(JSON.stringify(r)), (e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
