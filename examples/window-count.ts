/**
 * The seed's windowed count: how many log lines each key wrote in every 5-second window.
 *
 *   test_log --groupByKey--> windowedBy(5 s tumbling) --count--> store counts-5s
 *                                                           \--> "<key> is [<start>~<end>] count : <n>"
 *
 * Windows are epoch-aligned `[start, end)` on the records' timestamps; each update of a window's
 * count is printed (once per commit per window, thanks to the record cache) and kept in the
 * window store `counts-5s`, which interactive queries read (`QueryableStoreTypes.windowStore()`).
 *
 * Run it against a broker (the topic must exist; `scripts/kafka-local start` gives a local one):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx examples/window-count.ts
 */
import {
  KafkaStreams, Materialized, StreamsBuilder, TimeWindows,
  type StreamsConfigInput, type Topology, type Windowed,
} from '../src/index.js';
import { runAsScript, startStreams, stringExampleConfig } from './lib/example-app.js';

export const INPUT_TOPIC = 'test_log';
export const STORE_NAME = 'counts-5s';
export const WINDOW_SIZE_MS = 5_000;
/**
 * How long the store keeps windows. Kafka Streams' default since 3.0 is size + grace (here 5 s),
 * which keeps only the latest window queryable; a dashboard wants history, so a day, the default
 * Kafka Streams had before.
 */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** The printed line of one window's count: `<key> is [<start>~<end>] count : <n>` (epoch ms). */
export function formatWindowCount(windowed: Windowed<string>, count: number): string {
  return `${windowed.key()} is [${windowed.window().start()}~${windowed.window().end()}] count : ${count}`;
}

/**
 * The windowed count topology: `test_log` (or `inputTopic`) grouped by key, 5-second tumbling
 * windows, counted into the store `counts-5s`; every update is printed with `print`.
 */
export function buildTopology(print: (line: string) => void = console.log, inputTopic: string = INPUT_TOPIC): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string, string>(inputTopic)
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW_SIZE_MS))
    .count(Materialized.as<string, number>(STORE_NAME).withRetention(RETENTION_MS))
    .toStream()
    .foreach((windowed, count) => print(formatWindowCount(windowed, count)));
  return builder.build();
}

/** The config this example runs with: string keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS`. */
export function exampleConfig(overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return stringExampleConfig('test-log-window-count', overrides);
}

/** Starts the application; resolves once it is RUNNING. Close the returned client to stop it. */
export async function startExample(config: StreamsConfigInput = exampleConfig(), topology: Topology = buildTopology()): Promise<KafkaStreams> {
  return startStreams(topology, config);
}

runAsScript(import.meta.url, `Counting ${INPUT_TOPIC} per key in ${WINDOW_SIZE_MS / 1000}-second windows into ${STORE_NAME}`, (topology) => startExample(exampleConfig(), topology), () => buildTopology());
