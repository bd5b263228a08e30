import type { Logger } from 'pino';
import { ConfigException, IllegalStateException, StreamsException } from '../errors.js';
import type { ConsumedRecord, TopicPartition, TopicPartitionOffset } from '../kafka/port.js';
import { logger } from '../logger.js';
import { supplyProcessor, type Processor } from '../processor/processor.js';
import { PunctuationType, type Cancellable, type Punctuator } from '../processor/punctuation.js';
import { Record } from '../processor/record.js';
import type { RecordContext, RecordMetadata } from '../processor/record-metadata.js';
import { FailOnInvalidTimestamp, type TimestampExtractor } from '../processor/timestamp-extractor.js';
import type { Serde } from '../serde/serde.js';
import type { Topology } from '../topology/topology.js';
import type { SourceNodeDef, SubtopologyPlan } from '../topology/topology-nodes.js';
import {
  asError, deadLetterRecord, decisionOf, deserializationFailure, isPassThrough, processingFailure, productionDecision, serializationFailure, type HandlerDecision,
} from './exception-handlers.js';
import { RecordCache } from '../state/record-cache.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreTaskContext } from '../state/store-task-context.js';
import { decodeTopicPartitionMetadata, encodeTopicPartitionMetadata } from './topic-partition-metadata.js';
import { PartitionGroup, type PreparedHead, type RecordQueue } from './partition-group.js';
import { ProcessorContextImpl, type TaskNode, type TaskServices } from './processor-context-impl.js';
import { parseTaskId, type ChangelogPartition, type StreamTask, type TaskEnvironment, type TaskId } from './task.js';
import { SinkProcessor } from './task-sink.js';
import { PunctuationQueue, type PunctuationSchedule } from './task-punctuation-queue.js';
import { TaskStateMachine } from './task-state.js';
import { TaskStateManager } from './task-state-manager.js';

type AnyRecord = Record<unknown, unknown>;

interface SourceRuntime {
  readonly node: TaskNode;
  readonly keySerde: Serde<unknown>;
  readonly valueSerde: Serde<unknown>;
  readonly extractor: TimestampExtractor;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Creates the task that runs sub-topology `<s>` of `topology` over partition group `<p>` for task
 * id `<s>_<p>`. The runtime (`KafkaStreams`) and the `TopologyTestDriver` both run tasks made here.
 *
 * Processors are created (suppliers called) and serdes resolved now; `initialize()` calls the
 * processors' `init`.
 *
 * @param partitions the task's input partitions: one partition of each source topic of the sub-topology
 * @throws ConfigException when a source or sink has no serde and no default is configured
 * @throws StreamsException when a partition's topic is not read by the sub-topology
 */
export function createStreamTask(topology: Topology, taskId: TaskId, partitions: readonly TopicPartition[], env: TaskEnvironment): StreamTask {
  const plan = topology.subtopologyPlan(parseTaskId(taskId).subtopology, env.config.applicationId);
  return new StreamTaskImpl(plan, taskId, partitions, env);
}

class StreamTaskImpl implements StreamTask, TaskServices {
  readonly id: TaskId;
  readonly partitions: readonly TopicPartition[];
  readonly #env: TaskEnvironment;
  readonly #log: Logger;
  readonly #state: TaskStateMachine;
  readonly #group: PartitionGroup;
  readonly #nodes = new Map<string, TaskNode>();
  readonly #sources = new Map<string, SourceRuntime>();
  readonly #streamTimePunctuation = new PunctuationQueue();
  readonly #wallClockPunctuation = new PunctuationQueue();
  readonly #deserializationDecision: HandlerDecision;
  readonly #processingDecision: HandlerDecision;
  #commitRequested = false;
  /** What `prepareCommit` returned, for `postCommit` once those offsets are committed. */
  #offsetsBeingCommitted: readonly TopicPartitionOffset[] = [];
  /** The input record being processed; undefined during punctuation. */
  #current: ConsumedRecord | undefined;
  /** Async work started for the current input record or punctuation, awaited before the next. */
  #pending: Promise<void>[] = [];
  #asyncError: unknown;
  /** A process/punctuate call is running; the caller must await each before the next. */
  #busy = false;
  readonly #stateManager: TaskStateManager;
  /** What processors keep across restarts in the commit metadata (Kafka's `ProcessorMetadata`): emit-final close times. */
  readonly #processorMetadata = new Map<string, number>();
  /** Timestamp and headers of the record the task is processing (what stores log and cache with). */
  #recordTimestamp = -1;
  #recordHeaders: RecordContext['headers'] = [];

  constructor(plan: SubtopologyPlan, taskId: TaskId, partitions: readonly TopicPartition[], env: TaskEnvironment) {
    this.id = taskId;
    this.partitions = [...partitions];
    this.#env = env;
    this.#log = logger.child({ task: taskId });
    this.#state = new TaskStateMachine(taskId);
    this.#deserializationDecision = decisionOf(env.config.deserializationExceptionHandler);
    this.#processingDecision = decisionOf(env.config.processingExceptionHandler);
    for (const p of partitions) {
      if (!plan.sourceByTopic.has(p.topic)) {
        throw new StreamsException(
          `Task ${taskId} was given partition ${p.topic}-${p.partition}, but sub-topology ${plan.id} reads only [${[...plan.sourceByTopic.keys()].join(', ')}]`,
          'ILLEGAL_STATE',
        );
      }
    }
    this.#group = new PartitionGroup(this.partitions);
    this.#buildNodes(plan);
    const cache = env.recordCache ?? (plan.stores.length > 0 ? new RecordCache(env.config.cacheMaxBytes) : undefined);
    const storeContext: StoreTaskContext = {
      taskId,
      partition: parseTaskId(taskId).partition,
      cache: cache !== undefined && cache.maxBytes > 0 ? cache : undefined,
      recordContext: () => this.#storeRecordContext(),
      logChange: (topic, key, value, timestamp) => {
        env.collector.send({ topic, partition: storeContext.partition, key, value, timestamp });
        env.onChangelogRecord?.(topic, storeContext.partition, key, value, timestamp);
      },
      reportChange: (topic, key, value, timestamp) => env.onChangelogRecord?.(topic, storeContext.partition, key, value, timestamp),
      forwardWithContext: (context, forward) => this.#forwardWithContext(context, forward),
    };
    this.#stateManager = new TaskStateManager(taskId, storeContext.partition, plan.stores, env.config, env.collector, storeContext, this.#log, env.warmStores);
  }

  // ---------------------------------------------------------------------------------------------
  // StreamTask

  async initialize(): Promise<void> {
    this.#state.require('CREATED', 'initialize');
    await this.#stateManager.open();
    if (this.#stateManager.changelogPartitions().length > 0) {
      this.#state.transitionTo('RESTORING');
      return;
    }
    await this.#initProcessors();
  }

  get restoring(): boolean {
    return this.#state.state === 'RESTORING';
  }

  changelogPartitions(): readonly ChangelogPartition[] {
    return this.#stateManager.changelogPartitions();
  }

  async restoreBatch(topic: string, partition: number, records: readonly ConsumedRecord[]): Promise<void> {
    this.#state.require('RESTORING', `restore ${topic}-${partition}`);
    await this.#stateManager.restoreBatch(topic, partition, records);
  }

  async markRestored(): Promise<void> {
    if (this.#state.state === 'RUNNING') return;
    this.#state.require('RESTORING', 'end restoration');
    if (this.#env.config.processingGuarantee === 'at_least_once') await this.#stateManager.checkpoint(true);
    await this.#initProcessors();
  }

  store(name: string): StateStore | undefined {
    return this.#stateManager.store(name);
  }

  /**
   * Kafka Streams' `initializeTaskTime`, before the processors' `init()`: each input partition's
   * time comes back from the metadata committed with its offset, stream time with them, and the
   * processor metadata (highest value per key over the partitions), so a task that starts again
   * judges lateness and closes windows from where it was, not from "unknown".
   */
  async #initializeTime(): Promise<void> {
    if (this.#env.committed === undefined) return;
    const committed = await this.#env.committed(this.partitions);
    for (const c of committed) {
      if (c.offset < 0) continue;
      const { partitionTime, processorMetadata } = decodeTopicPartitionMetadata(c.metadata);
      const queue = this.#group.queueOf(c);
      if (queue !== undefined && partitionTime > queue.partitionTime) queue.partitionTime = partitionTime;
      if (partitionTime > this.#group.streamTime) this.#group.streamTime = partitionTime;
      for (const [key, value] of processorMetadata) if (value > (this.#processorMetadata.get(key) ?? Number.NEGATIVE_INFINITY)) this.#processorMetadata.set(key, value);
    }
  }

  async #initProcessors(): Promise<void> {
    await this.#initializeTime();
    for (const node of this.#nodes.values()) {
      const result = node.processor.init?.(node.context as ProcessorContextImpl);
      if (isPromise(result)) await result;
    }
    this.#state.transitionTo('RUNNING');
  }

  addRecords(partition: TopicPartition, records: readonly ConsumedRecord[], highWatermark?: number): void {
    const queue = this.#group.queueOf(partition);
    if (queue === undefined) {
      throw new StreamsException(`Task ${this.id} does not own partition ${partition.topic}-${partition.partition}`, 'ILLEGAL_STATE');
    }
    queue.add(records);
    const last = records.at(-1);
    if (highWatermark !== undefined && last !== undefined) this.#env.metrics?.recordLag?.(this.id, partition, Math.max(0, highWatermark - last.offset - 1));
  }

  bufferedCount(partition: TopicPartition): number {
    return this.#group.queueOf(partition)?.size ?? 0;
  }

  async process(_wallClockMs: number): Promise<boolean> {
    this.#enter('process records');
    try {
      const queue = this.#nextQueue();
      if (queue === undefined) return false;
      const head = this.#group.poll(queue) as PreparedHead;
      const raw = head.raw;
      const source = this.#sources.get(raw.topic) as SourceRuntime;
      this.#current = raw;
      this.#markConsumed(queue, raw);
      const result = this.dispatch(source.node, new Record(head.key, head.value, head.timestamp, raw.headers));
      if (result !== undefined || this.#pending.length > 0) await this.#drain();
      this.#env.metrics?.increment('process', this.id);
      return true;
    } finally {
      this.#current = undefined;
      this.#pending = [];
      this.#asyncError = undefined;
      this.#busy = false;
    }
  }

  async maybePunctuateStreamTime(): Promise<boolean> {
    this.#enter('punctuate');
    try {
      const streamTime = this.#group.streamTime;
      // Unknown stream time (no record yet): nothing can be due.
      if (streamTime < 0) return false;
      return await this.#streamTimePunctuation.maybePunctuate(streamTime, (s, now) => this.#punctuate(s, now));
    } finally {
      this.#busy = false;
    }
  }

  async maybePunctuateSystemTime(wallClockMs: number): Promise<boolean> {
    this.#enter('punctuate');
    try {
      return await this.#wallClockPunctuation.maybePunctuate(wallClockMs, (s, now) => this.#punctuate(s, now));
    } finally {
      this.#busy = false;
    }
  }

  commitRequested(): boolean {
    return this.#commitRequested;
  }

  async prepareCommit(): Promise<TopicPartitionOffset[]> {
    // Every record is processed to completion inside process(), so all output is with the
    // collector already, except what caches hold: flushing forwards it now.
    if (this.#state.state === 'RUNNING' || this.#state.state === 'RESTORING') await this.#flushState();
    const offsets: TopicPartitionOffset[] = [];
    for (const q of this.#group.queues) {
      if (!q.progressed) continue;
      // Kafka Streams' commit metadata: the partition's time and the processors' metadata, read back by #initializeTime.
      const metadata = encodeTopicPartitionMetadata(q.partitionTime, this.#processorMetadata);
      offsets.push({ topic: q.partition.topic, partition: q.partition.partition, offset: q.nextOffset, metadata });
    }
    this.#offsetsBeingCommitted = offsets;
    return offsets;
  }

  async postCommit(): Promise<void> {
    // Stores whose changelog is an input topic now hold it up to the committed offsets.
    this.#stateManager.updateSourceTopicOffsets(this.#offsetsBeingCommitted);
    this.#offsetsBeingCommitted = [];
    for (const q of this.#group.queues) q.progressed = false;
    this.#commitRequested = false;
    if (this.#env.config.processingGuarantee === 'at_least_once') await this.#stateManager.checkpoint(false);
  }

  async close(clean: boolean): Promise<void> {
    if (this.#state.state === 'CLOSED') return;
    const initialized = this.#state.state === 'RUNNING';
    let firstError: unknown;
    if (clean && (initialized || this.#state.state === 'RESTORING')) {
      try {
        await this.#flushState();
      } catch (e) {
        firstError = e;
      }
    }
    this.#state.transitionTo('CLOSED');
    this.#streamTimePunctuation.clear();
    this.#wallClockPunctuation.clear();
    this.#group.clear();
    for (const node of initialized ? this.#nodes.values() : []) {
      try {
        const result = node.processor.close?.();
        if (isPromise(result)) await result;
      } catch (e) {
        this.#log.warn({ err: asError(e), processor: node.name }, 'processor close() failed');
        firstError ??= e;
      }
    }
    try {
      await this.#stateManager.close(clean && firstError === undefined);
    } catch (e) {
      this.#log.warn({ err: asError(e) }, 'closing the task state failed');
      firstError ??= e;
    }
    if (clean && firstError !== undefined) {
      throw new StreamsException(`Closing task ${this.id} failed: ${asError(firstError).message}`, 'PROCESSING', { cause: firstError });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // TaskServices (for the processor contexts)

  get applicationId(): string {
    return this.#env.config.applicationId;
  }

  get taskId(): string {
    return this.id;
  }

  appConfigs(): Readonly<{ [key: string]: unknown }> {
    return this.#env.config.raw;
  }

  /**
   * Runs `record` through `node`. Synchronous processors run at once (depth first). If the node
   * is still busy with an earlier async record, this one is chained after it, so every node sees
   * records in the order they were forwarded to it.
   */
  dispatch(node: TaskNode, record: AnyRecord): void | Promise<void> {
    if (node.tail !== undefined) {
      const chained = node.tail.then(() => this.#invoke(node, record));
      this.#setTail(node, chained);
      return chained;
    }
    const result = this.#invoke(node, record);
    if (result === undefined) return undefined;
    this.#setTail(node, result);
    return result;
  }

  schedule(node: TaskNode, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (type === PunctuationType.STREAM_TIME) {
      // Kafka aligns stream-time punctuation to 0: it fires as soon as stream time is known.
      return this.#streamTimePunctuation.schedule(node.name, 0, intervalMs, punctuator);
    }
    return this.#wallClockPunctuation.schedule(node.name, this.#env.clock() + intervalMs, intervalMs, punctuator);
  }

  recordMetadata(): RecordMetadata | undefined {
    const raw = this.#current;
    return raw === undefined ? undefined : { topic: raw.topic, partition: raw.partition, offset: raw.offset };
  }

  streamTime(): number {
    return this.#group.streamTime;
  }

  systemTime(): number {
    return this.#env.clock();
  }

  requestCommit(): void {
    this.#commitRequested = true;
  }

  processorMetadataForKey(key: string): number | undefined {
    return this.#processorMetadata.get(key);
  }

  addProcessorMetadataKeyValue(key: string, value: number): void {
    this.#processorMetadata.set(key, value);
  }

  recordDropped(): void {
    this.#env.metrics?.increment('dropped-records', this.id);
  }

  getStateStore(node: TaskNode, name: string): unknown {
    const global = this.#env.globalStore?.(name);
    if (global !== undefined) return global;
    const store = node.stores.has(name) ? this.#stateManager.store(name) : undefined;
    if (store === undefined) {
      throw new StreamsException(
        `Processor ${node.name} has no access to StateStore ${name} as the store is not connected to the processor. ` +
          `If you add stores manually via '.addStateStore()' make sure to connect the added store to the processor by providing ` +
          `the processor name to '.addStateStore()' or connect them via '.connectProcessorAndStateStores()'.`,
        'UNKNOWN_STORE',
      );
    }
    return store;
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  #storeRecordContext(): RecordContext {
    const raw = this.#current;
    return {
      topic: raw?.topic,
      partition: raw?.partition ?? -1,
      offset: raw?.offset ?? -1,
      timestamp: this.#recordTimestamp,
      headers: this.#recordHeaders,
    };
  }

  /**
   * Runs a cache flush listener as if the update it forwards were being processed now: the
   * record context (metadata, sinks' record context, what stores log) is the update's, and the
   * downstream work it starts completes before the next entry.
   */
  async #forwardWithContext(context: RecordContext, forward: () => void | Promise<void>): Promise<void> {
    const saved = { current: this.#current, timestamp: this.#recordTimestamp, headers: this.#recordHeaders };
    this.#current =
      context.topic === undefined
        ? undefined
        : { topic: context.topic, partition: context.partition, offset: context.offset, key: null, value: null, timestamp: context.timestamp, headers: context.headers };
    this.#recordTimestamp = context.timestamp;
    this.#recordHeaders = context.headers;
    try {
      const result = forward();
      if (isPromise(result)) await result;
    } finally {
      this.#current = saved.current;
      this.#recordTimestamp = saved.timestamp;
      this.#recordHeaders = saved.headers;
    }
  }

  /** Flushes the stores (caches forward), then finishes any async work that forwarding started. */
  async #flushState(): Promise<void> {
    try {
      await this.#stateManager.flush();
      await this.#drain();
    } finally {
      this.#pending = [];
      this.#asyncError = undefined;
    }
  }

  #enter(action: string): void {
    this.#state.require('RUNNING', action);
    if (this.#busy) {
      throw new IllegalStateException(`Task ${this.id} cannot ${action} while another process or punctuate call is running: await each call before the next`);
    }
    this.#busy = true;
  }

  #buildNodes(plan: SubtopologyPlan): void {
    const config = this.#env.config;
    const defaultExtractor = (config.raw['default.timestamp.extractor'] as TimestampExtractor | undefined) ?? new FailOnInvalidTimestamp();
    for (const def of plan.nodes) {
      let processor: Processor<unknown, unknown, unknown, unknown>;
      switch (def.kind) {
        case 'source':
          processor = { process: (record) => node.context?.forward(record) };
          break;
        case 'processor':
          processor = supplyProcessor(def.supplier);
          if (processor === null || typeof processor !== 'object' || typeof processor.process !== 'function') {
            throw new StreamsException(`The supplier of processor ${def.name} must return an object with process(), but returned: ${String(processor)}`);
          }
          break;
        case 'sink':
          processor = new SinkProcessor(
            {
              name: def.name,
              topic: typeof def.topic === 'string' ? (plan.sinkTopic.get(def.name) as string) : def.topic,
              keySerde: this.#serde(def.options.keySerde, config.defaultKeySerde, 'key', `sink ${def.name}`, 'default.key.serde'),
              valueSerde: this.#serde(def.options.valueSerde, config.defaultValueSerde, 'value', `sink ${def.name}`, 'default.value.serde'),
              partitioner: def.options.partitioner,
              recordContext: (record) => this.#recordContext(record),
              onSerializationError: (e, record, topic) => this.#onSerializationError(def.name, e, record, topic),
            },
            this.#env,
          );
          break;
      }
      const stores: ReadonlySet<string> = new Set(def.kind === 'processor' ? def.stores : []);
      const node: TaskNode = { name: def.name, processor, children: [], childByName: new Map(), stores, tail: undefined, context: undefined };
      node.context = new ProcessorContextImpl(node, this);
      this.#nodes.set(def.name, node);
      if (def.kind === 'source') {
        // Serdes of sources are resolved before those of later nodes, so a missing one is reported first.
        for (const [topic, source] of plan.sourceByTopic) {
          if (source === def && this.partitions.some((p) => p.topic === topic)) this.#sources.set(topic, this.#sourceRuntime(def, defaultExtractor));
        }
      }
    }
    for (const [name, childNames] of plan.children) {
      const node = this.#nodes.get(name) as TaskNode;
      for (const childName of childNames) {
        const child = this.#nodes.get(childName) as TaskNode;
        node.children.push(child);
        node.childByName.set(childName, child);
      }
    }
  }

  #sourceRuntime(def: SourceNodeDef, defaultExtractor: TimestampExtractor): SourceRuntime {
    const config = this.#env.config;
    return {
      node: this.#nodes.get(def.name) as TaskNode,
      keySerde: this.#serde(def.options.keySerde, config.defaultKeySerde, 'key', `source ${def.name}`, 'default.key.serde'),
      valueSerde: this.#serde(def.options.valueSerde, config.defaultValueSerde, 'value', `source ${def.name}`, 'default.value.serde'),
      extractor: def.options.timestampExtractor ?? defaultExtractor,
    };
  }

  #serde(given: Serde<unknown> | undefined, fallback: Serde<unknown> | undefined, which: 'key' | 'value', node: string, configKey: string): Serde<unknown> {
    const serde = given ?? fallback;
    if (serde === undefined) {
      throw new ConfigException(`No ${which} serde for ${node}: pass one (e.g. Consumed/Produced.with, or the node's options) or set '${configKey}' in the config`);
    }
    return serde;
  }

  #recordContext(record: AnyRecord): RecordContext {
    const raw = this.#current;
    return {
      topic: raw?.topic,
      partition: raw?.partition ?? -1,
      offset: raw?.offset ?? -1,
      timestamp: record.timestamp,
      headers: record.headers ?? [],
    };
  }

  #setTail(node: TaskNode, promise: Promise<void>): void {
    node.tail = promise;
    // Handled here, so a rejection is never "unhandled" even if nobody awaits forward().
    const settled = promise.then(
      () => {
        if (node.tail === promise) node.tail = undefined;
      },
      (e: unknown) => {
        if (node.tail === promise) node.tail = undefined;
        this.#asyncError ??= e;
      },
    );
    this.#pending.push(settled);
  }

  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      await Promise.all(batch);
    }
    if (this.#asyncError !== undefined) throw this.#asyncError;
  }

  /** Calls one node's `process`, sending its errors to the processing exception handler. */
  #invoke(node: TaskNode, record: AnyRecord): void | Promise<void> {
    let result: void | Promise<void>;
    this.#recordTimestamp = record.timestamp;
    this.#recordHeaders = record.headers ?? [];
    try {
      result = node.processor.process(record);
    } catch (e) {
      this.#onProcessingError(node, e);
      return undefined;
    }
    if (!isPromise(result)) return undefined;
    return result.then(undefined, (e: unknown) => this.#onProcessingError(node, e));
  }

  /** Throws when the decision is to fail; otherwise logs, counts or dead-letters, and returns. */
  #onProcessingError(node: TaskNode, e: unknown): void {
    if (isPassThrough(e)) throw e;
    const error = asError(e);
    const raw = this.#current;
    const decision = this.#processingDecision;
    if (decision === 'fail') {
      this.#log.error({ err: error, processor: node.name, ...this.recordMetadata() }, 'processing failed; the processing exception handler is logAndFail');
      throw processingFailure(raw, node.name, error);
    }
    this.#env.metrics?.increment('processing-errors', this.id);
    if (decision === 'deadLetter' && raw !== undefined) {
      this.#env.collector.send(deadLetterRecord(this.#env.config.deadLetterQueueTopic as string, raw, error));
      this.#env.metrics?.increment('dead-letter-records', this.id);
      this.#log.warn({ err: error, processor: node.name, ...this.recordMetadata() }, 'processing failed; record sent to the dead letter queue');
    } else {
      this.#env.metrics?.increment('skipped-records', this.id);
      this.#log.warn({ err: error, processor: node.name, ...this.recordMetadata() }, 'processing failed; record skipped');
    }
  }

  /**
   * A sink's serde threw (KIP-399): the production exception handler decides. Fail: the task
   * fails (not handled again by the processing handler). Otherwise the record is dropped,
   * counted in `dropped-records`; 'deadLetterQueue' also writes the input record to the DLQ.
   */
  #onSerializationError(sink: string, e: unknown, record: AnyRecord, topic: string): void {
    if (isPassThrough(e)) throw e;
    const error = asError(e);
    const raw = this.#current;
    const context = { taskId: this.id, processorNodeId: sink, ...(raw === undefined ? {} : { topic: raw.topic, partition: raw.partition, offset: raw.offset }) };
    const failed = { topic, key: record.key, value: record.value, timestamp: record.timestamp, headers: record.headers ?? [] };
    const decision = productionDecision(this.#env.config.productionExceptionHandler, context, failed, error, 'SERIALIZATION');
    const where = { sink, sinkTopic: topic, ...this.recordMetadata() };
    if (decision === 'fail') {
      this.#log.error({ err: error, ...where }, 'serialization failed at a sink; the production exception handler is fail');
      throw serializationFailure(sink, topic, raw, error);
    }
    this.#env.metrics?.increment('dropped-records', this.id);
    if (decision === 'deadLetter' && raw !== undefined) {
      this.#env.collector.send(deadLetterRecord(this.#env.config.deadLetterQueueTopic as string, raw, error));
      this.#env.metrics?.increment('dead-letter-records', this.id);
      this.#log.warn({ err: error, ...where }, 'serialization failed at a sink; input record sent to the dead letter queue');
    } else {
      this.#log.warn({ err: error, ...where }, 'serialization failed at a sink; record dropped');
    }
  }

  async #punctuate(schedule: PunctuationSchedule, now: number): Promise<void> {
    const node = this.#nodes.get(schedule.nodeName) as TaskNode;
    this.#current = undefined;
    // Kafka's record context in punctuation: the punctuation time, no headers.
    this.#recordTimestamp = now;
    this.#recordHeaders = [];
    try {
      try {
        const result = schedule.punctuator(now);
        if (isPromise(result)) await result;
      } finally {
        // Work forwarded by the punctuator finishes before the next punctuator or record.
        await this.#drain();
      }
    } catch (e) {
      this.#onProcessingError(node, e);
    } finally {
      this.#pending = [];
      this.#asyncError = undefined;
    }
  }

  /** Prepares the head of every queue (deserialize, extract timestamp), then picks the smallest. */
  #nextQueue(): RecordQueue | undefined {
    for (const queue of this.#group.queues) {
      while (queue.head === undefined) {
        const raw = queue.takeRaw();
        if (raw === undefined) break;
        const head = this.#prepare(queue, raw);
        if (head !== undefined) queue.setHead(head);
      }
    }
    return this.#group.nextQueue();
  }

  #prepare(queue: RecordQueue, raw: ConsumedRecord): PreparedHead | undefined {
    const source = this.#sources.get(raw.topic) as SourceRuntime;
    let key: unknown;
    let value: unknown;
    try {
      key = source.keySerde.deserialize(raw.topic, raw.key, raw.headers);
      value = source.valueSerde.deserialize(raw.topic, raw.value, raw.headers);
    } catch (e) {
      this.#onDeserializationError(queue, source.node.name, raw, asError(e));
      return undefined;
    }
    let timestamp: number;
    try {
      timestamp = source.extractor.extract(
        { topic: raw.topic, partition: raw.partition, offset: raw.offset, key, value, timestamp: raw.timestamp, headers: raw.headers },
        queue.partitionTime,
      );
    } catch (e) {
      const error = asError(e);
      throw new StreamsException(
        `Failed to extract the timestamp of the record at topic ${raw.topic} partition ${raw.partition} offset ${raw.offset}: ${error.message}`,
        'PROCESSING',
        { cause: error },
      );
    }
    if (typeof timestamp !== 'number' || !(timestamp >= 0)) {
      this.#log.warn({ topic: raw.topic, partition: raw.partition, offset: raw.offset, timestamp }, 'skipping record with invalid (negative) timestamp');
      this.#env.metrics?.increment('dropped-records', this.id);
      this.#markConsumed(queue, raw);
      return undefined;
    }
    return { raw, key, value, timestamp };
  }

  #onDeserializationError(queue: RecordQueue, sourceNode: string, raw: ConsumedRecord, error: Error): void {
    const where = { topic: raw.topic, partition: raw.partition, offset: raw.offset, source: sourceNode };
    switch (this.#deserializationDecision) {
      case 'fail':
        this.#log.error({ err: error, ...where }, 'deserialization failed; the deserialization exception handler is logAndFail');
        throw deserializationFailure(raw, sourceNode, error);
      case 'continue':
        this.#env.metrics?.increment('deserialization-errors', this.id);
        this.#env.metrics?.increment('skipped-records', this.id);
        this.#log.warn({ err: error, ...where }, 'deserialization failed; record skipped');
        break;
      case 'deadLetter':
        this.#env.metrics?.increment('deserialization-errors', this.id);
        this.#env.collector.send(deadLetterRecord(this.#env.config.deadLetterQueueTopic as string, raw, error));
        this.#env.metrics?.increment('dead-letter-records', this.id);
        this.#log.warn({ err: error, ...where }, 'deserialization failed; record sent to the dead letter queue');
        break;
    }
    this.#markConsumed(queue, raw);
  }

  #markConsumed(queue: RecordQueue, raw: ConsumedRecord): void {
    queue.nextOffset = raw.offset + 1;
    queue.progressed = true;
  }
}
