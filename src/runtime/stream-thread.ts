import type { Logger } from 'pino';
import type { ResolvedStreamsConfig } from '../config.js';
import { StreamsException, TaskCorruptedException, TaskMigratedException } from '../errors.js';
import type {
  AssignmentContext,
  FetchedBatch,
  GroupConsumer,
  KafkaClient,
  KafkaProducer,
  PartitionOffsets,
  ProducerRecord,
  TopicPartition,
} from '../kafka/port.js';
import { RecordCache } from '../state/record-cache.js';
import type { TopologyMetadata } from '../topology/topology-metadata.js';
import { AssignorError, decodeAssignmentInfo, type AssignmentInfo } from './assignment-info.js';
import { ChangelogRestorer } from './changelog-restorer.js';
import type { StateRestoreListener } from './state-restore-listener.js';
import { IdleSignal, yieldToEventLoop } from './idle-signal.js';
import { Mutex } from './mutex.js';
import { subtopologyBySourceTopic, tasksOfPartitions } from './partition-grouper.js';
import { EosTaskProducers } from './eos-task-producers.js';
import { sendErrorHandler } from './exception-handlers.js';
import { RecordCollectorImpl, type OutputQueue } from './record-collector-impl.js';
import type { StandbyUpdater } from './standby-updater.js';
import { StreamsPartitionAssignor } from './streams-partition-assignor.js';
import { changelogEndOffsetSums } from './changelog-end-offset-sums.js';
import type { StreamsMetrics, ThreadMetrics } from './streams-metrics.js';
import type { RecordCollector, StreamTask, TaskEnvironment, TaskId } from './task.js';
import { TaskManager } from './thread-task-manager.js';
import type { PartitionCounts } from './topic-preparation.js';

/** Kafka Streams' `StreamThread.State`. */
export type StreamThreadState =
  | 'CREATED'
  | 'STARTING'
  | 'PARTITIONS_REVOKED'
  | 'PARTITIONS_ASSIGNED'
  | 'RUNNING'
  | 'PENDING_SHUTDOWN'
  | 'DEAD';

/** What the client learns from its threads. */
export interface StreamThreadListener {
  onStateChange(thread: StreamThread, newState: StreamThreadState, oldState: StreamThreadState): void;
  /** Every assignment, with the leader's userData decoded (undefined when none reached us). */
  onAssignment(thread: StreamThread, info: AssignmentInfo | undefined, context: AssignmentContext): void;
  /** The leader answered with SHUTDOWN_REQUESTED: some client asked the whole application to stop. */
  onShutdownRequested(thread: StreamThread): void;
  /**
   * The thread died of `error`; its tasks are closed (as lost). Answer 'release' to let it leave
   * the group and close its clients now, or 'linger' to keep its consumer in the group, holding
   * its partitions without processing them, until `shutdown()` (so they do not move to another
   * instance while the application is being shut down).
   */
  onDied(thread: StreamThread, error: Error): 'release' | 'linger';
}

export interface StreamThreadOptions {
  readonly name: string;
  readonly client: KafkaClient;
  readonly config: ResolvedStreamsConfig;
  readonly metadata: TopologyMetadata;
  readonly partitionCounts: PartitionCounts;
  readonly processId: string;
  readonly createTask: (id: TaskId, partitions: readonly TopicPartition[], env: TaskEnvironment) => StreamTask;
  /** Earliest and latest offsets of a topic's partitions (changelog restoration). */
  readonly listOffsets: (topic: string) => Promise<readonly PartitionOffsets[]>;
  readonly metrics: StreamsMetrics;
  /** Told about every changelog partition its tasks restore (`KafkaStreams.setGlobalStateRestoreListener`, progress). */
  readonly restoreListener?: StateRestoreListener;
  readonly shutdownRequested: () => boolean;
  readonly listener: StreamThreadListener;
  /** The client's standby tasks (and local task state for the assignor); absent: none. */
  readonly standbys?: StandbyUpdater;
  /** This thread's share of `statestore.cache.max.bytes` (the client resizes it as threads come and go). Default: an equal share of `num.stream.threads`. */
  readonly cacheMaxBytes?: number;
  readonly log: Logger;
}

/** Records one task processes before the loop moves to the next task (fairness across partitions). */
const RECORDS_PER_TASK_TURN = 200;
/** How long one loop iteration may process before it yields to the event loop (ms). */
const ITERATION_BUDGET_MS = 15;
/** Longest idle sleep: bounds wall-clock punctuation latency and commit timing when nothing arrives. */
const IDLE_POLL_MS = 100;
/** Longest wait of a restoration read when the thread has nothing else to do (ms). */
const RESTORE_WAIT_MS = 50;
/** How long a fetch callback is held while its partition's buffer drains, before the partition is paused instead. */
const DRAIN_WAIT_MS = 1_000;

/**
 * One consumer in the application's group with its tasks (Kafka Streams' `StreamThread`). Node has
 * one event loop, so N "threads" are N group members multiplexed on it: each fetches, processes,
 * produces and commits on its own, and I/O of one overlaps processing of another.
 *
 * Rebalances (eager, as with kafkajs): revocation commits and closes all tasks; assignment creates
 * and initializes the new ones. A mutex keeps those callbacks and the processing loop apart.
 */
export class StreamThread {
  readonly name: string;
  readonly #o: StreamThreadOptions;
  readonly #log: Logger;
  readonly #metrics: ThreadMetrics;
  readonly #mutex = new Mutex();
  readonly #idle = new IdleSignal();
  readonly #subtopologyOf: Map<string, number>;
  #state: StreamThreadState = 'CREATED';
  #consumer: GroupConsumer | undefined;
  /** The pending probing rebalance (see #scheduleProbingRebalance). */
  #probingRebalance: ReturnType<typeof setTimeout> | undefined;
  #producer: KafkaProducer | undefined;
  #collector: OutputQueue | undefined;
  #eos: EosTaskProducers | undefined;
  #restorer: ChangelogRestorer | undefined;
  #tasks: TaskManager | undefined;
  #stopping = false;
  #loopDone: Promise<void> = Promise.resolve();
  #lastCommitMs = Date.now();
  #turn = 0;
  #dying: Promise<void> | undefined;
  #lingering = false;
  /** Fetch callbacks held until their partition's buffer drains (see `#onBatch`). */
  readonly #drainWaiters = new Set<{ readonly tp: TopicPartition; readonly release: () => void }>();

  constructor(options: StreamThreadOptions) {
    this.name = options.name;
    this.#o = options;
    this.#log = options.log.child({ thread: options.name });
    this.#metrics = options.metrics.thread(options.name);
    this.#subtopologyOf = subtopologyBySourceTopic(options.metadata.subtopologies);
  }

  state(): StreamThreadState {
    return this.#state;
  }

  isAlive(): boolean {
    return this.#state !== 'DEAD' && this.#state !== 'PENDING_SHUTDOWN';
  }

  /** Active task ids this thread holds now. */
  activeTaskIds(): TaskId[] {
    return this.#tasks === undefined ? [] : [...this.#tasks.tasks()].map((t) => t.id);
  }

  /** Active tasks this thread holds now (interactive queries read their stores). */
  activeTasks(): StreamTask[] {
    return this.#tasks === undefined ? [] : [...this.#tasks.tasks()];
  }

  /**
   * Connects producer and consumer, joins the group and starts the processing loop. Returns at
   * once; a failure to start is reported like any other death (`onDied`).
   */
  start(): void {
    this.#setState('STARTING');
    this.#startAsync().catch((e: unknown) => this.#fail(e));
  }

  async #startAsync(): Promise<void> {
    const { client, config, metadata } = this.#o;
    const exactlyOnce = config.processingGuarantee === 'exactly_once_v2';
    // At-least-once: one idempotent producer per thread. Exactly-once: one transactional producer
    // per task (see EosTaskProducers), opened when the task is assigned.
    const producer = exactlyOnce ? undefined : client.producer({ idempotent: true });
    this.#producer = producer;
    const eos = exactlyOnce ? new EosTaskProducers({ client, applicationId: config.applicationId, transactionTimeoutMs: config.transactionTimeoutMs, metrics: this.#metrics, log: this.#log }) : undefined;
    this.#eos = eos;
    // At-least-once: send errors go to the production exception handler (exactly-once: a failed
    // send aborts the transaction, as Kafka's transactional producer does whatever the handler says).
    const taskMetrics = this.#o.metrics.taskSink(this.name);
    const senders = new WeakMap<ProducerRecord, TaskId>();
    let dlqSend: (record: ProducerRecord) => void = () => undefined;
    // With the default 'fail' no handler is installed: a failed send fails the thread at once,
    // re-sending nothing, and records go to the collector without noting their task.
    const handlesSendErrors = config.productionExceptionHandler !== 'fail';
    const threadCollector =
      producer === undefined
        ? undefined
        : new RecordCollectorImpl(producer, {
            onAcknowledged: (n) => this.#metrics.recordSent(n),
            ...(handlesSendErrors ? { onSendError: sendErrorHandler({ config, log: this.#log, metrics: taskMetrics, taskOf: (r) => senders.get(r), deadLetter: (r) => dlqSend(r) }) } : {}),
          });
    dlqSend = (record) => threadCollector?.send(record);
    /** A task's collector: the thread's, noting which task sent each record when the handler needs to know. */
    const taskCollector = (id: TaskId): RecordCollector | undefined =>
      threadCollector === undefined || !handlesSendErrors
        ? undefined
        : {
            send: (record) => {
              senders.set(record, id);
              threadCollector.send(record);
            },
            acknowledgedOffset: (topic, partition) => threadCollector.acknowledgedOffset(topic, partition),
          };
    const collector: OutputQueue = eos ?? (threadCollector as RecordCollectorImpl);
    this.#collector = collector;
    const assignor = new StreamsPartitionAssignor({
      processId: this.#o.processId,
      endpoint: config.applicationServer,
      subtopologies: metadata.subtopologies,
      ownedActiveTasks: () => this.#tasks?.ownedActiveTaskIds() ?? [],
      ownedStandbyTasks: () => this.#o.standbys?.standbyTaskIds(this.name) ?? [],
      taskOffsetSums: () => this.#o.standbys?.taskOffsetSums() ?? {},
      numStandbyReplicas: config.numStandbyReplicas,
      statefulSubtopologies: new Set([
        ...metadata.internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.writerSubtopology),
        // A store restored from its source topic (reuse.ktable.source.topics) has no changelog topic.
        ...metadata.subtopologies.filter((s) => (s.sourceChangelogTopics?.length ?? 0) > 0).map((s) => s.id),
      ]),
      acceptableRecoveryLag: config.acceptableRecoveryLag,
      maxWarmupReplicas: config.maxWarmupReplicas,
      changelogEndOffsetSums: (tasks) => changelogEndOffsetSums(tasks, metadata, this.#o.listOffsets),
      onAssignmentComputed: (held) => this.#scheduleProbingRebalance(held > 0),
      shutdownRequested: this.#o.shutdownRequested,
      log: this.#log,
    });
    const consumer = client.consumer({
      groupId: config.applicationId,
      clientId: `${this.name}-consumer`,
      readCommitted: config.processingGuarantee === 'exactly_once_v2',
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      assignor,
      autoOffsetReset: 'earliest',
    });
    this.#consumer = consumer;
    const env: TaskEnvironment = {
      config,
      collector: threadCollector ?? { send: () => { throw new StreamsException('exactly-once tasks send through their own producer', 'ILLEGAL_STATE'); } },
      // Kafka's ThreadCache: the tasks of a thread share one budget, the config's split over threads.
      recordCache: this.#o.metrics.registerCache(this.name, new RecordCache(this.#o.cacheMaxBytes ?? Math.floor(config.cacheMaxBytes / config.numStreamThreads))),
      clock: Date.now,
      committed: (partitions) => consumer.committed(partitions),
      partitionsFor: (topic) => this.#o.partitionCounts.get(topic),
      metrics: taskMetrics,
    };
    const restorer = new ChangelogRestorer({
      client,
      readCommitted: config.processingGuarantee === 'exactly_once_v2',
      listOffsets: this.#o.listOffsets,
      committedOffsets: (partitions) => consumer.committed(partitions),
      log: this.#log,
      ...(this.#o.restoreListener !== undefined ? { listener: this.#o.restoreListener } : {}),
    });
    this.#restorer = restorer;
    this.#tasks = new TaskManager({
      createTask: (id, partitions) => this.#o.createTask(id, partitions, { ...env, collector: eos === undefined ? (taskCollector(id) ?? env.collector) : eos.collectorFor(id) }),
      consumer,
      collector,
      ...(eos === undefined ? {} : { eos: { producers: eos, groupId: config.applicationId } }),
      restorer,
      listOffsets: this.#o.listOffsets,
      metrics: this.#metrics,
      log: this.#log,
      maxBufferedPerPartition: config.bufferedRecordsPerPartition,
    });

    await producer?.connect();
    await consumer.connect();
    await consumer.subscribe([...new Set(metadata.subtopologies.flatMap((s) => s.sourceTopics))]);
    if (this.#stopping) return;
    await consumer.run({
      onPartitionsRevoked: (partitions) => this.#onRevoked(partitions),
      onPartitionsAssigned: (partitions, context) => this.#onAssigned(partitions, context),
      onBatch: (batch) => this.#onBatch(batch),
      onError: (error) => this.#fail(error),
    });
    this.#loopDone = this.#loop();
  }

  /**
   * Graceful stop: finishes the current iteration, commits, closes tasks, leaves the group.
   * Safe to call more than once and after the thread died.
   */
  async shutdown(): Promise<void> {
    if (this.#dying !== undefined) {
      await this.#dying;
      if (this.#lingering) {
        this.#lingering = false;
        await this.#release();
      }
      return;
    }
    if (this.#state === 'DEAD') return;
    this.#stopping = true;
    this.#setState('PENDING_SHUTDOWN');
    this.#idle.notify();
    this.#releaseDrained(true);
    this.#dying = (async () => {
      await this.#loopDone;
      const tasks = this.#tasks;
      if (tasks !== undefined) {
        await this.#mutex.run(async () => {
          let clean = true;
          try {
            await tasks.commit();
          } catch (e) {
            clean = false;
            if (e instanceof TaskMigratedException) this.#log.warn({ err: e.message }, 'final commit refused by the group; closing tasks as lost');
            else this.#log.error({ err: e }, 'final commit failed; closing tasks as lost');
          }
          await tasks.closeAll(clean).catch((e: unknown) => this.#log.error({ err: e }, 'error closing tasks'));
        });
      }
      await this.#release();
      this.#setState('DEAD');
    })();
    return this.#dying;
  }

  // -------------------------------------------------------------------------------------------
  // Consumer callbacks

  async #onRevoked(partitions: readonly TopicPartition[]): Promise<void> {
    await this.#mutex.run(async () => {
      if (this.isAlive()) this.#setState('PARTITIONS_REVOKED');
      try {
        await this.#tasks?.handleRevocation();
      } catch (e) {
        this.#fail(e);
      }
      this.#releaseDrained(false);
      this.#log.info({ partitions: partitions.length }, 'partitions revoked');
    });
  }

  async #onAssigned(partitions: readonly TopicPartition[], context: AssignmentContext): Promise<void> {
    await this.#mutex.run(async () => {
      let info: AssignmentInfo | undefined;
      try {
        info = decodeAssignmentInfo(context.userData);
      } catch (e) {
        this.#log.warn({ err: e }, 'unreadable assignment userData; building tasks from the partitions alone');
      }
      // A lingering (dead) thread still hears the group: that is how it learns of a shutdown.
      if (info?.errorCode === AssignorError.SHUTDOWN_REQUESTED) {
        this.#log.warn({ generation: context.generationId }, 'the group leader says the application is shutting down');
        this.#o.listener.onShutdownRequested(this);
        return;
      }
      if (!this.isAlive()) return;
      this.#setState('PARTITIONS_ASSIGNED');
      this.#o.listener.onAssignment(this, info, context);
      if (info?.errorCode === AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA) {
        this.#fail(new StreamsException('The group leader could not find every source topic of the topology (deleted while running?); see its log', 'MISSING_SOURCE_TOPIC'));
        return;
      }
      try {
        const assigned = tasksOfPartitions(partitions, this.#subtopologyOf);
        // Standbys of tasks that become active here close first: the active task opens their warm stores.
        await this.#o.standbys?.onAssignment(this.name, [...assigned.keys()], [...(info?.standbyTasks.keys() ?? [])]);
        await this.#tasks?.handleAssignment(assigned);
      } catch (e) {
        this.#fail(e);
        return;
      }
      this.#lastCommitMs = Date.now();
      this.#log.info({ generation: context.generationId, leader: context.isLeader, partitions: partitions.length }, 'partitions assigned');
      // As in Kafka Streams, the thread (and so the client) is RUNNING once every task restored.
      if (this.#tasks?.restoringCount === 0) this.#setState('RUNNING');
    });
    this.#idle.notify();
  }

  /**
   * Backpressure, the way kafkajs makes it cheap: a partition over `buffered.records.per.partition`
   * holds this callback (and so the consumer's next delivery and fetch) until the processing loop
   * drained it. Pausing would work too, but kafkajs sleeps a whole fetch wait whenever every
   * partition is paused, which throttles a busy thread to one fetch per wait. The hold is bounded:
   * if the buffer does not drain in time (a task that is not taking records), the partition is
   * paused instead and resumed once it drains.
   */
  async #onBatch(batch: FetchedBatch): Promise<void> {
    const tasks = this.#tasks;
    if (batch.records.length === 0 || tasks === undefined) return;
    const added = tasks.addRecords(batch, batch.records, batch.highWatermark);
    if (added === 'unowned') {
      // Not ours (any more): dropping is safe, nothing of it was processed or committed.
      this.#log.debug({ topic: batch.topic, partition: batch.partition }, 'records for a partition without a task dropped');
      return;
    }
    this.#idle.notify();
    if (added === 'ok' || this.#stopping) return;
    const tp: TopicPartition = { topic: batch.topic, partition: batch.partition };
    if (tasks.isRestoring(tp)) {
      // Its buffer cannot drain before the task is restored, which may take long: pause at once.
      tasks.pause(tp);
      return;
    }
    await new Promise<void>((resolve) => {
      const waiter = {
        tp,
        release: () => {
          clearTimeout(timer);
          this.#drainWaiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        waiter.release();
        if (!this.#stopping && !tasks.isDrained(tp)) tasks.pause(tp);
      }, DRAIN_WAIT_MS);
      this.#drainWaiters.add(waiter);
    });
  }

  /** Lets held fetch callbacks go: those whose partition drained, or all of them. */
  #releaseDrained(all: boolean): void {
    for (const waiter of [...this.#drainWaiters]) {
      if (all || this.#tasks === undefined || this.#tasks.isDrained(waiter.tp)) waiter.release();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Processing loop

  async #loop(): Promise<void> {
    try {
      while (!this.#stopping) {
        const processed = await this.#mutex.run(() => this.#iteration());
        if (this.#stopping) break;
        if (processed > 0) await yieldToEventLoop();
        else await this.#idle.wait(Math.max(1, Math.min(IDLE_POLL_MS, this.#lastCommitMs + this.#o.config.commitIntervalMs - Date.now())));
      }
    } catch (e) {
      this.#fail(e);
    }
  }

  /** One pass (see `#process`); a migrated or corrupted task costs the thread its task, not its life (see `#onTaskError`). */
  async #iteration(): Promise<number> {
    try {
      return await this.#process();
    } catch (e) {
      if (!(await this.#onTaskError(e))) throw e;
      this.#lastCommitMs = Date.now();
      return 0;
    }
  }

  /**
   * What Kafka Streams' StreamThread does with these two, returning whether `error` was one:
   * - TaskCorruptedException (exactly-once: a transaction failed on a Kafka error that is not a
   *   fencing): the failed tasks are revived in this thread (`TaskManager.reviveCorrupted`:
   *   closed dirty, state rebuilt from the changelogs, input sought back to the committed offsets).
   * - TaskMigratedException (a producer fenced, by a new owner or by its own transaction
   *   timeout, or an offset commit the group refused): every task is closed as lost, committing
   *   nothing, and the consumer rejoins the group at once, so the group decides who owns them
   *   now. A producer fenced by its own timeout gets its tasks back and carries on; without the
   *   rejoin they would stay closed until some later rebalance.
   */
  async #onTaskError(error: unknown): Promise<boolean> {
    const tasks = this.#tasks;
    if (tasks === undefined) return false;
    if (error instanceof TaskCorruptedException) {
      await tasks.reviveCorrupted(error);
      return true;
    }
    if (!(error instanceof TaskMigratedException)) return false;
    this.#log.warn({ err: error.message }, 'a task migrated; closing tasks as lost and rejoining the group');
    await tasks.closeAll(false);
    this.#consumer?.enforceRebalance();
    return true;
  }

  /** One pass: process in task turns until idle or out of budget, punctuate, maybe commit. */
  async #process(): Promise<number> {
    const tasks = this.#tasks;
    const collector = this.#collector;
    if (tasks === undefined || collector === undefined || (this.#state !== 'RUNNING' && this.#state !== 'PARTITIONS_ASSIGNED')) {
      this.#releaseDrained(false);
      return 0;
    }
    collector.checkError();
    const now = Date.now();
    const deadline = performance.now() + ITERATION_BUDGET_MS;
    let processed = 0;
    let punctuated = 0;
    const running = tasks.running();
    // Start each iteration at the next task, so the budget running out never favours the first ones.
    const first = running.length === 0 ? 0 : this.#turn++ % running.length;
    for (let progress = running.length > 0; progress && performance.now() < deadline; ) {
      progress = false;
      for (let i = 0; i < running.length; i++) {
        const task = running[(first + i) % running.length] as StreamTask;
        let n = 0;
        // The budget is checked per record too: an async processor may take milliseconds each.
        while (n < RECORDS_PER_TASK_TURN && (n === 0 || performance.now() < deadline) && (await task.process(now))) n++;
        if (n > 0) {
          progress = true;
          processed += n;
          if (await task.maybePunctuateStreamTime()) punctuated++;
        }
      }
      collector.maybeSend();
      if (!collector.hasRoom()) await collector.waitForRoom();
    }
    for (const task of running) if (await task.maybePunctuateSystemTime(now)) punctuated++;
    let restored = 0;
    if (tasks.restoringCount > 0) {
      // Restoration reads between processing turns; it waits a little only when there is nothing to process.
      restored = await tasks.restore(processed > 0 ? 0 : RESTORE_WAIT_MS);
      if (tasks.restoringCount === 0 && this.#state === 'PARTITIONS_ASSIGNED') this.#setState('RUNNING');
    }
    collector.maybeSend();
    if (processed > 0) this.#metrics.recordProcessed(processed);
    if (restored > 0) this.#metrics.recordRestored(restored);
    if (punctuated > 0) this.#metrics.recordPunctuation(punctuated);
    this.#releaseDrained(false);
    tasks.resumeDrained();
    if (now - this.#lastCommitMs >= this.#o.config.commitIntervalMs || tasks.commitRequested()) await this.#commit();
    return processed + punctuated + restored;
  }

  async #commit(): Promise<void> {
    const tasks = this.#tasks;
    if (tasks === undefined) return;
    try {
      const committed = await tasks.commit();
      if (committed > 0) this.#log.debug({ partitions: committed }, 'committed');
    } catch (e) {
      // The group moved on or a transaction failed: see #onTaskError.
      if (!(await this.#onTaskError(e))) throw e;
    }
    // As Kafka Streams (StreamThread.maybeCommit advances `now` past the commit before it sets
    // lastCommitMs): the interval runs from the end of a commit, so a commit that takes long
    // (exactly-once: flushing the caches, the transaction's round trips) does not leave only a
    // sliver of processing before the next one.
    this.#lastCommitMs = Date.now();
  }

  // -------------------------------------------------------------------------------------------
  // Failure and release

  /** The thread dies: tasks are closed as lost (no commit), clients released, the client told. */
  #fail(error: unknown): void {
    if (this.#dying !== undefined) return;
    const err = error instanceof Error ? error : new StreamsException(String(error));
    this.#stopping = true;
    this.#idle.notify();
    this.#releaseDrained(true);
    this.#log.error({ err }, 'stream thread failed');
    this.#dying = (async () => {
      // Leave the consumer callback or loop iteration that reported the error before releasing
      // the consumer: disconnecting from inside its own callback would wait for itself.
      await yieldToEventLoop();
      await this.#loopDone.catch(() => undefined);
      await this.#mutex.run(async () => {
        await this.#tasks?.closeAll(false).catch((e: unknown) => this.#log.error({ err: e }, 'error closing tasks of a failed thread'));
      });
      this.#setState('DEAD');
      if (this.#o.listener.onDied(this, err) === 'linger') this.#lingering = true;
      else await this.#release();
    })();
  }

  /**
   * On the leader: after an assignment that kept tasks on caught-up clients while warm-up
   * replicas restore elsewhere, rejoin the group after `probing.rebalance.interval.ms` so the
   * next assignment can move the tasks whose warm-ups caught up (KIP-441's probing rebalance).
   * Each new assignment replaces the schedule; one without held tasks cancels it.
   */
  #scheduleProbingRebalance(needed: boolean): void {
    clearTimeout(this.#probingRebalance);
    this.#probingRebalance = undefined;
    if (!needed) return;
    this.#probingRebalance = setTimeout(() => {
      this.#probingRebalance = undefined;
      if (!this.isAlive()) return;
      this.#log.info('probing rebalance: rejoining the group to move tasks whose warm-up replicas caught up');
      this.#consumer?.enforceRebalance();
    }, this.#o.config.probingRebalanceIntervalMs);
    this.#probingRebalance.unref();
  }

  async #release(): Promise<void> {
    clearTimeout(this.#probingRebalance);
    try {
      await this.#consumer?.disconnect();
    } catch (e) {
      this.#log.warn({ err: e }, 'error leaving the group');
    }
    try {
      await this.#collector?.abandon();
      await this.#producer?.disconnect();
      await this.#eos?.close(undefined, false);
    } catch (e) {
      this.#log.warn({ err: e }, 'error closing the producer');
    }
    await this.#restorer?.close().catch((e: unknown) => this.#log.warn({ err: e }, 'error closing the restore reader'));
  }

  #setState(next: StreamThreadState): void {
    const old = this.#state;
    if (old === next || old === 'DEAD') return;
    if (old === 'PENDING_SHUTDOWN' && next !== 'DEAD') return;
    this.#state = next;
    this.#o.listener.onStateChange(this, next, old);
  }
}
