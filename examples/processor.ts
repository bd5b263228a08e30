/**
 * A Processor API application: route each log line to a topic chosen by its content, and emit a
 * summary of what went where every interval, on the wall clock.
 *
 *                                 ┌─> routed-sink  (log_error | log_other, chosen per record)
 *   stream_log ─> log-router ─────┤
 *                                 └─> summary-sink (log_summary, every interval)
 *
 * Lines that contain the word "error" (any case) go to `log_error`, all others to `log_other`.
 * Every `summaryIntervalMs` of wall-clock time, each task (one per input partition) writes to
 * `log_summary` the counts since its previous summary, keyed by its task id, e.g.
 * `0_2 → {"error":3,"other":17}`, with the punctuation time as timestamp. The summary comes
 * even when nothing arrived (`{"error":0,"other":0}`), so a quiet partition is visible too.
 *
 * Run it against a broker (the four topics must exist):
 *
 *   KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:19092 npx tsx examples/processor.ts
 */
import { pathToFileURL } from 'node:url';
import {
  KafkaStreams, PunctuationType, Record, Serdes, StreamsConfig, Topology,
  type Processor, type ProcessorContext, type RecordContext, type StreamsConfigInput,
} from '../src/index.js';

export const INPUT_TOPIC = 'stream_log';
export const ERROR_TOPIC = 'log_error';
export const OTHER_TOPIC = 'log_other';
export const SUMMARY_TOPIC = 'log_summary';
export const DEFAULT_SUMMARY_INTERVAL_MS = 10_000;

/** Which kind of line this is: 'error' when it contains the word "error" in any case. */
export function levelOf(line: string | null): 'error' | 'other' {
  return line !== null && /\berror\b/i.test(line) ? 'error' : 'other';
}

/** The `TopicNameExtractor` of the routing sink: the output topic of each record. */
export function routeByLevel(_key: string | null, value: string | null, _context: RecordContext): string {
  return levelOf(value) === 'error' ? ERROR_TOPIC : OTHER_TOPIC;
}

/** The summary a task writes: counts per level since its previous summary. */
export interface LevelCounts {
  error: number;
  other: number;
}

/**
 * Forwards every record to the routing sink and counts it; a wall-clock punctuator forwards the
 * counts to the summary sink and starts counting afresh. One instance per task.
 */
export class LogRouter implements Processor<string | null, string | null, string | null, string | null> {
  #context!: ProcessorContext<string | null, string | null>;
  #counts: LevelCounts = { error: 0, other: 0 };

  constructor(private readonly summaryIntervalMs: number) {}

  init(context: ProcessorContext<string | null, string | null>): void {
    this.#context = context;
    context.schedule(this.summaryIntervalMs, PunctuationType.WALL_CLOCK_TIME, (timestampMs) => this.#summarize(timestampMs));
  }

  process(record: Record<string | null, string | null>): void | Promise<void> {
    this.#counts[levelOf(record.value)]++;
    return this.#context.forward(record, 'routed-sink');
  }

  #summarize(timestampMs: number): void | Promise<void> {
    const counts = this.#counts;
    this.#counts = { error: 0, other: 0 };
    return this.#context.forward(new Record(this.#context.taskId, JSON.stringify(counts), timestampMs), 'summary-sink');
  }
}

/**
 * The topology, built with the Processor API.
 * @param options.summaryIntervalMs how often each task writes its summary (default 10 s)
 */
export function buildTopology(options: { summaryIntervalMs?: number } = {}): Topology {
  const summaryIntervalMs = options.summaryIntervalMs ?? DEFAULT_SUMMARY_INTERVAL_MS;
  const strings = { keySerde: Serdes.String(), valueSerde: Serdes.String() };
  return new Topology()
    .addSource('log-source', INPUT_TOPIC, strings)
    .addProcessor('log-router', () => new LogRouter(summaryIntervalMs), 'log-source')
    .addSink('routed-sink', routeByLevel, strings, 'log-router')
    .addSink('summary-sink', SUMMARY_TOPIC, strings, 'log-router');
}

/** The config this example runs with; broker from `KAFKA_BOOTSTRAP_SERVERS`. */
export function exampleConfig(overrides: Partial<StreamsConfigInput> = {}): StreamsConfigInput {
  return {
    [StreamsConfig.APPLICATION_ID_CONFIG]: 'stream-log-router',
    [StreamsConfig.BOOTSTRAP_SERVERS_CONFIG]: process.env['KAFKA_BOOTSTRAP_SERVERS'] ?? '127.0.0.1:19092',
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
  console.log(`Routing ${INPUT_TOPIC} into ${ERROR_TOPIC} / ${OTHER_TOPIC}, summaries in ${SUMMARY_TOPIC}; Ctrl-C to stop.`);
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
