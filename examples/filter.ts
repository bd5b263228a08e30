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
import { pathToFileURL } from 'node:url';
import { KafkaStreams, Serdes, StreamsBuilder, StreamsConfig, type StreamsConfigInput, type Topology } from '../src/index.js';

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
  return {
    [StreamsConfig.APPLICATION_ID_CONFIG]: 'stream-log-filter',
    [StreamsConfig.BOOTSTRAP_SERVERS_CONFIG]: process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092',
    [StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG]: Serdes.String(),
    [StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG]: Serdes.String(),
    ...overrides,
  };
}

/** Starts the application; resolves once it is RUNNING. Close the returned client to stop it. */
export async function startExample(config: StreamsConfigInput = exampleConfig(), topology: Topology = buildTopology()): Promise<KafkaStreams> {
  const streams = new KafkaStreams(topology, config);
  try {
    await streams.start();
  } catch (e) {
    await streams.close();
    throw e;
  }
  return streams;
}

async function main(): Promise<void> {
  const topology = buildTopology();
  console.log(topology.describe().toString());
  const streams = await startExample(exampleConfig(), topology);
  console.log(`Filtering ${INPUT_TOPIC} into ${OUTPUT_TOPIC}; Ctrl-C to stop.`);
  const stop = (): void => {
    void streams.close({ timeoutMs: 30_000 }).then((clean) => process.exit(clean ? 0 : 1));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
