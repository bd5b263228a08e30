import { EmbeddedKafkaError } from './errors.js';
import { PartitionLog, type LogPolicy } from './partition-log.js';

/** Kafka's default `max.message.bytes` (1 MiB plus record batch overhead). */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

/**
 * Segment size when the topic sets no `segment.bytes`. Kafka's 1 GiB would mean logs held in
 * memory are never cleaned; 32 MiB per partition bounds a long-running `npm start` while
 * staying far above what tests write (cleaning only ever touches closed segments).
 */
export const EMBEDDED_SEGMENT_BYTES = 32 * 1024 * 1024;

/** Kafka's broker defaults for the topic configs most often asked about, reported beside the set ones. */
const TOPIC_CONFIG_DEFAULTS: Readonly<Record<string, string>> = {
  'cleanup.policy': 'delete',
  'compression.type': 'producer',
  'delete.retention.ms': '86400000',
  'max.message.bytes': String(DEFAULT_MAX_MESSAGE_BYTES),
  'message.timestamp.type': 'CreateTime',
  'min.compaction.lag.ms': '0',
  'min.insync.replicas': '1',
  'retention.bytes': '-1',
  'retention.ms': '604800000',
  'segment.bytes': String(EMBEDDED_SEGMENT_BYTES),
  'segment.ms': '604800000',
};

function invalidConfig(topic: string, name: string, value: string, expected: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError('INVALID_CONFIG', `Invalid value '${value}' for config '${name}' of topic '${topic}': expected ${expected}`);
}

function integerConfig(topic: string, configs: ReadonlyMap<string, string>, name: string, min: number): number {
  const value = configs.get(name) ?? TOPIC_CONFIG_DEFAULTS[name]!;
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(parsed) || parsed < min) throw invalidConfig(topic, name, value, `an integer >= ${min}`);
  return parsed;
}

/**
 * A topic: its partitions and its configs. The configs the embedded backend acts on are
 * checked at creation, as the broker checks them: `cleanup.policy` (delete and/or compact, see
 * `PartitionLog`), `retention.ms`, `retention.bytes`, `segment.bytes`, `max.message.bytes` and
 * `message.timestamp.type`. Every other config is stored and reported as given.
 */
export class TopicLog {
  readonly partitions: readonly PartitionLog[];
  readonly configs: ReadonlyMap<string, string>;
  readonly policy: LogPolicy;
  readonly logAppendTime: boolean;
  readonly maxMessageBytes: number;

  constructor(
    readonly name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>> = {},
  ) {
    this.configs = new Map(Object.entries(configs).map(([key, value]) => [key, String(value)]));
    const cleanup = this.configs.get('cleanup.policy') ?? 'delete';
    const policies = cleanup.split(',').map((p) => p.trim());
    if (policies.some((p) => p !== 'delete' && p !== 'compact')) throw invalidConfig(name, 'cleanup.policy', cleanup, "'delete', 'compact' or both");
    const timestampType = this.configs.get('message.timestamp.type') ?? 'CreateTime';
    if (timestampType !== 'CreateTime' && timestampType !== 'LogAppendTime') {
      throw invalidConfig(name, 'message.timestamp.type', timestampType, "'CreateTime' or 'LogAppendTime'");
    }
    this.logAppendTime = timestampType === 'LogAppendTime';
    this.maxMessageBytes = integerConfig(name, this.configs, 'max.message.bytes', 0);
    this.policy = {
      compact: policies.includes('compact'),
      delete: policies.includes('delete'),
      retentionMs: integerConfig(name, this.configs, 'retention.ms', -1),
      retentionBytes: integerConfig(name, this.configs, 'retention.bytes', -1),
      segmentBytes: integerConfig(name, this.configs, 'segment.bytes', 14),
    };
    this.partitions = Array.from({ length: partitionCount }, (_, p) => new PartitionLog(name, p, this.policy));
  }

  /** Every config with its value: the ones set at creation over the defaults. */
  describeConfigs(): Record<string, string> {
    return { ...TOPIC_CONFIG_DEFAULTS, ...Object.fromEntries(this.configs) };
  }
}
