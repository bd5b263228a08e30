import { ConfigException, StreamsException } from '../../errors.js';
import type { Processor } from '../../processor/processor.js';
import type { ProcessorContext } from '../../processor/processor-context.js';
import { Record, type RecordHeaders } from '../../processor/record.js';
import type { RecordContext } from '../../processor/record-metadata.js';
import type { Serde } from '../../serde/serde.js';
import type { StateStore } from '../../state/state-store.js';
import type { StoreBuilder } from '../../state/store-builder.js';
import type { BufferEviction, InMemoryTimeOrderedKeyValueBuffer } from '../../state/time-ordered-key-value-buffer.js';
import { ValueAndTimestamp } from '../../state/value-and-timestamp.js';
import type { Windowed } from '../../state/windowed.js';
import { change, type Change } from '../internal/change.js';
import type { KTableProcessorSupplier, ParentTable } from '../internal/ktable-processor-supplier.js';
import type { KTableValueGetterSupplier } from '../internal/value-getter.js';
import type { BufferFullStrategy } from '../suppressed.js';

/** Everything the suppression processor needs to know, resolved when `suppress()` is called. */
export interface SuppressionSpec {
  /** The processor's node name (named in the buffer-full error). */
  readonly nodeName: string;
  readonly storeName: string;
  /** How far behind stream time a buffered key must fall to be emitted. */
  readonly durationMs: number;
  /** `windowEnd`: a key's buffer time is its window's end (`untilWindowCloses`); `recordTime`: the update's timestamp. */
  readonly bufferTime: 'windowEnd' | 'recordTime';
  /** True for `untilWindowCloses`: an emitted delete carries nothing final, so it is dropped. */
  readonly safeToDropTombstones: boolean;
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly bufferFullStrategy: BufferFullStrategy;
}

/**
 * `KTable.suppress()` (Kafka's `KTableSuppressProcessorSupplier`, SEMANTICS §5.5, §5.6): holds a
 * table's updates in a buffer, the latest per key, and emits a key's latest `Change` once its
 * buffer time is at least `durationMs` behind the processor's own observed stream time, in
 * (buffer time, key) order, with the timestamp and headers of that latest update. Deletes are not
 * emitted by `untilWindowCloses`. Asks its parent table for old values (the buffer keeps the value
 * before the first held update, so a lookup of the suppressed table sees it). When the buffer is
 * over its limits it emits the oldest early or fails, as configured.
 */
export class KTableSuppress<K, V> implements KTableProcessorSupplier<K, V> {
  constructor(
    private readonly spec: SuppressionSpec,
    private readonly parent: ParentTable<K, V>,
    private readonly storeBuilder: StoreBuilder<StateStore>,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {
    parent.enableSendingOldValues(true);
  }

  get(): Processor<K, Change<V>, K, Change<V>> {
    return new KTableSuppressProcessor(this.spec, this.keySerde, this.valueSerde);
  }

  /** The suppressed view: a held key reads as its value before the held updates, others as the parent's. */
  view(): KTableValueGetterSupplier<K, V> {
    const parentView = this.parent.valueGetterSupplier();
    const { storeName } = this.spec;
    const serdesOf = (context: ProcessorContext<unknown, unknown>) => resolveSerdes(this.keySerde, this.valueSerde, context, storeName);
    return {
      storeNames: () => [storeName, ...parentView.storeNames()],
      get: () => {
        const parentGetter = parentView.get();
        let buffer: InMemoryTimeOrderedKeyValueBuffer | undefined;
        let serdes: ResolvedSerdes<K, V> | undefined;
        return {
          init(context) {
            parentGetter.init(context);
            buffer = context.getStateStore<InMemoryTimeOrderedKeyValueBuffer>(storeName);
            serdes = serdesOf(context);
          },
          async get(key) {
            const s = serdes as ResolvedSerdes<K, V>;
            const held = (buffer as InMemoryTimeOrderedKeyValueBuffer).priorValueForBuffered(s.serializeKey(key, []));
            if (!held.found) return parentGetter.get(key);
            // Kafka cannot know the prior value's timestamp either: -1 (RecordQueue.UNKNOWN).
            return ValueAndTimestamp.make(s.deserializeValue(held.value, []), -1);
          },
        };
      },
    };
  }

  enableSendingOldValues(forceMaterialization: boolean): boolean {
    return this.parent.enableSendingOldValues(forceMaterialization);
  }

  stores(): readonly StoreBuilder<StateStore>[] {
    return [this.storeBuilder];
  }
}

type Headers = RecordHeaders;

interface ResolvedSerdes<K, V> {
  serializeKey(key: K, headers: Headers): Buffer;
  deserializeKey(bytes: Buffer, headers: Headers): K;
  serializeValue(value: V | null, headers: Headers): Buffer | null;
  deserializeValue(bytes: Buffer | null, headers: Headers): V | null;
}

/** The table's serdes, else the config's defaults (Kafka's `setSerdesIfNull`), called with the buffer's changelog topic. */
function resolveSerdes<K, V>(keySerde: Serde<K> | undefined, valueSerde: Serde<V> | undefined, context: ProcessorContext<unknown, unknown>, storeName: string): ResolvedSerdes<K, V> {
  const configs = context.appConfigs();
  const keys = keySerde ?? (configs['default.key.serde'] as Serde<K> | undefined);
  const values = valueSerde ?? (configs['default.value.serde'] as Serde<V> | undefined);
  if (keys === undefined || values === undefined) {
    const missing = keys === undefined ? 'key' : 'value';
    throw new ConfigException(`suppress() buffer ${storeName} has no ${missing} serde: give the table's serdes (Materialized.with) or set 'default.${missing}.serde'`);
  }
  const topic = `${context.applicationId}-${storeName}-changelog`;
  return {
    serializeKey: (key, headers) => {
      const bytes = keys.serialize(topic, key, headers);
      if (bytes === null) throw new TypeError(`suppress() buffer ${storeName}: keys cannot serialize to null, but got: ${String(key)}`);
      return bytes;
    },
    deserializeKey: (bytes, headers) => keys.deserialize(topic, bytes, headers) as K,
    serializeValue: (value, headers) => (value === null ? null : values.serialize(topic, value, headers)),
    deserializeValue: (bytes, headers) => (bytes === null ? null : values.deserialize(topic, bytes, headers)),
  };
}

class KTableSuppressProcessor<K, V> implements Processor<K, Change<V>, K, Change<V>> {
  #context!: ProcessorContext<K, Change<V>>;
  #buffer!: InMemoryTimeOrderedKeyValueBuffer;
  #serdes!: ResolvedSerdes<K, V>;
  #observedStreamTime = -1;

  constructor(
    private readonly spec: SuppressionSpec,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  init(context: ProcessorContext<K, Change<V>>): void {
    this.#context = context;
    this.#buffer = context.getStateStore<InMemoryTimeOrderedKeyValueBuffer>(this.spec.storeName);
    this.#serdes = resolveSerdes(this.keySerde, this.valueSerde, context, this.spec.storeName);
  }

  async process(record: Record<K, Change<V>>): Promise<void> {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, record.timestamp);
    const time = this.spec.bufferTime === 'windowEnd' ? (record.key as Windowed<unknown>).window().end() : record.timestamp;
    const meta = this.#context.recordMetadata();
    const context: RecordContext = {
      topic: meta?.topic,
      partition: meta?.partition ?? -1,
      offset: meta?.offset ?? -1,
      timestamp: record.timestamp,
      headers: record.headers,
    };
    const headers = record.headers;
    this.#buffer.put(time, this.#serdes.serializeKey(record.key, headers), {
      oldValue: this.#serdes.serializeValue(record.value.oldValue, headers),
      newValue: this.#serdes.serializeValue(record.value.newValue, headers),
    }, context);
    await this.#enforceConstraints();
  }

  async #enforceConstraints(): Promise<void> {
    const expiryTime = this.#observedStreamTime - this.spec.durationMs;
    const buffer = this.#buffer;
    await buffer.evictWhile(() => buffer.minTimestamp <= expiryTime, (eviction) => this.#emit(eviction));
    if (!this.#overCapacity()) return;
    if (this.spec.bufferFullStrategy === 'EMIT') {
      await buffer.evictWhile(() => this.#overCapacity(), (eviction) => this.#emit(eviction));
      return;
    }
    throw new StreamsException(
      `${this.spec.nodeName} buffer exceeded its max capacity. Currently [${buffer.numRecords}/${this.spec.maxRecords}] records and [${buffer.bufferSize}/${this.spec.maxBytes}] bytes.`,
      'PROCESSING',
    );
  }

  #overCapacity(): boolean {
    return this.#buffer.numRecords > this.spec.maxRecords || this.#buffer.bufferSize > this.spec.maxBytes;
  }

  async #emit(eviction: BufferEviction): Promise<void> {
    if (eviction.newValue === null && this.spec.safeToDropTombstones) return;
    const { headers, timestamp } = eviction.context;
    const record = new Record(
      this.#serdes.deserializeKey(eviction.key, headers),
      change(this.#serdes.deserializeValue(eviction.newValue, headers), this.#serdes.deserializeValue(eviction.oldValue, headers)),
      timestamp,
      headers,
    );
    await this.#buffer.forwardWithContext(eviction.context, () => this.#context.forward(record));
  }
}
