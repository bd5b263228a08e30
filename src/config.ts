import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigException } from './errors.js';
import type { Serde } from './serde/serde.js';

/** Config keys are Kafka Streams' own dotted names; these constants spell them as Kafka's do. */
export const StreamsConfig = {
  APPLICATION_ID_CONFIG: 'application.id',
  BOOTSTRAP_SERVERS_CONFIG: 'bootstrap.servers',
  CLIENT_ID_CONFIG: 'client.id',
  DEFAULT_KEY_SERDE_CLASS_CONFIG: 'default.key.serde',
  DEFAULT_VALUE_SERDE_CLASS_CONFIG: 'default.value.serde',
  NUM_STREAM_THREADS_CONFIG: 'num.stream.threads',
  STATE_DIR_CONFIG: 'state.dir',
  COMMIT_INTERVAL_MS_CONFIG: 'commit.interval.ms',
  PROCESSING_GUARANTEE_CONFIG: 'processing.guarantee',
  APPLICATION_SERVER_CONFIG: 'application.server',
  NUM_STANDBY_REPLICAS_CONFIG: 'num.standby.replicas',
  ACCEPTABLE_RECOVERY_LAG_CONFIG: 'acceptable.recovery.lag',
  MAX_WARMUP_REPLICAS_CONFIG: 'max.warmup.replicas',
  PROBING_REBALANCE_INTERVAL_MS_CONFIG: 'probing.rebalance.interval.ms',
  STATESTORE_CACHE_MAX_BYTES_CONFIG: 'statestore.cache.max.bytes',
  DEFAULT_DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG: 'default.deserialization.exception.handler',
  PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG: 'processing.exception.handler',
  DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG: 'errors.dead.letter.queue.topic.name',
  PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG: 'production.exception.handler',
  /** The name before Kafka 4 (KIP-1056); accepted, `production.exception.handler` wins. */
  DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG: 'default.production.exception.handler',
  REPLICATION_FACTOR_CONFIG: 'replication.factor',
  DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG: 'default.timestamp.extractor',
  BUFFERED_RECORDS_PER_PARTITION_CONFIG: 'buffered.records.per.partition',
  SESSION_TIMEOUT_MS_CONFIG: 'session.timeout.ms',
  HEARTBEAT_INTERVAL_MS_CONFIG: 'heartbeat.interval.ms',
  MAX_TASK_IDLE_MS_CONFIG: 'max.task.idle.ms',
  TRANSACTION_TIMEOUT_MS_CONFIG: 'transaction.timeout.ms',
  TOPOLOGY_OPTIMIZATION_CONFIG: 'topology.optimization',
  /** `topology.optimization` values, as Kafka's constants (see {@link parseTopologyOptimization}). */
  NO_OPTIMIZATION: 'none',
  OPTIMIZE: 'all',
  REUSE_KTABLE_SOURCE_TOPICS: 'reuse.ktable.source.topics',
  MERGE_REPARTITION_TOPICS: 'merge.repartition.topics',
  SINGLE_STORE_SELF_JOIN: 'single.store.self.join',
  AT_LEAST_ONCE: 'at_least_once',
  EXACTLY_ONCE_V2: 'exactly_once_v2',
} as const;

export type ProcessingGuarantee = 'at_least_once' | 'exactly_once_v2';

/**
 * What to do with a record that fails to deserialize or process:
 * - 'logAndFail' (default): the stream thread stops with an error naming topic, partition, offset;
 * - 'logAndContinue': skip it, counted in the `skipped-records` metric;
 * - 'deadLetterQueue': write the original key/value bytes to `errors.dead.letter.queue.topic.name`
 *   with headers describing the error, then continue.
 * A function may be given instead; it returns 'CONTINUE' or 'FAIL'.
 */
export type ExceptionHandlerName = 'logAndFail' | 'logAndContinue' | 'deadLetterQueue';

/**
 * What to do with a record the topology sends that cannot be serialized at a sink, or that the
 * producer fails to send (Kafka's `ProductionExceptionHandler`, KIP-210/399/1033):
 * - 'default' / 'fail' (default, Kafka's `DefaultProductionExceptionHandler`): the task fails;
 * - 'continue': drop the record, counted in the task's `dropped-records` metric;
 * - 'deadLetterQueue': write the record to `errors.dead.letter.queue.topic.name` with the error
 *   headers (for a serialization error: the input record's original bytes), then continue;
 * - a {@link ProductionExceptionHandler} function returning 'CONTINUE' or 'FAIL'.
 * Fencing and fatal broker errors never reach the handler; under exactly_once_v2 send errors
 * abort the transaction whatever it says (see docs/production.md).
 */
export type ProductionExceptionHandlerName = 'default' | 'fail' | 'continue' | 'deadLetterQueue';

/** Where a production error happened: the input record being processed when the record was sent, if any. */
export interface ProductionErrorContext {
  readonly taskId?: string;
  readonly processorNodeId?: string;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
}

/** The record that failed: typed key and value for 'SERIALIZATION', bytes for 'SEND'. */
export interface ProductionErrorRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key: unknown;
  readonly value: unknown;
  readonly timestamp?: number;
  readonly headers?: readonly { key: string; value: Buffer | null }[];
}

export type ProductionExceptionHandler = (
  context: ProductionErrorContext,
  record: ProductionErrorRecord,
  error: Error,
  origin: 'SERIALIZATION' | 'SEND',
) => 'CONTINUE' | 'FAIL';

/** Config as users write it: dotted keys, Serdes as objects, numbers as numbers. */
export interface StreamsConfigInput {
  'application.id': string;
  'bootstrap.servers': string;
  'client.id'?: string;
  'default.key.serde'?: Serde<unknown>;
  'default.value.serde'?: Serde<unknown>;
  'num.stream.threads'?: number;
  'state.dir'?: string;
  'commit.interval.ms'?: number;
  /** 'exactly_once' is accepted as an alias of 'exactly_once_v2'. */
  'processing.guarantee'?: ProcessingGuarantee | 'exactly_once';
  'application.server'?: string;
  'num.standby.replicas'?: number;
  /**
   * High availability on scale-out (KIP-441): a client whose copy of a task's state is at most
   * this many changelog records behind counts as caught up (default 10000). A stateful task is
   * not moved to a client further behind while a caught-up one exists: it stays, and the new
   * owner restores a warm-up replica until a probing rebalance finds it caught up.
   */
  'acceptable.recovery.lag'?: number;
  /** Warm-up replicas one assignment may add, beyond `num.standby.replicas` (default 2, at least 1). */
  'max.warmup.replicas'?: number;
  /**
   * How long after an assignment with warm-ups the leader rejoins to move the tasks whose
   * warm-ups caught up (default 600000). Kafka requires at least 60000; any positive value is taken here.
   */
  'probing.rebalance.interval.ms'?: number;
  'statestore.cache.max.bytes'?: number;
  'default.deserialization.exception.handler'?: ExceptionHandlerName;
  'processing.exception.handler'?: ExceptionHandlerName;
  'errors.dead.letter.queue.topic.name'?: string;
  'production.exception.handler'?: ProductionExceptionHandlerName | ProductionExceptionHandler;
  'default.production.exception.handler'?: ProductionExceptionHandlerName | ProductionExceptionHandler;
  'replication.factor'?: number;
  'buffered.records.per.partition'?: number;
  'session.timeout.ms'?: number;
  'heartbeat.interval.ms'?: number;
  'max.task.idle.ms'?: number;
  /**
   * Exactly-once: the task producers' `transaction.timeout.ms` (default 10000, Kafka Streams'
   * override): the coordinator aborts a transaction open longer, fencing its producer, and a
   * crashed instance's open transaction blocks read_committed readers at most this long.
   */
  'transaction.timeout.ms'?: number;
  /**
   * Topology optimizations (Kafka's `topology.optimization`): `'none'` (default), `'all'`, or a
   * comma-separated list of `'reuse.ktable.source.topics'`, `'merge.repartition.topics'`,
   * `'single.store.self.join'`. Applied when the topology is built: pass the config to
   * `builder.build(config)` too.
   */
  'topology.optimization'?: string;
  /** Anything else is kept and passed along (e.g. `query.auth.token` for the query server). */
  [key: string]: unknown;
}

/** Config with every default filled in. */
export interface ResolvedStreamsConfig {
  readonly applicationId: string;
  readonly bootstrapServers: string;
  readonly clientId: string;
  readonly defaultKeySerde: Serde<unknown> | undefined;
  readonly defaultValueSerde: Serde<unknown> | undefined;
  readonly numStreamThreads: number;
  readonly stateDir: string;
  readonly commitIntervalMs: number;
  readonly processingGuarantee: ProcessingGuarantee;
  readonly applicationServer: string | undefined;
  readonly numStandbyReplicas: number;
  readonly acceptableRecoveryLag: number;
  readonly maxWarmupReplicas: number;
  readonly probingRebalanceIntervalMs: number;
  readonly cacheMaxBytes: number;
  readonly deserializationExceptionHandler: ExceptionHandlerName;
  readonly processingExceptionHandler: ExceptionHandlerName;
  readonly deadLetterQueueTopic: string | undefined;
  /** 'default' is resolved to 'fail'. */
  readonly productionExceptionHandler: Exclude<ProductionExceptionHandlerName, 'default'> | ProductionExceptionHandler;
  readonly replicationFactor: number;
  readonly bufferedRecordsPerPartition: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxTaskIdleMs: number;
  readonly transactionTimeoutMs: number;
  /** `topology.optimization`, parsed: the optimizations enabled (empty for 'none'). */
  readonly topologyOptimizations: ReadonlySet<TopologyOptimization>;
  readonly raw: Readonly<StreamsConfigInput>;
}

/**
 * What `StreamsBuilder.build(config)` reads: `topology.optimization`. Any `StreamsConfigInput`
 * fits, so the config given to `KafkaStreams` can be passed as is (as Kafka's `build(props)`).
 */
export interface TopologyBuildConfig {
  readonly 'topology.optimization'?: string;
  readonly [key: string]: unknown;
}

/** The `topology.optimization` optimizations kstreams implements. */
export type TopologyOptimization = 'reuse.ktable.source.topics' | 'merge.repartition.topics' | 'single.store.self.join';

/** Every optimization of Kafka Streams 4.x: what `'all'` applies. */
const SUPPORTED_OPTIMIZATIONS: readonly TopologyOptimization[] = ['reuse.ktable.source.topics', 'merge.repartition.topics', 'single.store.self.join'];
const OPTIMIZATION_VALUES = `'none', 'all' or a comma-separated list of 'reuse.ktable.source.topics', 'merge.repartition.topics', 'single.store.self.join'`;

/**
 * Parses `topology.optimization` as Kafka's `StreamsConfig.verifyTopologyOptimizationConfigs`
 * does: `'none'` (the default), `'all'`, or a comma-separated list of optimizations; `'none'` and
 * `'all'` cannot be combined with anything. `'all'` is every optimization Kafka Streams has:
 * `reuse.ktable.source.topics`, `merge.repartition.topics` and `single.store.self.join`.
 *
 * @returns the optimizations to apply (empty for `'none'` or when unset)
 * @throws ConfigException for a value Kafka does not accept
 */
export function parseTopologyOptimization(value: unknown): ReadonlySet<TopologyOptimization> {
  if (value === undefined) return new Set();
  if (typeof value !== 'string') {
    throw new ConfigException(`Config 'topology.optimization' must be a string: ${OPTIMIZATION_VALUES}, but got: ${String(value)}`);
  }
  const parts = value.trim().split(/\s*,\s*/);
  if ((parts.includes('none') || parts.includes('all')) && parts.length > 1) {
    throw new ConfigException(`Config 'topology.optimization' value '${value}' is not valid: 'none' and 'all' cannot be combined with other values. Acceptable values are ${OPTIMIZATION_VALUES}`);
  }
  const known = new Set<string>(['none', 'all', ...SUPPORTED_OPTIMIZATIONS]);
  const unknown = parts.filter((p) => !known.has(p));
  if (unknown.length > 0) {
    throw new ConfigException(`Config 'topology.optimization' has unrecognized value(s) ${unknown.map((u) => `'${u}'`).join(', ')} in '${value}'. Acceptable values are ${OPTIMIZATION_VALUES}`);
  }
  if (parts[0] === 'all') return new Set(SUPPORTED_OPTIMIZATIONS);
  return new Set(parts.filter((p): p is TopologyOptimization => (SUPPORTED_OPTIMIZATIONS as readonly string[]).includes(p)));
}

const HANDLERS: readonly ExceptionHandlerName[] = ['logAndFail', 'logAndContinue', 'deadLetterQueue'];

function num(input: StreamsConfigInput, key: string, fallback: number, min = 0): number {
  const v = input[key];
  if (v === undefined) return fallback;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min) {
    throw new ConfigException(`Config '${key}' must be a number >= ${min}, but got: ${String(v)}`);
  }
  return n;
}

function handler(input: StreamsConfigInput, key: string): ExceptionHandlerName {
  const v = input[key] ?? 'logAndFail';
  if (!HANDLERS.includes(v as ExceptionHandlerName)) {
    throw new ConfigException(`Config '${key}' must be one of ${HANDLERS.join(', ')}, but got: ${String(v)}`);
  }
  return v as ExceptionHandlerName;
}

const PRODUCTION_HANDLERS: readonly ProductionExceptionHandlerName[] = ['default', 'fail', 'continue', 'deadLetterQueue'];

function productionHandler(input: StreamsConfigInput): ResolvedStreamsConfig['productionExceptionHandler'] {
  const key = input['production.exception.handler'] !== undefined ? 'production.exception.handler' : 'default.production.exception.handler';
  const v = input[key] ?? 'default';
  if (typeof v === 'function') return v as ProductionExceptionHandler;
  if (!PRODUCTION_HANDLERS.includes(v as ProductionExceptionHandlerName)) {
    throw new ConfigException(`Config '${key}' must be one of ${PRODUCTION_HANDLERS.join(', ')} or a function, but got: ${String(v)}`);
  }
  return v === 'default' ? 'fail' : (v as Exclude<ProductionExceptionHandlerName, 'default'>);
}

/** Validates user config and fills in Kafka Streams' defaults. */
export function resolveConfig(input: StreamsConfigInput): ResolvedStreamsConfig {
  const applicationId = input['application.id'];
  if (typeof applicationId !== 'string' || !/^[A-Za-z0-9._-]+$/.test(applicationId)) {
    throw new ConfigException(`Config 'application.id' must be a non-empty string of [A-Za-z0-9._-], but got: ${String(applicationId)}`);
  }
  const bootstrapServers = input['bootstrap.servers'];
  if (typeof bootstrapServers !== 'string' || bootstrapServers.length === 0) {
    throw new ConfigException(`Config 'bootstrap.servers' must be 'host:port[,host:port]' or 'embedded://NAME', but got: ${String(bootstrapServers)}`);
  }
  const guaranteeIn = input['processing.guarantee'] ?? 'at_least_once';
  if (!['at_least_once', 'exactly_once_v2', 'exactly_once'].includes(guaranteeIn)) {
    throw new ConfigException(`Config 'processing.guarantee' must be 'at_least_once' or 'exactly_once_v2', but got: ${String(guaranteeIn)}`);
  }
  const processingGuarantee: ProcessingGuarantee = guaranteeIn === 'at_least_once' ? 'at_least_once' : 'exactly_once_v2';
  const deserializationExceptionHandler = handler(input, 'default.deserialization.exception.handler');
  const processingExceptionHandler = handler(input, 'processing.exception.handler');
  const productionExceptionHandler = productionHandler(input);
  const dlq = input['errors.dead.letter.queue.topic.name'];
  if (
    (deserializationExceptionHandler === 'deadLetterQueue' || processingExceptionHandler === 'deadLetterQueue' || productionExceptionHandler === 'deadLetterQueue') &&
    typeof dlq !== 'string'
  ) {
    throw new ConfigException(`The 'deadLetterQueue' exception handler needs 'errors.dead.letter.queue.topic.name'`);
  }
  const server = input['application.server'];
  if (server !== undefined && (typeof server !== 'string' || !/^[^:\s]+:\d+$/.test(server))) {
    throw new ConfigException(`Config 'application.server' must be 'host:port', but got: ${String(server)}`);
  }
  return {
    applicationId,
    bootstrapServers,
    clientId: typeof input['client.id'] === 'string' ? input['client.id'] : applicationId,
    defaultKeySerde: input['default.key.serde'],
    defaultValueSerde: input['default.value.serde'],
    numStreamThreads: num(input, 'num.stream.threads', 1, 1),
    stateDir: typeof input['state.dir'] === 'string' ? input['state.dir'] : join(tmpdir(), 'kstreams'),
    // Kafka Streams: 30000 ms, or 100 ms under exactly-once.
    commitIntervalMs: num(input, 'commit.interval.ms', processingGuarantee === 'exactly_once_v2' ? 100 : 30_000),
    processingGuarantee,
    applicationServer: server,
    numStandbyReplicas: num(input, 'num.standby.replicas', 0),
    acceptableRecoveryLag: num(input, 'acceptable.recovery.lag', 10_000),
    maxWarmupReplicas: num(input, 'max.warmup.replicas', 2, 1),
    probingRebalanceIntervalMs: num(input, 'probing.rebalance.interval.ms', 600_000, 1),
    cacheMaxBytes: num(input, 'statestore.cache.max.bytes', 10 * 1024 * 1024),
    deserializationExceptionHandler,
    processingExceptionHandler,
    deadLetterQueueTopic: typeof dlq === 'string' ? dlq : undefined,
    productionExceptionHandler,
    replicationFactor: num(input, 'replication.factor', 1, 1),
    bufferedRecordsPerPartition: num(input, 'buffered.records.per.partition', 1000, 1),
    sessionTimeoutMs: num(input, 'session.timeout.ms', 45_000, 1),
    heartbeatIntervalMs: num(input, 'heartbeat.interval.ms', 3_000, 1),
    maxTaskIdleMs: num(input, 'max.task.idle.ms', 0),
    transactionTimeoutMs: num(input, 'transaction.timeout.ms', 10_000, 1),
    topologyOptimizations: parseTopologyOptimization(input['topology.optimization']),
    raw: input,
  };
}
