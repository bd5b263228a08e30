/**
 * The seed's filter application: keep the log lines longer than 5 characters.
 *
 *   stream_log  --filter(value.length > 5)-->  stream_log_filter
 *
 * Run it against a broker (the topics must exist; `scripts/kafka-local start` gives a local one):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx examples/filter.ts
 *
 * Run several copies with the same `application.id` and they share the input partitions; stop
 * one with Ctrl-C (it commits and leaves the group) and the others take its partitions over.
 */
import { KafkaStreams, StreamsBuilder, type StreamsConfigInput, type Topology } from '../src/index.js';
import { runAsScript, startStreams, stringExampleConfig } from './lib/example-app.js';

export const INPUT_TOPIC = 'stream_log';
export const OUTPUT_TOPIC = 'stream_log_filter';

/** The filter topology: source `stream_log` → filter → sink `stream_log_filter`. */
export function buildTopology(): Topology {
  const builder = new StreamsBuilder();
  builder.stream<string | null, string | null>(INPUT_TOPIC)
    // A tombstone (null value) has no text, so it is not longer than 5 characters.
    .filter((_key, value) => value !== null && value.length > 5)
    .to(OUTPUT_TOPIC);
  return builder.build();
}

/** The config this example runs with: string keys and values; broker from `KAFKA_BOOTSTRAP_SERVERS`. */
export function exampleConfig(overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return stringExampleConfig('stream-log-filter', overrides);
}

/** Starts the application; resolves once it is RUNNING. Close the returned client to stop it. */
export async function startExample(config: StreamsConfigInput = exampleConfig(), topology: Topology = buildTopology()): Promise<KafkaStreams> {
  return startStreams(topology, config);
}

runAsScript(import.meta.url, `Filtering ${INPUT_TOPIC} into ${OUTPUT_TOPIC}`, (topology) => startExample(exampleConfig(), topology), () => buildTopology());
