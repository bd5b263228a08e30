/**
 * `npm start`: the seed topologies with generated data.
 *
 * On the embedded (in-process) Kafka backend by default; with KAFKA_BOOTSTRAP_SERVERS set, on
 * that real cluster (topics are created when missing). Runs the filter example and the
 * Processor API example, feeds `stream_log` with generated log lines, and prints what comes out
 * every few seconds. Ctrl-C closes everything cleanly (commits, leaves the group).
 */
import { createKafkaClient } from '../../src/kafka/index.js';
import type { ConsumedRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/index.js';
import * as filter from '../../examples/filter.js';
import * as processor from '../../examples/processor.js';
import { startLogGenerator } from './generator.js';

const bootstrapServers = process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? 'embedded://demo';
const ratePerSecond = Number(process.env['DEMO_RATE'] ?? 50);
const runForMs = process.env['DEMO_RUN_MS'] !== undefined ? Number(process.env['DEMO_RUN_MS']) : undefined;

async function main(): Promise<void> {
  const client = createKafkaClient({ bootstrapServers, clientId: 'kstreams-demo' });
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics([
    { name: filter.INPUT_TOPIC, partitions: 3 },
    { name: filter.OUTPUT_TOPIC, partitions: 3 },
    { name: processor.ERROR_TOPIC, partitions: 3 },
    { name: processor.OTHER_TOPIC, partitions: 3 },
    { name: processor.SUMMARY_TOPIC, partitions: 1 },
  ]);

  const apps: KafkaStreams[] = [
    new KafkaStreams(filter.buildTopology(), filter.exampleConfig({ 'bootstrap.servers': bootstrapServers, 'commit.interval.ms': 1000 })),
    new KafkaStreams(processor.buildTopology({ summaryIntervalMs: 2_000 }), processor.exampleConfig({ 'bootstrap.servers': bootstrapServers, 'commit.interval.ms': 1000 })),
  ];
  await Promise.all(apps.map((app) => app.start()));

  const producer = client.producer({ idempotent: true });
  await producer.connect();
  const generator = startLogGenerator(producer, filter.INPUT_TOPIC, ratePerSecond);

  // Watch the outputs with a group-less reader from the start of each partition.
  const reader = client.reader({ clientId: 'kstreams-demo-watch' });
  await reader.assign([filter.OUTPUT_TOPIC, processor.ERROR_TOPIC, processor.SUMMARY_TOPIC].flatMap((topic) =>
    [0, 1, 2].filter((p) => topic !== processor.SUMMARY_TOPIC || p === 0).map((partition) => ({ topic, partition, offset: 0 }))));
  const seen = new Map<string, number>();
  const last = new Map<string, ConsumedRecord>();
  let stopping = false;
  const watch = (async () => {
    while (!stopping) {
      for (const r of await reader.poll(500)) {
        seen.set(r.topic, (seen.get(r.topic) ?? 0) + 1);
        last.set(r.topic, r);
      }
    }
  })();

  console.log(`kstreams demo on ${bootstrapServers}: ${ratePerSecond} log lines/s into '${filter.INPUT_TOPIC}'.`);
  console.log(`  filter    : ${filter.INPUT_TOPIC} -> ${filter.OUTPUT_TOPIC} (lines longer than 5 characters)`);
  console.log(`  processor : ${filter.INPUT_TOPIC} -> ${processor.ERROR_TOPIC} | ${processor.OTHER_TOPIC}, summaries to ${processor.SUMMARY_TOPIC}`);
  console.log('Ctrl-C to stop.\n');
  const show = (r: ConsumedRecord | undefined): string => (r ? `${r.key?.toString() ?? 'null'} -> ${r.value?.toString() ?? 'null'}` : '-');
  const report = setInterval(() => {
    console.log(`produced ${generator.produced()} | ${filter.OUTPUT_TOPIC}: ${seen.get(filter.OUTPUT_TOPIC) ?? 0} (last ${show(last.get(filter.OUTPUT_TOPIC))})`
      + ` | ${processor.ERROR_TOPIC}: ${seen.get(processor.ERROR_TOPIC) ?? 0} | summary: ${show(last.get(processor.SUMMARY_TOPIC))}`);
  }, 3_000);

  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    console.log('\nStopping: committing and closing...');
    await generator.stop();
    await watch;
    await Promise.all(apps.map((app) => app.close({ timeoutMs: 20_000 })));
    await reader.close();
    await producer.disconnect();
    await admin.disconnect();
    console.log(`Stopped cleanly after producing ${generator.produced()} lines.`);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  if (runForMs !== undefined) setTimeout(() => void shutdown(), runForMs);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
