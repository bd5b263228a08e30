import { StreamsException } from '../errors.js';
import type { Processor } from '../processor/processor.js';
import type { Record } from '../processor/record.js';
import type { RecordContext } from '../processor/record-metadata.js';
import type { StreamPartitioner } from '../processor/stream-partitioner.js';
import type { TopicNameExtractor } from '../processor/topic-name-extractor.js';
import type { Serde } from '../serde/serde.js';
import type { TaskEnvironment } from './task.js';

export interface SinkSpec {
  readonly name: string;
  /** Full topic name, or an extractor choosing it per record. */
  readonly topic: string | TopicNameExtractor<unknown, unknown>;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly partitioner: StreamPartitioner<unknown, unknown> | undefined;
  /** Where the record being written came from, for the extractor. */
  readonly recordContext: (record: Record<unknown, unknown>) => RecordContext;
  /**
   * Told when the key or value serde throws (the production exception handler, KIP-399): throws
   * to fail the task, returns to drop the record. Absent: the serde's error is thrown as is.
   */
  readonly onSerializationError?: (error: unknown, record: Record<unknown, unknown>, topic: string) => void;
}

/**
 * A sink node as a processor (Kafka's `SinkNode`): serializes each record and hands it to the
 * task's record collector, with the partition a custom partitioner chose (if any).
 */
export class SinkProcessor implements Processor<unknown, unknown, never, never> {
  readonly #spec: SinkSpec;
  readonly #env: TaskEnvironment;

  constructor(spec: SinkSpec, env: TaskEnvironment) {
    this.#spec = spec;
    this.#env = env;
  }

  process(record: Record<unknown, unknown>): void {
    const spec = this.#spec;
    const headers = record.headers ?? [];
    const topic = typeof spec.topic === 'string' ? spec.topic : spec.topic(record.key, record.value, spec.recordContext(record));
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new StreamsException(`The TopicNameExtractor of sink ${spec.name} must return a non-empty topic name, but returned: ${String(topic)}`);
    }
    let key: Buffer | null;
    let value: Buffer | null;
    try {
      key = spec.keySerde.serialize(topic, record.key, headers);
      value = spec.valueSerde.serialize(topic, record.value, headers);
    } catch (e) {
      if (spec.onSerializationError === undefined) throw e;
      spec.onSerializationError(e, record, topic);
      return;
    }
    let partition: number | undefined;
    if (spec.partitioner !== undefined) {
      const count = this.#env.partitionsFor?.(topic);
      if (count === undefined) {
        throw new StreamsException(`Could not get the partition count of topic ${topic} for sink ${spec.name}: its StreamPartitioner needs it. Does the topic exist?`);
      }
      partition = spec.partitioner(topic, record.key, record.value, count);
      if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= count)) {
        throw new StreamsException(`The StreamPartitioner of sink ${spec.name} returned partition ${partition} for topic ${topic}, which has ${count} partitions`);
      }
    }
    this.#env.collector.send({
      topic,
      ...(partition === undefined ? {} : { partition }),
      key,
      value,
      timestamp: record.timestamp,
      headers,
    });
  }
}
