/**
 * The queryable address table as its own process, for the query integration tests (started with
 * `node --import tsx`, stopped by PID). Config from the environment:
 *   KAFKA_BOOTSTRAP_SERVERS, APP_ID, INPUT_TOPIC, QUERY_PORT, STATE_DIR, SESSION_TIMEOUT_MS.
 * Serves GraphQL on 127.0.0.1:QUERY_PORT (its application.server). Reports on stdout, one JSON
 * object per line: { event: 'state', state }, { event: 'hosts', count }, { event: 'exit', code }.
 */
import { startQueryServer } from '../../../graphql/server.js';
import { Materialized } from '../../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../../src/runtime/kafka-streams.js';
import { Serdes } from '../../../src/serde/serdes.js';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} must be set`);
  return v;
};
const report = (event: object): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const port = Number(env('QUERY_PORT'));
const builder = new StreamsBuilder();
builder.table<string, string>(env('INPUT_TOPIC'), Materialized.as<string, string>('address'));
const streams = new KafkaStreams(builder.build(), {
  'application.id': env('APP_ID'),
  'bootstrap.servers': env('KAFKA_BOOTSTRAP_SERVERS'),
  'application.server': `127.0.0.1:${port}`,
  'default.key.serde': Serdes.String(),
  'default.value.serde': Serdes.String(),
  'state.dir': env('STATE_DIR'),
  'session.timeout.ms': Number(env('SESSION_TIMEOUT_MS', '10000')),
  'heartbeat.interval.ms': 1_000,
  'commit.interval.ms': 500,
});
streams.setStateListener((state) => report({ event: 'state', state }));
let hosts = -1;
const watcher = setInterval(() => {
  const count = streams.metadataForAllStreamsClients().length;
  if (count !== hosts) report({ event: 'hosts', count: (hosts = count) });
}, 100);
const server = await startQueryServer(streams, { port, host: '127.0.0.1' });
await streams.start();

process.once('SIGTERM', () => {
  clearInterval(watcher);
  void server.close().then(() => streams.close({ timeoutMs: 30_000 })).then((clean) => {
    report({ event: 'exit', code: clean ? 0 : 1 });
    process.exit(clean ? 0 : 1);
  });
});
