import type { Logger } from 'pino';
import type { ResolvedStreamsConfig } from '../config.js';
import { ConfigException, IllegalStateException, StreamsException } from '../errors.js';
import type { ConsumedRecord, TopicPartition } from '../kafka/port.js';
import { logger } from '../logger.js';
import { supplyProcessor } from '../processor/processor.js';
import type { Cancellable } from '../processor/punctuation.js';
import { Record } from '../processor/record.js';
import type { RecordMetadata } from '../processor/record-metadata.js';
import { FailOnInvalidTimestamp, type TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { Serde } from '../serde/serde.js';
import { CheckpointFile } from '../state/checkpoint-file.js';
import { lockTaskDirectory, taskDirectoryPath, type TaskDirectoryLock } from '../state/state-directory.js';
import type { StateStore } from '../state/state-store.js';
import type { Topology } from '../topology/topology.js';
import type { GlobalStorePlan } from '../topology/topology-nodes.js';
import { asError, decisionOf, deserializationFailure, type HandlerDecision } from './exception-handlers.js';
import { ProcessorContextImpl, type TaskNode, type TaskServices } from './processor-context-impl.js';

/**
 * The global stores of one instance (Kafka's `GlobalStateUpdateTask` with its
 * `GlobalStateManager`): every instance reads all partitions of each global topic into one copy
 * of the store, outside any task. The runtime's global thread drives it:
 *
 * 1. `initialize()` opens the stores under `state.dir/<application.id>/global` (locked) and
 *    reads the `.checkpoint` file there;
 * 2. for every partition of `topics` (the runtime lists them), it reads from
 *    `checkpointOffset(tp) + 1` (from the beginning when undefined) to the end offset found at
 *    start and hands the records to `update` — that is the restoration, done before any stream
 *    thread processes (Kafka Streams' rule: global stores are complete at start);
 * 3. then it keeps reading new records into `update`, and calls `flushState()` every
 *    `commit.interval.ms` (writes the store and the checkpoint);
 * 4. `close()` on shutdown.
 *
 * Records go through the global source's deserializers and timestamp extractor, then the update
 * processor (`addGlobalStore`'s `stateUpdateSupplier`, or the DSL's table source), which writes
 * the store. Records that fail to deserialize go to the deserialization exception handler.
 */
export interface GlobalStateTask {
  /** The global topics (each read entirely into one global store). */
  readonly topics: readonly string[];
  /** The name of the global store that `topic` (one of `topics`) is read into. */
  storeNameOf(topic: string): string;
  /** Opens the stores and reads the checkpoint; processors' `init()` runs here. */
  initialize(): Promise<void>;
  /** Offset of the last record of `tp` already in the stores, or undefined (read from the beginning). */
  checkpointOffset(tp: TopicPartition): number | undefined;
  /** Applies records of one partition of a global topic, in offset order. */
  update(tp: TopicPartition, records: readonly ConsumedRecord[]): Promise<void>;
  /** Flushes the stores and writes the checkpoint (offset of the last record applied per partition). */
  flushState(): Promise<void>;
  /** A global store by name (for `TaskEnvironment.globalStore` and interactive queries), or undefined. */
  store(name: string): unknown;
  /** Flushes (clean), writes the checkpoint (clean), closes processors and stores, releases the lock. */
  close(clean: boolean): Promise<void>;
}

/** What a global state task needs from the runtime. */
export interface GlobalStateEnvironment {
  readonly config: ResolvedStreamsConfig;
  /** Wall-clock time in ms. */
  readonly clock: () => number;
}

/**
 * The global state task of `topology`, or undefined when it has no global stores. Processors
 * are created and serdes resolved now; `initialize()` opens the stores.
 * @throws ConfigException when a global source has no serde and no default is configured
 */
export function createGlobalStateTask(topology: Topology, env: GlobalStateEnvironment): GlobalStateTask | undefined {
  const plans = topology.globalStorePlans();
  return plans.length === 0 ? undefined : new GlobalStateTaskImpl(plans, env);
}

interface GlobalSource {
  readonly plan: GlobalStorePlan;
  readonly node: TaskNode;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly extractor: TimestampExtractor;
}

const GLOBAL_TASK_ID = 'global';

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

class GlobalStateTaskImpl implements GlobalStateTask, TaskServices {
  readonly topics: readonly string[];
  readonly #env: GlobalStateEnvironment;
  readonly #log: Logger;
  readonly #sources = new Map<string, GlobalSource>();
  readonly #stores = new Map<string, StateStore>();
  readonly #directory: string;
  readonly #checkpoint: CheckpointFile;
  /** `topic:partition` → offset of the last record applied (or checkpointed). */
  readonly #offsets = new Map<string, { topic: string; partition: number; offset: number }>();
  readonly #deserializationDecision: HandlerDecision;
  #lock: TaskDirectoryLock | undefined;
  #current: ConsumedRecord | undefined;
  #open = false;

  constructor(plans: readonly GlobalStorePlan[], env: GlobalStateEnvironment) {
    this.#env = env;
    this.#log = logger.child({ task: GLOBAL_TASK_ID });
    this.#directory = taskDirectoryPath(env.config.stateDir, env.config.applicationId, GLOBAL_TASK_ID);
    this.#checkpoint = new CheckpointFile(this.#directory);
    this.#deserializationDecision = decisionOf(env.config.deserializationExceptionHandler);
    const config = env.config;
    const defaultExtractor = (config.raw['default.timestamp.extractor'] as TimestampExtractor | undefined) ?? new FailOnInvalidTimestamp();
    for (const plan of plans) {
      const processor = supplyProcessor(plan.processor.supplier);
      if (processor === null || typeof processor !== 'object' || typeof processor.process !== 'function') {
        throw new StreamsException(`The supplier of processor ${plan.processor.name} must return an object with process(), but returned: ${String(processor)}`);
      }
      const node: TaskNode = {
        name: plan.processor.name,
        processor,
        children: [],
        childByName: new Map(),
        stores: new Set(plan.processor.stores),
        tail: undefined,
        context: undefined,
      };
      node.context = new ProcessorContextImpl(node, this);
      const keySerde = plan.source.options.keySerde ?? config.defaultKeySerde;
      const valueSerde = plan.source.options.valueSerde ?? config.defaultValueSerde;
      if (keySerde === undefined || valueSerde === undefined) {
        const which = keySerde === undefined ? 'key' : 'value';
        throw new ConfigException(`No ${which} serde for global source ${plan.source.name}: pass one in its options or set 'default.${which}.serde' in the config`);
      }
      this.#sources.set(plan.topic, { plan, node, keySerde, valueSerde, extractor: plan.source.options.timestampExtractor ?? defaultExtractor });
    }
    this.topics = [...this.#sources.keys()];
  }

  storeNameOf(topic: string): string {
    const source = this.#sources.get(topic);
    if (source === undefined) throw new IllegalStateException(`Topic ${topic} is not a global topic (global topics: [${this.topics.join(', ')}])`);
    return source.plan.builder.name;
  }

  async initialize(): Promise<void> {
    if (this.#open) return;
    this.#lock = await lockTaskDirectory(this.#directory);
    try {
      for (const entry of await this.#checkpoint.read()) this.#offsets.set(`${entry.topic}:${entry.partition}`, entry);
      const context = {
        taskDirectory: this.#directory,
        applicationId: this.#env.config.applicationId,
        defaultKeySerde: this.#env.config.defaultKeySerde,
        defaultValueSerde: this.#env.config.defaultValueSerde,
      };
      for (const [topic, { plan }] of this.#sources) {
        // The global topic is the store's changelog, and so the topic its serdes see (as in Kafka).
        const store = plan.builder.build({ ...context, serdeTopic: topic });
        this.#stores.set(store.name, store);
        await store.init();
      }
      for (const { node } of this.#sources.values()) {
        const result = node.processor.init?.(node.context as ProcessorContextImpl);
        if (isPromise(result)) await result;
      }
      this.#open = true;
    } catch (error) {
      await this.#closeStores();
      await this.#lock.release();
      this.#lock = undefined;
      throw error;
    }
  }

  checkpointOffset(tp: TopicPartition): number | undefined {
    return this.#offsets.get(`${tp.topic}:${tp.partition}`)?.offset;
  }

  async update(tp: TopicPartition, records: readonly ConsumedRecord[]): Promise<void> {
    if (!this.#open) throw new IllegalStateException('The global state task is not initialized');
    const source = this.#sources.get(tp.topic);
    if (source === undefined) throw new IllegalStateException(`Topic ${tp.topic} is not a global topic (global topics: [${this.topics.join(', ')}])`);
    const key = `${tp.topic}:${tp.partition}`;
    for (const raw of records) {
      this.#current = raw;
      try {
        await this.#apply(source, raw);
      } finally {
        this.#current = undefined;
      }
      this.#offsets.set(key, { topic: tp.topic, partition: tp.partition, offset: raw.offset });
    }
  }

  async flushState(): Promise<void> {
    for (const store of this.#stores.values()) await store.flush();
    await this.#checkpoint.write([...this.#offsets.values()]);
  }

  store(name: string): unknown {
    return this.#stores.get(name);
  }

  async close(clean: boolean): Promise<void> {
    if (this.#lock === undefined) return;
    let failure: unknown;
    if (clean && this.#open) {
      try {
        await this.flushState();
      } catch (error) {
        failure = error;
      }
    }
    for (const { node } of this.#open ? this.#sources.values() : []) {
      try {
        const result = node.processor.close?.();
        if (isPromise(result)) await result;
      } catch (error) {
        failure ??= error;
      }
    }
    this.#open = false;
    await this.#closeStores();
    await this.#lock.release();
    this.#lock = undefined;
    if (clean && failure !== undefined) throw failure;
  }

  // TaskServices, for the update processors' contexts ------------------------------------------

  get applicationId(): string {
    return this.#env.config.applicationId;
  }

  get taskId(): string {
    return GLOBAL_TASK_ID;
  }

  appConfigs(): Readonly<{ [key: string]: unknown }> {
    return this.#env.config.raw;
  }

  /** Update processors have no children: forwarding goes nowhere, as in Kafka's global context. */
  dispatch(): void {
    return undefined;
  }

  schedule(node: TaskNode): Cancellable {
    throw new StreamsException(`Processor ${node.name} updates a global store: punctuation is not supported in a global processor (as in Kafka Streams)`, 'ILLEGAL_STATE');
  }

  recordMetadata(): RecordMetadata | undefined {
    const raw = this.#current;
    return raw === undefined ? undefined : { topic: raw.topic, partition: raw.partition, offset: raw.offset };
  }

  streamTime(): number {
    return -1;
  }

  systemTime(): number {
    return this.#env.clock();
  }

  requestCommit(): void {}

  getStateStore(node: TaskNode, name: string): unknown {
    const store = this.#stores.get(name);
    if (store === undefined) throw new StreamsException(`Processor ${node.name} has no access to StateStore ${name}: it is not a global store`, 'UNKNOWN_STORE');
    return store;
  }

  // ---------------------------------------------------------------------------------------------

  async #apply(source: GlobalSource, raw: ConsumedRecord): Promise<void> {
    let key: unknown;
    let value: unknown;
    try {
      key = source.keySerde.deserialize(raw.topic, raw.key, raw.headers);
      value = source.valueSerde.deserialize(raw.topic, raw.value, raw.headers);
    } catch (e) {
      const error = asError(e);
      if (this.#deserializationDecision === 'fail') throw deserializationFailure(raw, source.plan.source.name, error);
      this.#log.warn({ err: error, topic: raw.topic, partition: raw.partition, offset: raw.offset }, 'deserialization failed; global record skipped');
      return;
    }
    const timestamp = source.extractor.extract(
      { topic: raw.topic, partition: raw.partition, offset: raw.offset, key, value, timestamp: raw.timestamp, headers: raw.headers },
      -1,
    );
    const result = source.node.processor.process(new Record(key, value, timestamp, raw.headers));
    if (isPromise(result)) await result;
  }

  async #closeStores(): Promise<void> {
    for (const store of this.#stores.values()) {
      await store.close().catch((error: unknown) => this.#log.warn({ err: error, store: store.name }, 'closing a global store failed'));
    }
    this.#stores.clear();
  }
}
