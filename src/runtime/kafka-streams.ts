import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { resolveConfig, type ResolvedStreamsConfig, type StreamsConfigInput } from '../config.js';
import { IllegalStateException, StreamsException } from '../errors.js';
import { createKafkaClient } from '../kafka/index.js';
import type { AssignmentContext, KafkaAdmin, KafkaClient } from '../kafka/port.js';
import type { Topology } from '../topology/topology.js';
import type { TopologyMetadata } from '../topology/topology-metadata.js';
import type { AssignmentInfo } from './assignment-info.js';
import { logger } from '../logger.js';
import { StreamsMetrics, type MetricValue } from './streams-metrics.js';
import { RestorationProgress, type RestorationSnapshot } from './restoration-progress.js';
import { combineRestoreListeners, type StateRestoreListener } from './state-restore-listener.js';
import type { StreamsMetadata } from './streams-metadata.js';
import { checkTransition, type KafkaStreamsState, type StateListener } from './streams-state.js';
import { createGlobalStateTask } from './global-state-task.js';
import { GlobalStreamThread } from './global-stream-thread.js';
import { StandbyTask } from './standby-task.js';
import { StandbyUpdater } from './standby-updater.js';
import { createStreamTask } from './stream-task.js';
import { StreamThread, type StreamThreadListener, type StreamThreadState } from './stream-thread.js';
import { nextThreadIndex, taskMetadata, type ThreadMetadata } from './thread-metadata.js';
import { prepareTopics, type PartitionCounts } from './topic-preparation.js';
import { decide, type StreamsUncaughtExceptionHandler } from './uncaught-exception-handler.js';
import { queryMetadataForKey, type KeyQueryMetadata } from '../query/key-query-metadata.js';
import { localStore } from '../query/local-store.js';
import type { QueryHost, QueryableStoreInfo } from '../query/query-host.js';
import { executeQuery } from '../query/query-executor.js';
import type { StateQueryRequest } from '../query/state-query-request.js';
import type { StateQueryResult } from '../query/state-query-result.js';
import type { StoreQueryParameters } from '../query/store-query-parameters.js';
import { streamsQueryHost } from '../query/streams-query-host.js';
import { StoreChangeHub } from '../query/store-change-hub.js';
import { queryableStoresOf } from '../query/topology-stores.js';
import type { Serde } from '../serde/serde.js';

/** How far a local copy of a store partition is behind its changelog (Kafka Streams' `LagInfo`). */
export interface LagInfo {
  /** The next changelog offset the local store will apply (everything before it is in the store). */
  readonly currentOffsetPosition: number;
  /** The changelog's end offset. */
  readonly endOffsetPosition: number;
  /** `endOffsetPosition - currentOffsetPosition`, never negative. */
  readonly offsetLag: number;
}

/**
 * Runs a topology against Kafka: one client of the application's consumer group, with
 * `num.stream.threads` stream threads (group members) multiplexed on Node's event loop.
 *
 * `start()` checks the source topics, creates internal topics, joins the group and resolves once
 * every thread has its tasks (RUNNING). Rebalances move tasks between instances; offsets are
 * committed every `commit.interval.ms`, on revocation and on close, always after the outputs of
 * the committed records were acknowledged (at-least-once), or, under `exactly_once_v2`, in one
 * transaction with them (one transactional producer per task, see `EosTaskProducers`).
 *
 * @example
 * const streams = new KafkaStreams(builder.build(), { 'application.id': 'app', 'bootstrap.servers': 'localhost:9092' });
 * streams.setStateListener((now, before) => console.log(`${before} -> ${now}`));
 * await streams.start();
 * // ...
 * await streams.close();
 */
export class KafkaStreams implements AsyncDisposable {
  readonly #topology: Topology;
  readonly #config: ResolvedStreamsConfig;
  readonly #processId = randomUUID();
  readonly #metrics = new StreamsMetrics();
  readonly #log: Logger;
  #state: KafkaStreamsState = 'CREATED';
  #error: Error | undefined;
  #stateListener: StateListener | undefined;
  readonly #waiters = new Set<StateListener>();
  #handler: StreamsUncaughtExceptionHandler | undefined;
  #userRestoreListener: StateRestoreListener | undefined;
  /** Restoration progress for operators: a line on a terminal, log events otherwise. */
  #restoreProgress: RestorationProgress | undefined;
  /** What the threads tell about restoration: the user's listener and the progress report. */
  #restoreListener: StateRestoreListener | undefined;
  readonly #threads = new Set<StreamThread>();
  #client: KafkaClient | undefined;
  #admin: KafkaAdmin | undefined;
  #metadata: TopologyMetadata | undefined;
  #partitionCounts: PartitionCounts = new Map();
  #starting: Promise<void> = Promise.resolve();
  #stopping: Promise<void> | undefined;
  #shutdownRequested = false;
  #shutdownFallback: NodeJS.Timeout | undefined;
  #assignment: { generationId: number; hosts: AssignmentInfo['hosts'] } = { generationId: -1, hosts: [] };
  /** Reads the global stores (GlobalKTables); undefined when the topology has none. */
  #globalThread: GlobalStreamThread | undefined;
  /** Keeps this client's standby tasks warm; created at start. */
  #standbys: StandbyUpdater | undefined;

  /**
   * @param topology what to run (`StreamsBuilder.build()` or a hand-built `Topology`)
   * @param config Kafka Streams' dotted config names; see `StreamsConfig`
   * @throws ConfigException when the config is invalid
   */
  constructor(topology: Topology, config: StreamsConfigInput) {
    this.#topology = topology;
    this.#config = resolveConfig(config);
    const token = config['query.auth.token'];
    this.#queryAuthToken = typeof token === 'string' && token !== '' ? token : undefined;
    this.#log = logger.child({ app: this.#config.applicationId, client: this.#config.clientId });
    this.#warnOnOptimizationMismatch();
  }

  /**
   * `topology.optimization` takes effect when the topology is built (`builder.build(config)`),
   * as in Kafka Streams; set only here it changes nothing, which deserves a warning.
   */
  #warnOnOptimizationMismatch(): void {
    const wanted = this.#config.topologyOptimizations;
    const built = this.#topology.optimizations ?? new Set();
    const missing = [...wanted].filter((o) => !built.has(o));
    if (missing.length === 0) return;
    this.#log.warn(
      { 'topology.optimization': [...wanted].join(','), builtWith: built.size === 0 ? 'none' : [...built].join(',') },
      `topology.optimization is set in the KafkaStreams config, but the topology was built without ${missing.join(', ')}: it applies only when the topology is built; pass the config to StreamsBuilder.build(config)`,
    );
  }

  /** The client's current lifecycle state. */
  state(): KafkaStreamsState {
    return this.#state;
  }

  /** The error that took the client to PENDING_ERROR / ERROR, if any. */
  lastError(): Error | undefined {
    return this.#error;
  }

  /** Called on every state change with (newState, oldState); replaces a listener set before. */
  setStateListener(listener: StateListener | undefined): void {
    this.#stateListener = listener;
  }

  /**
   * Decides what happens when a stream thread dies of an error: replace the thread, shut down
   * this client (the default), or shut down every client of the application.
   * @throws IllegalStateException unless the client is CREATED (as in Kafka Streams)
   */
  setUncaughtExceptionHandler(handler: StreamsUncaughtExceptionHandler): void {
    if (this.#state !== 'CREATED') throw new IllegalStateException(`The uncaught exception handler can only be set before start(), but the client is ${this.#state}`);
    this.#handler = handler;
  }

  /**
   * Kafka Streams' `setGlobalStateRestoreListener`: `listener` is told when each store's changelog
   * partition starts restoring, after every batch, and when it ends (active tasks' stores and
   * global stores). It is shared by all threads of this client.
   * @throws IllegalStateException unless the client is CREATED (as in Kafka Streams)
   */
  setGlobalStateRestoreListener(listener: StateRestoreListener | undefined): void {
    if (this.#state !== 'CREATED') throw new IllegalStateException(`The global state restore listener can only be set before start(), but the client is ${this.#state}`);
    this.#userRestoreListener = listener;
  }

  /**
   * How far the current restoration is (or the last one, once every partition finished): records
   * restored and to restore over all of this client's restoring changelog partitions, rate and ETA
   * (zeros before anything restored). A restoration begins when a partition starts restoring while
   * no other does.
   */
  restorationProgress(): RestorationSnapshot {
    return this.#restoreProgress?.snapshot() ?? { restored: 0, total: 0, partitions: 0, rate: 0, etaMs: undefined };
  }

  /**
   * Starts the client and resolves once it is RUNNING (every thread joined the group and
   * initialized its tasks).
   * @throws MissingSourceTopicException when a topic the topology reads does not exist
   * @throws TopologyException when co-partitioned topics differ in partition count
   * @throws IllegalStateException when called twice, or when closed before it ran
   * The client is then in ERROR (or NOT_RUNNING when closed/aborted).
   */
  async start(options: { signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    signal?.throwIfAborted();
    if (this.#state !== 'CREATED') throw new IllegalStateException(`start() can only be called once, on a CREATED client, but the client is ${this.#state}`);
    const running = this.#untilRunning(signal);
    this.#restoreProgress = new RestorationProgress({ log: this.#log, clock: Date.now, terminal: process.stderr.isTTY ? process.stderr : undefined });
    this.#restoreListener = combineRestoreListeners(this.#userRestoreListener, this.#restoreProgress);
    this.#transition('REBALANCING');
    this.#starting = this.#startUp();
    return running;
  }

  async #startUp(): Promise<void> {
    try {
      const client = createKafkaClient({ bootstrapServers: this.#config.bootstrapServers, clientId: this.#config.clientId });
      this.#client = client;
      const admin = client.admin();
      this.#admin = admin;
      await admin.connect();
      const metadata = this.#topology.metadata(this.#config.applicationId);
      this.#metadata = metadata;
      this.#partitionCounts = await prepareTopics(admin, metadata, this.#config.replicationFactor, this.#log);
      if (this.#state !== 'REBALANCING') return;
      await this.#startGlobalThread(client, admin);
      if (this.#state !== 'REBALANCING') return;
      this.#startStandbyUpdater(client);
      for (let i = 0; i < this.#config.numStreamThreads; i++) this.#startThread();
      this.#log.info({ threads: this.#config.numStreamThreads, processId: this.#processId }, 'started; joining the group');
    } catch (e) {
      this.#failClient(asError(e));
    }
  }

  /**
   * Stops the client: every thread commits, closes its tasks and leaves the group; then
   * NOT_RUNNING (or stays ERROR). Resolves true when that finished within `timeoutMs` (default:
   * no limit), false on timeout (the shutdown goes on in the background).
   */
  async close(options: { timeoutMs?: number } = {}): Promise<boolean> {
    const done = this.#shutdown();
    if (options.timeoutMs === undefined) {
      await done;
      return true;
    }
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), options.timeoutMs); });
    try {
      return await Promise.race([done.then(() => true as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Deletes this application's local state (`state.dir/<application.id>`: every task's stores and
   * checkpoints), so the next start restores everything from the changelogs.
   * @throws IllegalStateException while the client runs (only before start() or after close())
   */
  async cleanUp(): Promise<void> {
    if (this.#state !== 'CREATED' && this.#state !== 'NOT_RUNNING' && this.#state !== 'ERROR') {
      throw new IllegalStateException(`cleanUp() may only be called before start() or after close(), but the client is ${this.#state}`);
    }
    const dir = join(this.#config.stateDir, this.#config.applicationId);
    await rm(dir, { recursive: true, force: true });
    this.#log.info({ dir }, 'local state deleted');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Counters per thread and per task (records processed, skipped, dropped, commits, commit latency ...). */
  metrics(): MetricValue[] {
    return this.#metrics.snapshot();
  }

  /**
   * @internal Approximate entries of every key-value store of this client's active, restored
   * tasks (the `/metrics` store-size series). Window and session stores have no count.
   */
  async storeSizes(): Promise<{ taskId: string; store: string; entries: number }[]> {
    const names = this.#queryableStores().filter((s) => s.kind === 'keyValue').map((s) => s.name);
    const out: { taskId: string; store: string; entries: number }[] = [];
    for (const thread of this.#threads) {
      for (const task of thread.activeTasks()) {
        if (task.restoring) continue;
        for (const name of names) {
          const store = task.store(name) as { approximateNumEntries?: () => Promise<number> } | undefined;
          if (typeof store?.approximateNumEntries !== 'function') continue;
          try {
            out.push({ taskId: task.id, store: name, entries: await store.approximateNumEntries() });
          } catch {
            // The task closed meanwhile (rebalance): its store is no longer ours to count.
          }
        }
      }
    }
    return out;
  }

  /**
   * Every client of the application that has an `application.server`, with the partitions it
   * holds, as the group leader told this client at the last rebalance.
   */
  metadataForAllStreamsClients(): StreamsMetadata[] {
    return this.#assignment.hosts.map((h) => ({ endpoint: h.endpoint, processId: h.processId, topicPartitions: h.active, standbyTopicPartitions: h.standby }));
  }

  // -------------------------------------------------------------------------------------------
  // Interactive queries (src/query)

  /**
   * A read-only view of store `params.storeName` over this instance's local partitions (Kafka
   * Streams' `KafkaStreams.store`); scans merge the partitions in key order.
   * @example
   * const store = streams.store(StoreQueryParameters.fromNameAndType('address', QueryableStoreTypes.keyValueStore<string, string>()));
   * await store.get('andy');
   * @throws InvalidStateStoreException (retriable) when the client is not RUNNING/REBALANCING, and
   *   from reads when a partition is restoring or migrated; `UNKNOWN_STORE` / `WRONG_STORE_TYPE` codes otherwise
   */
  store<T>(params: StoreQueryParameters<T>): T {
    return localStore(this.queryHost(), params);
  }

  /**
   * Runs `request` on this instance's local partitions of its store (Kafka Streams' IQv2
   * `KafkaStreams.query`, KIP-796): one result per partition, failures included as results.
   * @example
   * const result = await streams.query(StateQueryRequest.inStore('counts').withQuery(KeyQuery.withKey<string, number>('andy')));
   * result.getOnlyPartitionResult()?.getResult();
   * @throws InvalidStateStoreException when the client is not RUNNING/REBALANCING; `UNKNOWN_STORE` code for an unknown store
   */
  query<R>(request: StateQueryRequest<R>): Promise<StateQueryResult<R>> {
    return executeQuery(this.queryHost(), request);
  }

  /**
   * Where `key` of store `storeName` lives: the partition Kafka's default partitioner gives the
   * key serialized with `keySerializer` (default: the store's key serde), the instance with its
   * active task, and those with standbys (`activeHost` undefined while no one holds it).
   */
  queryMetadataForKey<K>(storeName: string, key: K, keySerializer?: Serde<K>): KeyQueryMetadata {
    return queryMetadataForKey(this.queryHost(), storeName, key, keySerializer);
  }

  /**
   * How far behind each local copy of each store is (Kafka Streams' `allLocalStorePartitionLags`):
   * store name → partition → positions in the store's changelog, for active tasks and standbys.
   * An active task that is running counts as caught up (lag 0); a restoring one and a standby
   * report the next changelog offset they will apply against the log end, read from the broker now.
   * Stores without a changelog are left out.
   */
  async allLocalStorePartitionLags(): Promise<Map<string, Map<number, LagInfo>>> {
    const admin = this.#admin;
    if (admin === undefined) throw new IllegalStateException(`allLocalStorePartitionLags() needs a started client, but the client is ${this.#state}`);
    const ends = new Map<string, Map<number, number>>();
    const endOf = async (topic: string, partition: number): Promise<number> => {
      let byPartition = ends.get(topic);
      if (byPartition === undefined) {
        byPartition = new Map((await admin.listOffsets(topic)).map((o) => [o.partition, o.latest]));
        ends.set(topic, byPartition);
      }
      return byPartition.get(partition) ?? 0;
    };
    const out = new Map<string, Map<number, LagInfo>>();
    const put = (store: string, partition: number, current: number, end: number): void => {
      let byPartition = out.get(store);
      if (byPartition === undefined) out.set(store, (byPartition = new Map()));
      byPartition.set(partition, { currentOffsetPosition: current, endOffsetPosition: end, offsetLag: Math.max(0, end - current) });
    };
    for (const task of [...this.#threads].flatMap((t) => t.activeTasks())) {
      for (const cp of task.changelogPartitions()) {
        const end = await endOf(cp.topic, cp.partition);
        put(cp.storeName, cp.partition, task.restoring ? (cp.checkpointOffset ?? -1) + 1 : end, end);
      }
    }
    for (const lag of this.#standbys?.lags() ?? []) {
      const end = Math.max(lag.position, await endOf(lag.topic, lag.partition).catch(() => lag.end));
      put(lag.store, lag.partition, lag.position, end);
    }
    return out;
  }

  /** The clients that hold an active or standby partition of store `storeName`. */
  streamsMetadataForStore(storeName: string): StreamsMetadata[] {
    const info = this.#queryableStores().find((s) => s.name === storeName);
    if (info === undefined) return [];
    const ofStore = (tps: readonly { topic: string }[]): boolean => tps.some((tp) => info.sourceTopics.includes(tp.topic));
    return this.metadataForAllStreamsClients().filter((m) => ofStore(m.topicPartitions) || ofStore(m.standbyTopicPartitions));
  }

  /** @internal What interactive queries and the GraphQL server (`startQueryServer(streams)`) read this client through. */
  queryHost(): QueryHost {
    return (this.#queryHost ??= streamsQueryHost({
      endpoint: this.#config.applicationServer,
      authToken: this.#queryAuthToken,
      state: () => this.#state,
      stores: () => this.#queryableStores(),
      instances: () => this.#assignment.hosts,
      tasks: () => [
        ...[...this.#threads].flatMap((t) => t.activeTasks().map((task) => ({ id: task.id, active: true, restoring: task.restoring, stateStore: (name: string) => task.store(name) }))),
        ...(this.#standbys?.tasks() ?? []).map((task) => ({
          id: task.id, active: false, restoring: false, stateStore: (name: string) => task.store(name), offsetLag: (name: string) => this.#standbys?.offsetLag(task.id, name),
        })),
      ],
      subscribeChanges: (listener) => this.#storeChanges.subscribe(listener),
    }));
  }

  #queryHost: QueryHost | undefined;
  /** `query.auth.token` from the config (passed along to the query server). */
  readonly #queryAuthToken: string | undefined;
  /** Key-value store changes of the active tasks, from their changelog records (GraphQL `Subscription.changes`). */
  readonly #storeChanges = new StoreChangeHub(() => this.#queryableStores());
  #queryStores: QueryableStoreInfo[] | undefined;

  /** Known once the topics were prepared (partition counts); the topology does not change after. */
  #queryableStores(): QueryableStoreInfo[] {
    if (this.#queryStores !== undefined) return this.#queryStores;
    if (this.#metadata === undefined || this.#partitionCounts.size === 0) return [];
    const counts = this.#partitionCounts;
    return (this.#queryStores = queryableStoresOf(this.#topology, {
      applicationId: this.#config.applicationId,
      defaultKeySerde: this.#config.defaultKeySerde,
      defaultValueSerde: this.#config.defaultValueSerde,
      partitionsOf: (topic) => counts.get(topic),
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Threads

  /**
   * Kafka Streams bootstraps global stores before processing begins: the global thread reads
   * every global topic to its end offset before the stream threads join the group, then keeps
   * reading in the background. Its errors fail the client.
   */
  async #startGlobalThread(client: KafkaClient, admin: KafkaAdmin): Promise<void> {
    const task = createGlobalStateTask(this.#topology, { config: this.#config, clock: Date.now });
    if (task === undefined) return;
    const thread = new GlobalStreamThread({
      task,
      client,
      config: this.#config,
      listOffsets: (topic) => admin.listOffsets(topic),
      clock: Date.now,
      onError: (error) => {
        this.#log.error({ err: error }, 'global stream thread died');
        this.#failClient(error);
      },
      log: this.#log.child({ thread: `${this.#config.clientId}-GlobalStreamThread` }),
      ...(this.#restoreListener !== undefined ? { restoreListener: this.#restoreListener } : {}),
    });
    this.#globalThread = thread;
    await thread.start();
  }

  #startStandbyUpdater(client: KafkaClient): void {
    const updater = new StandbyUpdater({
      client,
      readCommitted: this.#config.processingGuarantee === 'exactly_once_v2',
      createTask: (id) => new StandbyTask(this.#topology, id, this.#config, this.#log),
      listOffsets: (topic) => {
        if (this.#admin === undefined) throw new IllegalStateException('The admin client is closed');
        return this.#admin.listOffsets(topic);
      },
      committedOffsets: async (partitions) => {
        if (this.#admin === undefined) throw new IllegalStateException('The admin client is closed');
        const offsets = await this.#admin.fetchCommittedOffsets(this.#config.applicationId, [...new Set(partitions.map((p) => p.topic))]);
        return offsets.filter((o) => partitions.some((p) => p.topic === o.topic && p.partition === o.partition));
      },
      applicationStateDir: join(this.#config.stateDir, this.#config.applicationId),
      commitIntervalMs: this.#config.commitIntervalMs,
      log: this.#log.child({ thread: `${this.#config.clientId}-StandbyUpdater` }),
    });
    this.#standbys = updater;
    updater.start();
  }

  #startThread(): StreamThread {
    const metadata = this.#metadata;
    const client = this.#client;
    if (metadata === undefined || client === undefined) throw new IllegalStateException('threads start after the topics were prepared');
    // Names stay unique while a replaced thread still leaves the group: only threads gone from the set free their index.
    const index = nextThreadIndex(this.#config.clientId, [...this.#threads].map((t) => t.name));
    const thread = new StreamThread({
      name: `${this.#config.clientId}-StreamThread-${index}`,
      cacheMaxBytes: this.#cacheShare(1),
      client,
      config: this.#config,
      metadata,
      partitionCounts: this.#partitionCounts,
      processId: this.#processId,
      createTask: (id, partitions, env) =>
        createStreamTask(this.#topology, id, partitions, {
          ...env,
          globalStore: (name) => this.#globalThread?.store(name),
          onChangelogRecord: (...record) => this.#storeChanges.changelogRecord(...record),
          warmStores: this.#standbys?.takeWarmStores(id),
        }),
      listOffsets: (topic) => {
        if (this.#admin === undefined) throw new IllegalStateException('The admin client is closed');
        return this.#admin.listOffsets(topic);
      },
      metrics: this.#metrics,
      ...(this.#restoreListener !== undefined ? { restoreListener: this.#restoreListener } : {}),
      shutdownRequested: () => this.#shutdownRequested,
      listener: this.#threadListener,
      ...(this.#standbys === undefined ? {} : { standbys: this.#standbys }),
      log: this.#log,
    });
    this.#threads.add(thread);
    thread.start();
    this.#resizeCaches();
    return thread;
  }

  /** Each live thread's share of `statestore.cache.max.bytes`, with `adding` more threads. */
  #cacheShare(adding = 0): number {
    const live = [...this.#threads].filter((t) => t.isAlive()).length + adding;
    return Math.floor(this.#config.cacheMaxBytes / Math.max(1, live));
  }

  /** Kafka's `resizeThreadCache`: the cache budget split evenly over the live threads again. */
  #resizeCaches(): void {
    const share = this.#cacheShare();
    const caches = this.#metrics.caches();
    for (const t of this.#threads) if (t.isAlive()) caches.get(t.name)?.resize(share);
  }

  /**
   * Adds a stream thread to this running client (Kafka Streams' `addStreamThread`, KIP-663): it
   * joins the group, which rebalances tasks over all threads of all instances, and the record
   * cache budget is split over the threads again. Its name takes the smallest free index
   * (`<client.id>-StreamThread-<n>`).
   * @returns the new thread's name, or undefined when the client is not RUNNING or REBALANCING
   */
  addStreamThread(): string | undefined {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING') {
      this.#log.warn({ state: this.#state }, 'addStreamThread() on a client that is not running: no thread added');
      return undefined;
    }
    const thread = this.#startThread();
    this.#log.info({ thread: thread.name }, 'stream thread added');
    this.#updateStateFromThreads();
    return thread.name;
  }

  /**
   * Removes one live stream thread (Kafka Streams' `removeStreamThread`): it commits, closes its
   * tasks and leaves the group, whose other members take its tasks over; its metrics go, and the
   * record cache budget is split over the remaining threads. The last thread may be removed too
   * (the client then processes nothing until a thread is added).
   * @param options.timeoutMs how long to wait for the thread to leave (default: no limit)
   * @returns the removed thread's name, or undefined when the client is not running or has no live thread
   * @throws StreamsException with code TIMEOUT when the thread did not stop in time (it goes on stopping)
   */
  async removeStreamThread(options: { timeoutMs?: number } = {}): Promise<string | undefined> {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING') return undefined;
    const thread = [...this.#threads].find((t) => t.isAlive());
    if (thread === undefined) return undefined;
    const gone = thread.shutdown().then(async () => {
      this.#threads.delete(thread);
      this.#metrics.forgetThread(thread.name);
      await this.#standbys?.forgetThread(thread.name);
      this.#resizeCaches();
      this.#updateStateFromThreads();
    });
    if (options.timeoutMs !== undefined) {
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), options.timeoutMs); });
      const outcome = await Promise.race([gone, timedOut]).finally(() => clearTimeout(timer));
      if (outcome === 'timeout') throw new StreamsException(`Stream thread ${thread.name} did not stop within ${options.timeoutMs} ms`, 'TIMEOUT');
    } else {
      await gone;
    }
    this.#log.info({ thread: thread.name }, 'stream thread removed');
    return thread.name;
  }

  /** @internal Each live thread's record cache budget in bytes, by thread name. */
  threadCacheBudgets(): Map<string, number> {
    const caches = this.#metrics.caches();
    return new Map([...this.#threads].filter((t) => t.isAlive()).map((t) => [t.name, caches.get(t.name)?.maxBytes ?? 0]));
  }

  /** This client's stream threads with their state and tasks (Kafka Streams' `metadataForLocalThreads`). */
  metadataForLocalThreads(): ThreadMetadata[] {
    return [...this.#threads].map((t) => ({
      threadName: t.name,
      threadState: t.state(),
      activeTasks: t.activeTasks().map((task) => ({ taskId: task.id, topicPartitions: [...task.partitions] })),
      standbyTasks: (this.#standbys?.standbyTaskIds(t.name) ?? []).map((id) => taskMetadata(id, this.#metadata)),
    }));
  }

  readonly #threadListener: StreamThreadListener = {
    onStateChange: (_thread: StreamThread, _newState: StreamThreadState) => this.#updateStateFromThreads(),
    onAssignment: (_thread: StreamThread, info: AssignmentInfo | undefined, context: AssignmentContext) => {
      if (info !== undefined && context.generationId >= this.#assignment.generationId) {
        this.#assignment = { generationId: context.generationId, hosts: info.hosts };
      }
    },
    onShutdownRequested: () => {
      this.#failClient(this.#error ?? new StreamsException(`A client of application '${this.#config.applicationId}' requested the whole application to shut down (its uncaught exception handler answered SHUTDOWN_APPLICATION)`));
    },
    onDied: (thread: StreamThread, error: Error) => this.#onThreadDied(thread, error),
  };

  /** Kafka Streams' rule: RUNNING when every live thread is RUNNING, REBALANCING while any is not. */
  #updateStateFromThreads(): void {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING') return;
    const live = [...this.#threads].filter((t) => t.isAlive());
    if (live.length === 0) return;
    const next = live.every((t) => t.state() === 'RUNNING') ? 'RUNNING' : 'REBALANCING';
    if (next !== this.#state) this.#transition(next);
  }

  #onThreadDied(thread: StreamThread, error: Error): 'release' | 'linger' {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING') return 'release';
    const { response, handlerError } = decide(this.#handler, error);
    if (handlerError !== undefined) this.#log.error({ err: handlerError }, 'the uncaught exception handler failed; shutting down the client');
    this.#log.error({ thread: thread.name, err: error, response }, 'stream thread died');
    switch (response) {
      case 'REPLACE_THREAD':
        // The dead thread leaves the group in the background; forget it once it has.
        void thread.shutdown().then(() => {
          this.#threads.delete(thread);
          return this.#standbys?.forgetThread(thread.name);
        });
        this.#startThread();
        this.#updateStateFromThreads();
        return 'release';
      case 'SHUTDOWN_CLIENT':
        this.#failClient(error);
        return 'release';
      case 'SHUTDOWN_APPLICATION':
        this.#requestApplicationShutdown(error);
        return 'linger';
      default:
        throw new IllegalStateException(`unexpected response ${String(response satisfies never)}`);
    }
  }

  /**
   * KIP-671 over our assignor: the flag rides in this client's subscription userData at the next
   * join; the leader answers every member with SHUTDOWN_REQUESTED, and each client (this one too)
   * then shuts down into ERROR. The failed thread stays in the group holding its partitions (so
   * they cannot move to another instance and hit the same error meanwhile), and a new thread
   * joins to make the group rebalance and carry the flag. If the answer does not come within two
   * session timeouts (the group is unreachable), this client shuts down on its own.
   */
  #requestApplicationShutdown(error: Error): void {
    this.#error = error;
    this.#shutdownRequested = true;
    this.#startThread();
    this.#shutdownFallback = setTimeout(() => {
      this.#log.warn('no shutdown answer from the group; shutting down this client alone');
      this.#failClient(error);
    }, 2 * this.#config.sessionTimeoutMs);
    this.#shutdownFallback.unref();
  }

  // -------------------------------------------------------------------------------------------
  // Lifecycle

  /** PENDING_ERROR, stop every thread (healthy ones commit), release clients, ERROR. */
  #failClient(error: Error): void {
    if (this.#state !== 'RUNNING' && this.#state !== 'REBALANCING' && this.#state !== 'CREATED') return;
    this.#error = error;
    this.#transition('PENDING_ERROR');
    this.#stopping = this.#stopAll().then(() => this.#transition('ERROR'));
  }

  #shutdown(): Promise<void> {
    switch (this.#state) {
      case 'CREATED':
        this.#transition('PENDING_SHUTDOWN');
        this.#transition('NOT_RUNNING');
        return Promise.resolve();
      case 'RUNNING':
      case 'REBALANCING':
        this.#transition('PENDING_SHUTDOWN');
        this.#stopping = this.#stopAll().then(() => this.#transition('NOT_RUNNING'));
        return this.#stopping;
      case 'PENDING_SHUTDOWN':
      case 'PENDING_ERROR':
      case 'NOT_RUNNING':
      case 'ERROR':
        return this.#stopping ?? Promise.resolve();
      default:
        throw new IllegalStateException(`unexpected state ${String(this.#state satisfies never)}`);
    }
  }

  async #stopAll(): Promise<void> {
    clearTimeout(this.#shutdownFallback);
    // A global restoration still running stops early, so `#starting` settles soon.
    this.#globalThread?.requestStop();
    await this.#starting;
    await Promise.all([...this.#threads].map((t) => t.shutdown()));
    this.#threads.clear();
    try {
      await this.#standbys?.close();
    } catch (e) {
      this.#log.warn({ err: e }, 'error closing the standby tasks');
    }
    // After the stream threads: their tasks read the global stores until they closed.
    try {
      await this.#globalThread?.shutdown();
    } catch (e) {
      this.#log.warn({ err: e }, 'error closing the global stores');
    }
    try {
      await this.#admin?.disconnect();
    } catch (e) {
      this.#log.warn({ err: e }, 'error closing the admin client');
    }
    this.#admin = undefined;
  }

  #transition(next: KafkaStreamsState): void {
    const old = this.#state;
    checkTransition(old, next);
    this.#state = next;
    this.#log.info({ from: old, to: next }, 'state transition');
    for (const waiter of [...this.#waiters]) waiter(next, old);
    if (this.#stateListener !== undefined) {
      try {
        this.#stateListener(next, old);
      } catch (e) {
        this.#log.error({ err: e }, 'the state listener threw');
      }
    }
  }

  /** Resolves at RUNNING; rejects at ERROR (with the error), NOT_RUNNING, or when aborted. */
  #untilRunning(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        done();
        reject(signal?.reason ?? new Error('start() aborted'));
        void this.close();
      };
      const waiter: StateListener = (state) => {
        if (state === 'RUNNING') {
          done();
          resolve();
        } else if (state === 'ERROR') {
          done();
          reject(this.#error ?? new StreamsException('The client failed while starting'));
        } else if (state === 'NOT_RUNNING') {
          done();
          reject(new IllegalStateException('The client was closed before it reached RUNNING'));
        }
      };
      const done = (): void => {
        this.#waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new StreamsException(String(e));
}
