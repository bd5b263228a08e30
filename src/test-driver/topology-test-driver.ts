import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, type ResolvedStreamsConfig, type StreamsConfigInput } from '../config.js';
import { IllegalStateException, InvalidStateStoreException, StreamsException } from '../errors.js';
import type { ConsumedRecord, Header, ProducerRecord } from '../kafka/port.js';
import { createGlobalStateTask, type GlobalStateTask } from '../runtime/global-state-task.js';
import { WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG } from '../dsl/processors/emit-final-throttle.js';
import { createStreamTask } from '../runtime/stream-task.js';
import { taskIdOf, type StreamTask, type TaskEnvironment, type TaskMetricsSink } from '../runtime/task.js';
import type { Serde } from '../serde/serde.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import { RecordCache } from '../state/record-cache.js';
import type { SessionStore } from '../state/session-store.js';
import { cleanUpStateDirectory } from '../state/state-cleanup.js';
import type { StateStore } from '../state/state-store.js';
import { TypedTimestampedKeyValueStore, type TimestampedKeyValueStore } from '../state/timestamped-key-value-store.js';
import { TypedKeyValueStore } from '../state/typed-key-value-store.js';
import { TypedSessionStore } from '../state/typed-session-store.js';
import { TypedTimestampedWindowStore, type TimestampedWindowStore } from '../state/timestamped-window-store.js';
import { TypedWindowStore } from '../state/typed-window-store.js';
import type { WindowStore } from '../state/window-store.js';
import type { Topology } from '../topology/topology.js';
import { KeyValueStoreFacade } from './key-value-store-facade.js';
import { TestInputTopic } from './test-input-topic.js';
import { TestOutputTopic } from './test-output-topic.js';
import { WindowStoreFacade } from './window-store-facade.js';
import type { OutputRecord, TestDriverPort } from './test-record.js';

/** Options of `createInputTopic`: the clock for records piped without a timestamp. */
export interface TestInputTopicOptions {
  /** Timestamp (ms) of the first record without one; default: the driver's wall-clock time. */
  readonly startTimestampMs?: number;
  /** Added after each record without a timestamp; default 0. */
  readonly autoAdvanceMs?: number;
}

type MetricName = Parameters<TaskMetricsSink['increment']>[0];

/**
 * Runs a topology without a broker, for unit tests (Kafka's `TopologyTestDriver`). It drives the
 * same StreamTask as `KafkaStreams`, with one partition (0) per topic and a mock wall clock:
 *
 * - each piped record is processed to completion at once (so processing order is pipe order),
 *   then stream-time punctuators run and the task commits (SEMANTICS §1.2, §5.3);
 * - records written to a topic the topology reads (repartition topics, or `to('t')` then
 *   `stream('t')`) are piped back in, so multi-sub-topology programs work; they also stay readable;
 * - wall-clock punctuators fire only on `advanceWallClockTime`;
 * - state stores are real: persistent ones in LevelDB under a fresh temporary `state.dir` (unless
 *   the config names one) that `close()` deletes; as the task commits after every record, the
 *   record cache only merges the updates one input record causes (SEMANTICS §5.3). Changelog
 *   records are output like any other (topic `<application.id>-<store>-changelog`);
 * - records piped into a global store's topic update the global store at once.
 *
 * Each sub-topology runs as its own task (as in `KafkaStreams`), so stream time is per sub-topology.
 *
 * @example
 * await using driver = new TopologyTestDriver(builder.build(), { 'default.key.serde': Serdes.String() });
 * const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
 * const output = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
 * await input.pipeInput('k', 'hello', 1_000);
 * expect(output.readKeyValuesToList()).toEqual([{ key: 'k', value: 'HELLO' }]);
 */
/** Kafka's internal config of the outer stream-stream join's emit throttle (SEMANTICS §9.3). */
const OUTER_JOIN_EMIT_INTERVAL_CONFIG = '__emit.interval.ms.kstreams.outer.join.spurious.results.fix__';

export class TopologyTestDriver implements AsyncDisposable {
  readonly #config: ResolvedStreamsConfig;
  readonly #tasks: StreamTask[] = [];
  readonly #globalTask: GlobalStateTask | undefined;
  /** The temporary state directory this driver made (deleted on close), if the config named none. */
  readonly #ownStateDir: string | undefined;
  /** topic → partition → offset of the last record produced (the collector's acknowledged offsets). */
  readonly #producedOffsets = new Map<string, Map<number, number>>();
  /** Full source topic → the task reading it. */
  readonly #taskByTopic = new Map<string, StreamTask>();
  readonly #nextOffset = new Map<string, number>();
  /** Everything produced, per topic, not read yet. */
  readonly #outputs = new Map<string, OutputRecord[]>();
  /** Produced since the last capture, to pipe back into tasks that read them. */
  #justProduced: ProducerRecord[] = [];
  readonly #metrics = new Map<string, number>();
  #wallClockMs: number;
  #ready: Promise<void>;
  #closed = false;
  /** Serializes pipe/advance calls that users forget to await. */
  #queue: Promise<void> = Promise.resolve();

  /**
   * @param topology the topology to test
   * @param config streams config; `application.id` and `bootstrap.servers` default to dummies
   * @param initialWallClockMs start of the mock wall clock (default: now)
   * @throws ConfigException on invalid config or a missing serde
   */
  constructor(topology: Topology, config: Partial<StreamsConfigInput> = {}, initialWallClockMs: number = Date.now()) {
    const given = typeof config['state.dir'] === 'string' ? config['state.dir'] : undefined;
    this.#config = resolveConfig({
      // As Kafka's driver: outer stream-stream joins emit their non-joined results without the
      // runtime's once-a-second throttle, so every test sees them on the record that closes the window.
      [OUTER_JOIN_EMIT_INTERVAL_CONFIG]: 0,
      // Likewise windowed aggregations (time, sliding and session windows) with
      // EmitStrategy.onWindowClose() run their emit pass after every record; a config given here
      // (the same internal key) brings the throttle back, to test it with advanceWallClockTime().
      [WINDOWED_AGGREGATION_EMIT_INTERVAL_CONFIG]: 0,
      ...config,
      'application.id': config['application.id'] ?? 'dummy-topology-test-driver-app-id',
      'bootstrap.servers': config['bootstrap.servers'] ?? 'dummy-topology-test-driver:1234',
      'state.dir': given ?? '(temporary)',
    });
    const metadata = topology.metadata(this.#config.applicationId);
    // A fresh path, created only when a persistent store opens (so a constructor that throws leaves nothing behind).
    this.#ownStateDir = given === undefined ? join(tmpdir(), `kstreams-test-driver-${process.pid}-${randomBytes(6).toString('hex')}`) : undefined;
    if (this.#ownStateDir !== undefined) this.#config = { ...this.#config, stateDir: this.#ownStateDir };
    this.#wallClockMs = initialWallClockMs;
    const globalTask = createGlobalStateTask(topology, { config: this.#config, clock: () => this.#wallClockMs });
    this.#globalTask = globalTask;
    const env: TaskEnvironment = {
      config: this.#config,
      collector: {
        send: (record) => this.#onProduced(record),
        acknowledgedOffset: (topic, partition) => this.#producedOffsets.get(topic)?.get(partition),
      },
      clock: () => this.#wallClockMs,
      partitionsFor: () => 1,
      metrics: { increment: (name, _taskId, by = 1) => this.#metrics.set(name, (this.#metrics.get(name) ?? 0) + by) },
      recordCache: new RecordCache(this.#config.cacheMaxBytes),
      ...(globalTask === undefined ? {} : { globalStore: (name: string) => globalTask.store(name) }),
    };
    for (const sub of metadata.subtopologies) {
      const task = createStreamTask(topology, taskIdOf(sub.id, 0), sub.sourceTopics.map((topic) => ({ topic, partition: 0 })), env);
      this.#tasks.push(task);
      for (const topic of sub.sourceTopics) this.#taskByTopic.set(topic, task);
    }
    // Processors may init asynchronously; the first pipe/advance/close waits for it (and throws its error).
    this.#ready = (async () => {
      await this.#globalTask?.initialize();
      for (const task of this.#tasks) {
        await task.initialize();
        // Nothing to restore from: the driver's changelogs start empty.
        if (task.restoring) await task.markRestored();
      }
    })();
    this.#ready.catch(() => undefined);
  }

  /**
   * An input topic to pipe records into.
   * @param keySerde serializes keys (its serialize side is used)
   * @param valueSerde serializes values
   */
  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>, options: TestInputTopicOptions = {}): TestInputTopic<K, V> {
    this.#checkOpen();
    return new TestInputTopic(this.#port, topic, keySerde, valueSerde, options.startTimestampMs ?? this.#wallClockMs, options.autoAdvanceMs ?? 0);
  }

  /**
   * An output topic to read what the topology wrote.
   * @param keySerde deserializes keys
   * @param valueSerde deserializes values
   */
  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    this.#checkOpen();
    return new TestOutputTopic(this.#port, topic, keySerde, valueSerde);
  }

  /** Moves the mock wall clock forward, firing due wall-clock punctuators. */
  advanceWallClockTime(advanceMs: number): Promise<void> {
    if (!(advanceMs >= 0)) throw new RangeError(`advanceMs must be >= 0, but got: ${advanceMs}`);
    return this.#serialized(async () => {
      this.#wallClockMs += advanceMs;
      for (const task of this.#tasks) {
        await task.maybePunctuateSystemTime(this.#wallClockMs);
        await this.#commit(task);
      }
      await this.#completeAllProcessableWork();
    });
  }

  /** The mock wall-clock time (ms). */
  get wallClockTimeMs(): number {
    return this.#wallClockMs;
  }

  /** Names of all topics the topology wrote to (internal repartition topics included). */
  producedTopicNames(): Set<string> {
    return new Set(this.#produced);
  }

  /** Metric totals over all tasks, e.g. `skipped-records`, `dead-letter-records`. */
  metrics(): ReadonlyMap<string, number> {
    return new Map(this.#metrics);
  }

  /** @param name a metric name, e.g. 'skipped-records' @returns its total (0 when never counted) */
  metric(name: MetricName): number {
    return this.#metrics.get(name) ?? 0;
  }

  /**
   * A key-value store of the topology (or a global one), live: reads see what processors wrote,
   * writes are seen by them. A timestamped store (a KTable's) is shown with plain values, as
   * Kafka's driver does; use {@link getTimestampedKeyValueStore} for the timestamps.
   * Valid once the first record was piped (or after `await driver.ready()`).
   * @throws StreamsException `UNKNOWN_STORE` when there is no such store, `WRONG_STORE_TYPE` when it is not a key-value store
   */
  getKeyValueStore<K = unknown, V = unknown>(name: string): KeyValueStore<K, V> {
    const store = this.#store(name);
    if (store instanceof TypedTimestampedKeyValueStore) return new KeyValueStoreFacade(store as TimestampedKeyValueStore<K, V>);
    if (store instanceof TypedKeyValueStore) return store as KeyValueStore<K, V>;
    throw this.#wrongType(name, 'key-value');
  }

  /**
   * A timestamped key-value store (a KTable's), with values as `ValueAndTimestamp`.
   * @throws StreamsException `UNKNOWN_STORE` / `WRONG_STORE_TYPE`
   */
  getTimestampedKeyValueStore<K = unknown, V = unknown>(name: string): TimestampedKeyValueStore<K, V> {
    const store = this.#store(name);
    if (store instanceof TypedTimestampedKeyValueStore) return store as TimestampedKeyValueStore<K, V>;
    throw this.#wrongType(name, 'timestamped key-value');
  }

  /**
   * A window store of the topology, with plain values: a timestamped window store (a windowed
   * aggregation's) is seen without its timestamps, as Kafka's driver does; use
   * {@link getTimestampedWindowStore} for the timestamps.
   * @throws StreamsException `UNKNOWN_STORE` / `WRONG_STORE_TYPE`
   */
  getWindowStore<K = unknown, V = unknown>(name: string): WindowStore<K, V> {
    const store = this.#store(name);
    if (store instanceof TypedTimestampedWindowStore) return new WindowStoreFacade(store as TimestampedWindowStore<K, V>);
    if (store instanceof TypedWindowStore) return store as WindowStore<K, V>;
    throw this.#wrongType(name, 'window');
  }

  /**
   * A timestamped window store (a time- or sliding-windowed aggregation's), with values as `ValueAndTimestamp`.
   * @throws StreamsException `UNKNOWN_STORE` / `WRONG_STORE_TYPE`
   */
  getTimestampedWindowStore<K = unknown, V = unknown>(name: string): TimestampedWindowStore<K, V> {
    const store = this.#store(name);
    if (store instanceof TypedTimestampedWindowStore) return store as TimestampedWindowStore<K, V>;
    throw this.#wrongType(name, 'timestamped window');
  }

  /**
   * A session store of the topology.
   * @throws StreamsException `UNKNOWN_STORE` / `WRONG_STORE_TYPE`
   */
  getSessionStore<K = unknown, AGG = unknown>(name: string): SessionStore<K, AGG> {
    const store = this.#store(name);
    if (store instanceof TypedSessionStore) return store as SessionStore<K, AGG>;
    throw this.#wrongType(name, 'session');
  }

  /**
   * Any state store of the topology (task or global), as processors see it.
   * @throws StreamsException `UNKNOWN_STORE` when there is no such store
   */
  getStateStore<S extends StateStore = StateStore>(name: string): S {
    return this.#store(name) as S;
  }

  /** Resolves once every processor's `init()` ran (stores are open then); rejects with its error. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Closes all processors. Further pipes throw. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return this.#queue.then(
      () => this.#closeTasks(),
      () => this.#closeTasks(),
    );
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---------------------------------------------------------------------------------------------

  readonly #produced = new Set<string>();

  readonly #port: TestDriverPort = {
    pipe: (topic, key, value, timestamp, headers) => {
      this.#checkOpen();
      const globalTask = this.#globalTask;
      if (globalTask !== undefined && globalTask.topics.includes(topic)) {
        return this.#serialized(async () => {
          const offset = this.#nextOffset.get(topic) ?? 0;
          this.#nextOffset.set(topic, offset + 1);
          await globalTask.update({ topic, partition: 0 }, [{ topic, partition: 0, offset, key, value, timestamp, headers }]);
          await globalTask.flushState();
        });
      }
      if (!this.#taskByTopic.has(topic)) {
        const known = [...this.#taskByTopic.keys(), ...(globalTask?.topics ?? [])];
        throw new StreamsException(`Unknown topic: ${topic}. The topology reads [${known.join(', ')}]`, 'ILLEGAL_STATE');
      }
      return this.#serialized(async () => {
        this.#enqueue(topic, key, value, timestamp, headers);
        await this.#completeAllProcessableWork();
      });
    },
    readOutput: (topic) => this.#outputs.get(topic)?.shift(),
    outputSize: (topic) => this.#outputs.get(topic)?.length ?? 0,
  };

  async #closeTasks(): Promise<void> {
    await this.#ready.catch(() => undefined);
    let first: unknown;
    for (const task of this.#tasks) {
      try {
        await task.close(true);
      } catch (e) {
        first ??= e;
      }
    }
    try {
      await this.#globalTask?.close(true);
    } catch (e) {
      first ??= e;
    }
    try {
      if (this.#ownStateDir !== undefined) await rm(this.#ownStateDir, { recursive: true, force: true });
      else await cleanUpStateDirectory(this.#config.stateDir, this.#config.applicationId);
    } catch (e) {
      first ??= e;
    }
    if (first !== undefined) throw first;
  }

  #store(name: string): StateStore {
    if (this.#closed) throw new IllegalStateException('The TopologyTestDriver is closed');
    for (const task of this.#tasks) {
      const store = task.store(name);
      if (store !== undefined) return store;
    }
    const global = this.#globalTask?.store(name) as StateStore | undefined;
    if (global !== undefined) return global;
    throw new InvalidStateStoreException(
      `No state store named ${name} is open: is it added to the topology (and connected to a processor)? ` +
        `Stores open before the first record is piped; await driver.ready() to use them earlier.`,
      'UNKNOWN_STORE',
    );
  }

  #wrongType(name: string, expected: string): StreamsException {
    return new InvalidStateStoreException(`Store ${name} is not a ${expected} store`, 'WRONG_STORE_TYPE');
  }

  #serialized(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(async () => {
      await this.#ready;
      await work();
    });
    // A failure rejects this call only; later calls still run (the failed task then reports itself).
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #checkOpen(): void {
    if (this.#closed) throw new IllegalStateException('The TopologyTestDriver is closed');
  }

  #enqueue(topic: string, key: Buffer | null, value: Buffer | null, timestamp: number, headers: readonly Header[]): void {
    const task = this.#taskByTopic.get(topic) as StreamTask;
    const offset = this.#nextOffset.get(topic) ?? 0;
    this.#nextOffset.set(topic, offset + 1);
    const record: ConsumedRecord = { topic, partition: 0, offset, key, value, timestamp, headers };
    task.addRecords({ topic, partition: 0 }, [record]);
  }

  #onProduced(record: ProducerRecord): void {
    const partition = record.partition ?? 0;
    let offsets = this.#producedOffsets.get(record.topic);
    if (offsets === undefined) {
      offsets = new Map();
      this.#producedOffsets.set(record.topic, offsets);
    }
    offsets.set(partition, (offsets.get(partition) ?? -1) + 1);
    const out: OutputRecord = {
      topic: record.topic,
      key: record.key,
      value: record.value,
      timestamp: record.timestamp ?? this.#wallClockMs,
      headers: record.headers ?? [],
    };
    let queue = this.#outputs.get(record.topic);
    if (queue === undefined) {
      queue = [];
      this.#outputs.set(record.topic, queue);
    }
    queue.push(out);
    this.#produced.add(record.topic);
    this.#justProduced.push(record);
  }

  /** Pipes records produced to topics the topology reads back into their tasks. */
  #captureOutputsAndReprocess(): void {
    const produced = this.#justProduced;
    this.#justProduced = [];
    for (const r of produced) {
      if (this.#taskByTopic.has(r.topic)) this.#enqueue(r.topic, r.key, r.value, r.timestamp ?? this.#wallClockMs, r.headers ?? []);
    }
  }

  async #completeAllProcessableWork(): Promise<void> {
    this.#captureOutputsAndReprocess();
    for (let task = this.#taskWithRecords(); task !== undefined; task = this.#taskWithRecords()) {
      await task.process(this.#wallClockMs);
      await task.maybePunctuateStreamTime();
      await this.#commit(task);
      this.#captureOutputsAndReprocess();
    }
  }

  #taskWithRecords(): StreamTask | undefined {
    return this.#tasks.find((t) => t.partitions.some((p) => t.bufferedCount(p) > 0));
  }

  async #commit(task: StreamTask): Promise<void> {
    await task.prepareCommit();
    await task.postCommit();
  }
}
