import type { ProcessorContext } from './processor-context.js';
import type { Processor, ProcessorSupplier } from './processor.js';
import { Record, type RecordHeaders } from './record.js';

/**
 * A record whose key cannot change (Kafka's `FixedKeyRecord`), given to `FixedKeyProcessor`s
 * (`KStream.processValues`). Only the task creates them, so a fixed-key processor cannot forward
 * a different key and the stream needs no repartitioning.
 */
export class FixedKeyRecord<K, V> {
  readonly #record: Record<K, V>;

  private constructor(record: Record<K, V>) {
    this.#record = record;
  }

  /** @internal Wraps an incoming record; used by the adapter below only. */
  static fromRecord<K, V>(record: Record<K, V>): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(record);
  }

  get key(): K {
    return this.#record.key;
  }
  get value(): V {
    return this.#record.value;
  }
  get timestamp(): number {
    return this.#record.timestamp;
  }
  get headers(): RecordHeaders {
    return this.#record.headers;
  }

  /** A copy with a new value. */
  withValue<NewV>(value: NewV): FixedKeyRecord<K, NewV> {
    return new FixedKeyRecord(this.#record.withValue(value));
  }
  /** A copy with a new timestamp (epoch ms). */
  withTimestamp(timestamp: number): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.#record.withTimestamp(timestamp));
  }
  /** A copy with new headers. */
  withHeaders(headers: RecordHeaders): FixedKeyRecord<K, V> {
    return new FixedKeyRecord(this.#record.withHeaders(headers));
  }

  /** @internal The plain record, for forwarding. */
  toRecord(): Record<K, V> {
    return this.#record;
  }
}

/** The context of a `FixedKeyProcessor`: a `ProcessorContext` whose `forward` takes fixed-key records. */
export interface FixedKeyProcessorContext<KForward = unknown, VForward = unknown> extends Omit<ProcessorContext<KForward, VForward>, 'forward'> {
  /** As `ProcessorContext.forward`, with the key of the record received. */
  forward<V extends VForward>(record: FixedKeyRecord<KForward, V>, childName?: string): void | Promise<void>;
}

/** A processor that may change values but never keys (Kafka's `api.FixedKeyProcessor`, for `processValues`). */
export interface FixedKeyProcessor<KIn, VIn, VOut = never> {
  init?(context: FixedKeyProcessorContext<KIn, VOut>): void | Promise<void>;
  process(record: FixedKeyRecord<KIn, VIn>): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** Makes a new fixed-key processor per task: a function, or an object with `get()`. */
export type FixedKeyProcessorSupplier<KIn, VIn, VOut = never> =
  | (() => FixedKeyProcessor<KIn, VIn, VOut>)
  | { get(): FixedKeyProcessor<KIn, VIn, VOut> };

/**
 * @internal Turns a fixed-key processor supplier into a plain one, so the topology runs both
 * kinds alike (the DSL's `processValues` adds the result with `Topology.addProcessor`).
 */
export function adaptFixedKeyProcessorSupplier<KIn, VIn, VOut>(supplier: FixedKeyProcessorSupplier<KIn, VIn, VOut>): ProcessorSupplier<KIn, VIn, KIn, VOut> {
  return () => {
    const inner = typeof supplier === 'function' ? supplier() : supplier.get();
    const adapted: Processor<KIn, VIn, KIn, VOut> = {
      init(context: ProcessorContext<KIn, VOut>) {
        if (!inner.init) return undefined;
        const fixedKeyContext: FixedKeyProcessorContext<KIn, VOut> = {
          applicationId: context.applicationId,
          taskId: context.taskId,
          appConfigs: () => context.appConfigs(),
          forward: (record, childName) => context.forward(record.toRecord(), childName),
          schedule: (intervalMs, type, punctuator) => context.schedule(intervalMs, type, punctuator),
          recordMetadata: () => context.recordMetadata(),
          currentStreamTimeMs: () => context.currentStreamTimeMs(),
          currentSystemTimeMs: () => context.currentSystemTimeMs(),
          commit: () => context.commit(),
          getStateStore: <S>(name: string) => context.getStateStore<S>(name),
        };
        return inner.init(fixedKeyContext);
      },
      process: (record) => inner.process(FixedKeyRecord.fromRecord(record)),
    };
    if (inner.close) adapted.close = () => inner.close?.();
    return adapted;
  };
}
