import { PartitionLog } from './partition-log.js';

/** Kafka's default `max.message.bytes` (1 MiB plus record batch overhead). */
const DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

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
  'segment.bytes': '1073741824',
  'segment.ms': '604800000',
};

/**
 * A topic: its partitions and its configs. Configs are kept as given; the embedded backend
 * acts on `message.timestamp.type` and `max.message.bytes`, and stores the rest (for example
 * `cleanup.policy=compact`) without acting on it: logs are never compacted or truncated, so a
 * reader of a compacted topic sees every update, which leads to the same final state.
 */
export class TopicLog {
  readonly partitions: readonly PartitionLog[];
  readonly configs: ReadonlyMap<string, string>;

  constructor(
    readonly name: string,
    partitionCount: number,
    configs: Readonly<Record<string, string>> = {},
  ) {
    this.partitions = Array.from({ length: partitionCount }, (_, p) => new PartitionLog(name, p));
    this.configs = new Map(Object.entries(configs));
  }

  /** Every config with its value: the ones set at creation over Kafka's defaults. */
  describeConfigs(): Record<string, string> {
    return { ...TOPIC_CONFIG_DEFAULTS, ...Object.fromEntries(this.configs) };
  }

  get logAppendTime(): boolean {
    return this.configs.get('message.timestamp.type') === 'LogAppendTime';
  }

  get maxMessageBytes(): number {
    const configured = Number(this.configs.get('max.message.bytes'));
    return Number.isFinite(configured) && configured > 0 ? configured : DEFAULT_MAX_MESSAGE_BYTES;
  }
}
