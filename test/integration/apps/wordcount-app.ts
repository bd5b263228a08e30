/**
 * A word-count application as its own process, for the state crash-recovery integration test
 * (started with `node --import tsx`, stopped by PID). Input values are words; they are regrouped
 * by word (through the repartition topic `<APP_ID>-words-repartition`) and counted into the store `counts`, whose updates go to
 * OUTPUT_TOPIC. Config from the environment:
 *   KAFKA_BOOTSTRAP_SERVERS, APP_ID, INPUT_TOPIC, OUTPUT_TOPIC, APP_SERVER (host:port), STATE_DIR,
 *   SESSION_TIMEOUT_MS, COMMIT_INTERVAL_MS, PROCESSING_GUARANTEE (default at_least_once).
 * Reports on stdout, one JSON object per line with an `event` field (pino's own lines have none):
 *   { event: 'state', state }, { event: 'progress', input, counted } every 100 ms (records seen
 *   before and after the repartition topic), { event: 'counts', counts } on SIGUSR2 (every entry
 *   of the local `counts` store, read through the interactive-query API), { event: 'exit', code }.
 * SIGTERM closes the application (commit, checkpoint, leave the group) and exits 0.
 */
import { Consumed } from '../../../src/dsl/consumed.js';
import { Grouped } from '../../../src/dsl/grouped.js';
import { Materialized } from '../../../src/dsl/materialized.js';
import { Produced } from '../../../src/dsl/produced.js';
import { Repartitioned } from '../../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../../src/dsl/streams-builder.js';
import { QueryableStoreTypes } from '../../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../../src/query/store-query-parameters.js';
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

export const COUNTS_STORE = 'counts';

let input = 0;
let counted = 0;
const builder = new StreamsBuilder();
builder.stream(env('INPUT_TOPIC'), Consumed.with(Serdes.String(), Serdes.String()))
  .peek(() => void input++)
  // groupBy(word) spelled out, so the records counted after the repartition topic can be seen too.
  .selectKey((_key, word) => word ?? '')
  .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName('words'))
  .peek(() => void counted++)
  .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
  .count(Materialized.as<string, number>(COUNTS_STORE).withValueSerde(Serdes.Long()))
  .toStream()
  .to(env('OUTPUT_TOPIC'), Produced.with(Serdes.String(), Serdes.Long()));

const streams = new KafkaStreams(builder.build(), {
  'application.id': env('APP_ID'),
  'bootstrap.servers': env('KAFKA_BOOTSTRAP_SERVERS'),
  'application.server': env('APP_SERVER'),
  'state.dir': env('STATE_DIR'),
  'session.timeout.ms': Number(env('SESSION_TIMEOUT_MS', '10000')),
  'heartbeat.interval.ms': 1_000,
  'commit.interval.ms': Number(env('COMMIT_INTERVAL_MS', '1000')),
  'processing.guarantee': env('PROCESSING_GUARANTEE', 'at_least_once') as 'at_least_once' | 'exactly_once_v2',
});
streams.setStateListener((state) => report({ event: 'state', state }));

const progress = setInterval(() => report({ event: 'progress', input, counted }), 100);

process.on('SIGUSR2', () => {
  void (async () => {
    const counts: Record<string, number> = {};
    try {
      const store = streams.store(StoreQueryParameters.fromNameAndType(COUNTS_STORE, QueryableStoreTypes.keyValueStore<string, number>()));
      for await (const { key, value } of store.all()) counts[key] = value;
      report({ event: 'counts', counts });
    } catch (e) {
      report({ event: 'counts-error', message: String(e) });
    }
  })();
});

process.on('SIGTERM', () => {
  clearInterval(progress);
  void streams.close({ timeoutMs: 30_000 }).then((clean) => {
    report({ event: 'exit', code: clean ? 0 : 1 });
    process.exit(clean ? 0 : 1);
  });
});

streams.start().catch((e: unknown) => {
  report({ event: 'error', message: String(e) });
  process.exit(2);
});
