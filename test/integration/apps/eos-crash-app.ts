/**
 * The crash test's application as its own process (test/integration/crash/, scripts/crash-test.ts;
 * started with `node --import tsx`, killed or stopped by PID). Three branches over one input:
 *
 *   input --mapValues(tag writer)------------------------------------------> MAPPED_TOPIC
 *         --groupBy(group of key) [repartition 'by-group']--sum(amount)----> store 'sums', SUMS_TOPIC
 *         --groupByKey--10 s tumbling windows--count-----------------------> store 'window-counts', WINDOWS_TOPIC
 *
 * Config from the environment: KAFKA_BOOTSTRAP_SERVERS, APP_ID, INPUT_TOPIC, MAPPED_TOPIC,
 * SUMS_TOPIC, WINDOWS_TOPIC, APP_SERVER (host:port, where it serves GraphQL), STATE_DIR,
 * GUARANTEE, INSTANCE (a name), SESSION_TIMEOUT_MS, COMMIT_INTERVAL_MS (optional: the
 * guarantee's default).
 *
 * Each mapped record is tagged `@<INSTANCE>`, or `@<INSTANCE>~zombie` when processed after a
 * SIGCONT and before this instance noticed any rebalance (its state changed): the zombie fencing
 * test pauses an instance with SIGSTOP until its partitions moved, and checks that no such
 * record reaches a read_committed reader.
 *
 * Reports on stdout, one JSON object per line with an `event` field: { event: 'state', state },
 * { event: 'progress', processed, zombie } every 200 ms, { event: 'partitions', partitions }
 * (its active input partitions, when they change), { event: 'exit', code }.
 * SIGTERM closes the application (commit, leave the group) and exits 0.
 */
import { startQueryServer } from '../../../graphql/server.js';
import { Consumed, Grouped, KafkaStreams, Materialized, Produced, Serdes, StreamsBuilder, TimeWindows, type ProcessingGuarantee, type Windowed } from '../../../src/index.js';
import { groupOf, parseValue, WINDOW_SIZE_MS, windowKey } from '../crash/input-model.js';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
};
const report = (event: object): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const instance = env('INSTANCE');
const inputTopic = env('INPUT_TOPIC');
const [host, port] = env('APP_SERVER').split(':');
let processed = 0;
let zombie = false;
let zombieProcessed = 0;

process.on('SIGCONT', () => {
  zombie = true;
});

const builder = new StreamsBuilder();
const input = builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.String()));
input
  .mapValues((value) => {
    processed++;
    if (zombie) zombieProcessed++;
    return `${value ?? ''}@${zombie ? `${instance}~zombie` : instance}`;
  })
  .to(env('MAPPED_TOPIC'), Produced.with(Serdes.String(), Serdes.String()));
input
  .groupBy((key) => groupOf(key ?? ''), Grouped.with(Serdes.String(), Serdes.String()).withName('by-group'))
  .aggregate<number>(() => 0, (_group, value, sum) => sum + parseValue(value ?? '').amount, Materialized.as<string, number>('sums').withValueSerde(Serdes.Long()))
  .toStream()
  .to(env('SUMS_TOPIC'), Produced.with(Serdes.String(), Serdes.Long()));
input
  .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
  // A day of grace: no record of the known input is ever late, whatever order a restart replays in.
  .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW_SIZE_MS, 24 * 60 * 60 * 1000))
  .count(Materialized.as<string, number>('window-counts').withRetention(2 * 24 * 60 * 60 * 1000))
  .toStream((windowed: Windowed<string>) => windowKey(windowed.key(), windowed.window().start()))
  .to(env('WINDOWS_TOPIC'), Produced.with(Serdes.String(), Serdes.Long()));

const commitInterval = process.env['COMMIT_INTERVAL_MS'];
const streams = new KafkaStreams(builder.build(), {
  'application.id': env('APP_ID'),
  'bootstrap.servers': env('KAFKA_BOOTSTRAP_SERVERS'),
  'application.server': env('APP_SERVER'),
  'state.dir': env('STATE_DIR'),
  'processing.guarantee': env('GUARANTEE') as ProcessingGuarantee,
  'session.timeout.ms': Number(env('SESSION_TIMEOUT_MS', '6000')),
  'heartbeat.interval.ms': 1_000,
  ...(commitInterval === undefined ? {} : { 'commit.interval.ms': Number(commitInterval) }),
});
streams.setStateListener((state) => {
  // Any state change after a SIGCONT means this instance noticed the group moved on.
  zombie = false;
  report({ event: 'state', state });
});

let partitions = '';
const progress = setInterval(() => {
  report({ event: 'progress', processed, zombie: zombieProcessed });
  const mine = streams.metadataForAllStreamsClients().find((m) => m.endpoint === env('APP_SERVER'));
  const now = (mine?.topicPartitions ?? []).filter((tp) => tp.topic === inputTopic).map((tp) => tp.partition).sort((a, b) => a - b);
  if (now.join(',') !== partitions) {
    partitions = now.join(',');
    report({ event: 'partitions', partitions: now });
  }
}, 200);

const server = await startQueryServer(streams, { port: Number(port), host });

process.on('SIGTERM', () => {
  clearInterval(progress);
  void server.close().then(() => streams.close({ timeoutMs: 30_000 })).then((clean) => {
    report({ event: 'exit', code: clean ? 0 : 1 });
    process.exit(clean ? 0 : 1);
  });
});

streams.start().catch((e: unknown) => {
  report({ event: 'error', message: String(e) });
  process.exit(2);
});
