/**
 * The filter application as its own process, for the runtime's integration tests (started with
 * `node --import tsx`, stopped by PID). Config from the environment:
 *   KAFKA_BOOTSTRAP_SERVERS, APP_ID, INPUT_TOPIC, OUTPUT_TOPIC, APP_SERVER (host:port),
 *   SESSION_TIMEOUT_MS, COMMIT_INTERVAL_MS, NUM_STREAM_THREADS.
 * Reports on stdout, one JSON object per line with an `event` field (pino's own lines have none):
 *   { event: 'state', state }, { event: 'partitions', partitions: ['topic-p', ...] }, { event: 'exit', code }.
 * SIGTERM closes the application (commit, leave the group) and exits 0.
 */
import { KafkaStreams } from '../../../src/runtime/kafka-streams.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { Consumed } from '../../../src/dsl/consumed.js';
import { Produced } from '../../../src/dsl/produced.js';
import { Serdes } from '../../../src/serde/serdes.js';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
};
const report = (event: object): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const input = env('INPUT_TOPIC');
const output = env('OUTPUT_TOPIC');
const server = env('APP_SERVER');

// The seed's filter: keep values longer than 5 characters.
const builder = new StreamsBuilder();
builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
  .filter((_key, value) => value !== null && value.length > 5)
  .to(output, Produced.with(Serdes.String(), Serdes.String()));

const streams = new KafkaStreams(builder.build(), {
  'application.id': env('APP_ID'),
  'bootstrap.servers': env('KAFKA_BOOTSTRAP_SERVERS'),
  'application.server': server,
  'session.timeout.ms': Number(env('SESSION_TIMEOUT_MS', '10000')),
  'heartbeat.interval.ms': 1_000,
  'commit.interval.ms': Number(env('COMMIT_INTERVAL_MS', '1000')),
  'num.stream.threads': Number(env('NUM_STREAM_THREADS', '1')),
});
streams.setStateListener((state) => report({ event: 'state', state }));

let lastPartitions = '';
const watcher = setInterval(() => {
  const mine = streams.metadataForAllStreamsClients().find((m) => m.endpoint === server);
  const partitions = (mine?.topicPartitions ?? []).map((tp) => `${tp.topic}-${tp.partition}`).sort();
  if (partitions.join(',') !== lastPartitions) {
    lastPartitions = partitions.join(',');
    report({ event: 'partitions', partitions });
  }
}, 50);

process.on('SIGTERM', () => {
  clearInterval(watcher);
  void streams.close({ timeoutMs: 30_000 }).then((clean) => {
    report({ event: 'exit', code: clean ? 0 : 1 });
    process.exit(clean ? 0 : 1);
  });
});

streams.start().catch((e: unknown) => {
  report({ event: 'error', message: String(e) });
  process.exit(2);
});
