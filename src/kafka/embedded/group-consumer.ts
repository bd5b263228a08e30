import type {
  ConsumerListener,
  FetchedBatch,
  GroupConsumer,
  GroupConsumerOptions,
  MemberAssignment,
  PartitionAssignor,
  TopicPartition,
  TopicPartitionOffset,
} from '../port.js';
import type { EmbeddedCluster } from './cluster.js';
import type { ConsumerGroup, JoinResult } from './consumer-group.js';
import { deferred, type Deferred } from './deferred.js';
import { EmbeddedKafkaError, illegalState } from './errors.js';
import { DEFAULT_MAX_BYTES_PER_PARTITION, MAX_RECORDS_PER_BATCH } from './fetch-defaults.js';
import type { IsolationLevel, PartitionLog } from './partition-log.js';
import { roundRobinAssignor } from './round-robin-assignor.js';
import { WakeSignal } from './wake-signal.js';

/** kafkajs's defaults, which the real adapter runs with. */
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
const DEFAULT_REBALANCE_TIMEOUT_MS = 60_000;

type Phase = 'created' | 'connected' | 'running' | 'frozen' | 'stopping' | 'stopped';

const keyOf = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function isType(error: unknown, ...types: EmbeddedKafkaError['type'][]): boolean {
  return error instanceof EmbeddedKafkaError && types.includes(error.type);
}

/**
 * A consumer in a group of an embedded cluster.
 *
 * `run()` starts one loop that owns every listener call, so calls never overlap and follow
 * revoke → assign → batches → revoke. The loop rebalances when the group asks it to (eager:
 * everything is revoked before rejoining), otherwise delivers the next batch, taking partitions
 * in turn so that none starves the others, and sleeps on a wake signal when there is nothing
 * to deliver. Fetch positions start at the committed offset (or `autoOffsetReset`) when a
 * partition is first fetched after an assignment, so a seek in `onPartitionsAssigned` wins.
 *
 * While the loop is inside a listener callback or the assignor, it does not heartbeat: a
 * callback that hangs for longer than the session timeout gets the member removed from the
 * group, as with kafkajs. Its later commits then fail with UNKNOWN_MEMBER_ID or
 * ILLEGAL_GENERATION, and when the callback returns the consumer revokes and rejoins as a new
 * member.
 */
export class EmbeddedGroupConsumer implements GroupConsumer {
  readonly #cluster: EmbeddedCluster;
  readonly #options: GroupConsumerOptions;
  readonly #clientId: string;
  readonly #assignor: PartitionAssignor;
  readonly #isolation: IsolationLevel;
  #phase: Phase = 'created';
  #topics: readonly string[] = [];
  #listener: ConsumerListener | undefined;
  #memberId: string | undefined;
  #generationId = -1;
  #rejoinNeeded = true;
  /** True while the loop waits for the group (join or sync), which disconnect may cut short. */
  #waitingForGroup = false;
  /** The partitions of the assignment delivered to the listener; undefined when none is (revoked). */
  #assigned: readonly TopicPartition[] | undefined;
  readonly #assignedKeys = new Set<string>();
  readonly #positions = new Map<string, number>();
  readonly #paused = new Set<string>();
  #turn = 0;
  readonly #wake = new WakeSignal();
  #loop: Promise<void> | undefined;
  #stopWatching: (() => void) | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(cluster: EmbeddedCluster, options: GroupConsumerOptions, defaultClientId: string) {
    if (typeof options?.groupId !== 'string' || options.groupId === '') {
      throw new EmbeddedKafkaError('INVALID_REQUEST', `A group consumer needs a non-empty groupId, but got: ${JSON.stringify(options?.groupId)}`);
    }
    for (const name of ['sessionTimeoutMs', 'rebalanceTimeoutMs', 'maxBytesPerPartition'] as const) {
      const value = options[name];
      if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
        const type = name === 'maxBytesPerPartition' ? 'INVALID_REQUEST' : 'INVALID_SESSION_TIMEOUT';
        throw new EmbeddedKafkaError(type, `${name} of group '${options.groupId}' must be a positive integer, but got: ${String(value)}`);
      }
    }
    this.#cluster = cluster;
    this.#options = options;
    this.#clientId = options.clientId ?? defaultClientId;
    this.#assignor = options.assignor ?? roundRobinAssignor;
    this.#isolation = options.readCommitted === false ? 'read_uncommitted' : 'read_committed';
  }

  get #group(): ConsumerGroup {
    return this.#cluster.group(this.#options.groupId);
  }

  async connect(): Promise<void> {
    this.#cluster.ensureOpen();
    if (this.#phase === 'created') this.#phase = 'connected';
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    this.#cluster.ensureOpen();
    if (this.#phase === 'created') throw illegalState('The consumer is not connected; call connect() before subscribe()');
    if (this.#phase !== 'connected') throw illegalState('Cannot subscribe while the consumer runs; subscribe before run()');
    if (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== 'string')) {
      throw new EmbeddedKafkaError('INVALID_REQUEST', `subscribe() needs a non-empty list of topic names, but got: ${JSON.stringify(topics)}`);
    }
    for (const topic of topics) this.#cluster.requireTopic(topic);
    this.#topics = [...new Set(topics)];
  }

  async run(listener: ConsumerListener): Promise<void> {
    this.#cluster.ensureOpen();
    if (this.#phase !== 'connected') {
      throw illegalState(this.#phase === 'created' ? 'The consumer is not connected; call connect() first' : `Cannot run a consumer that is ${this.#phase}`);
    }
    if (this.#topics.length === 0) throw illegalState('subscribe() to at least one topic before run()');
    this.#listener = listener;
    this.#phase = 'running';
    const stopWatching = this.#cluster.watch(this.#topics, () => this.#wake.notify());
    const unregister = this.#cluster.registerConsumer({ clientId: this.#clientId, freeze: () => this.#freeze() });
    this.#stopWatching = () => {
      stopWatching();
      unregister();
    };
    // A running consumer keeps the process alive, as a real client's open sockets do.
    this.#keepAlive = setInterval(() => undefined, 2 ** 30);
    const started = deferred<void>();
    this.#loop = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#runLoop(started));
    await started.promise;
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.#requireAssigned(partitions, 'pause');
    for (const tp of partitions) this.#paused.add(keyOf(tp));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#requireAssigned(partitions, 'resume');
    for (const tp of partitions) this.#paused.delete(keyOf(tp));
    this.#wake.notify();
  }

  seek(partition: TopicPartitionOffset): void {
    this.#requireAssigned([partition], 'seek');
    if (!Number.isInteger(partition.offset) || partition.offset < 0) {
      throw new EmbeddedKafkaError('INVALID_REQUEST', `Seek offset must be a non-negative integer, but got: ${String(partition.offset)}`);
    }
    this.#positions.set(keyOf(partition), partition.offset);
    this.#wake.notify();
  }

  enforceRebalance(): void {
    if (this.#phase !== 'running') return;
    this.#rejoinNeeded = true;
    this.#wake.notify();
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.#cluster.ensureOpen();
    for (const { topic, partition, offset } of offsets) {
      this.#cluster.requirePartition(topic, partition);
      if (!Number.isInteger(offset) || offset < 0) {
        throw new EmbeddedKafkaError('INVALID_REQUEST', `Offset for ${topic}-${partition} must be a non-negative integer, but got: ${String(offset)}`);
      }
    }
    if (this.#memberId === undefined) {
      throw new EmbeddedKafkaError('UNKNOWN_MEMBER_ID', `The consumer is not a member of group '${this.#options.groupId}' (not running, or rejoining)`);
    }
    this.#group.commit(this.#memberId, this.#generationId, offsets);
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    this.#cluster.ensureOpen();
    const group = this.#cluster.findGroup(this.#options.groupId);
    return partitions.map(({ topic, partition }) => {
      const metadata = group?.committedMetadata(topic, partition);
      return { topic, partition, offset: group?.committed(topic, partition) ?? -1, ...(metadata === undefined ? {} : { metadata }) };
    });
  }

  /**
   * Test hook (through `freezeEmbeddedConsumers`): the process stops dead. No more callbacks,
   * no revocation, no leave, no heartbeats: the group removes the member after its session
   * timeout, as Kafka does with a crashed or frozen process.
   */
  #freeze(): void {
    if (this.#phase !== 'running') return;
    this.#phase = 'frozen';
    if (this.#memberId !== undefined) this.#cluster.findGroup(this.#options.groupId)?.stopHeartbeats(this.#memberId);
    this.#wake.notify();
  }

  async disconnect(): Promise<void> {
    if (this.#phase === 'running') {
      this.#phase = 'stopping';
      this.#wake.notify();
      // A loop waiting for a rebalance round to complete holds no partitions: leave right away.
      if (this.#waitingForGroup && this.#memberId !== undefined) this.#cluster.findGroup(this.#options.groupId)?.leave(this.#memberId);
    }
    if (this.#loop !== undefined) await this.#loop;
    this.#phase = 'stopped';
  }

  /** As the Java client: pause, resume and seek apply to the current assignment only. */
  #requireAssigned(partitions: readonly TopicPartition[], operation: string): void {
    const foreign = partitions.filter((tp) => !this.#assignedKeys.has(keyOf(tp)));
    if (foreign.length > 0) {
      const names = foreign.map((tp) => `${tp.topic}-${tp.partition}`).join(', ');
      throw illegalState(`Cannot ${operation} ${names}: not assigned to this consumer of group '${this.#options.groupId}'`);
    }
  }

  async #runLoop(started: Deferred<void>): Promise<void> {
    let startedSettled = false;
    const settleStarted = (error?: Error): void => {
      if (startedSettled) return;
      startedSettled = true;
      if (error === undefined) started.resolve();
      else started.reject(error);
    };
    let failure: Error | undefined;
    try {
      while (this.#phase === 'running' && !this.#cluster.closed) {
        if (this.#rejoinNeeded) {
          if ((await this.#rebalance()) && !startedSettled) {
            settleStarted();
            // Let run()'s caller resume (and keep the consumer handle) before the first batch,
            // as the network gives it time to with a real client.
            await new Promise<void>((resolve) => setImmediate(resolve));
          }
          continue;
        }
        const batch = this.#nextBatch();
        if (batch !== undefined) {
          await this.#inCallback(() => this.#listener!.onBatch(batch));
          continue;
        }
        await this.#wake.wait();
      }
      if (this.#cluster.closed && this.#phase === 'running') {
        failure = new EmbeddedKafkaError('ILLEGAL_STATE', `Embedded cluster '${this.#cluster.name}' was reset while the consumer ran`);
      }
    } catch (error) {
      failure = asError(error);
    }
    const frozen = this.#phase === 'frozen';
    try {
      const revoked = this.#assigned;
      if (failure === undefined && !frozen && revoked !== undefined) {
        await this.#inCallback(() => this.#listener!.onPartitionsRevoked(revoked));
      }
    } finally {
      this.#clearAssignment();
      if (this.#memberId !== undefined && !frozen && !this.#cluster.closed) this.#group.leave(this.#memberId);
      this.#memberId = undefined;
      this.#phase = 'stopped';
      this.#stopWatching?.();
      clearInterval(this.#keepAlive);
      if (failure !== undefined && startedSettled) this.#listener?.onError?.(failure);
      settleStarted(failure);
    }
  }

  /** One rebalance: revoke, join, (lead,) sync, assign. Returns whether an assignment was delivered. */
  async #rebalance(): Promise<boolean> {
    const listener = this.#listener!;
    const revoked = this.#assigned;
    if (revoked !== undefined) await this.#inCallback(() => listener.onPartitionsRevoked(revoked));
    this.#clearAssignment();
    if (this.#phase !== 'running' || this.#cluster.closed) return false;
    this.#rejoinNeeded = false;

    let joined: JoinResult;
    try {
      const userData = await this.#inCallback(async () => this.#assignor.subscriptionUserData(this.#topics));
      if (this.#phase !== 'running') return false;
      const join = this.#group.join({
        memberId: this.#memberId,
        clientId: this.#clientId,
        topics: this.#topics,
        protocol: this.#assignor.name,
        userData,
        sessionTimeoutMs: this.#options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
        rebalanceTimeoutMs: this.#options.rebalanceTimeoutMs ?? DEFAULT_REBALANCE_TIMEOUT_MS,
        onRejoinNeeded: () => {
          this.#rejoinNeeded = true;
          this.#wake.notify();
        },
      });
      this.#memberId = join.memberId;
      joined = await this.#waitForGroup(join.reply);
    } catch (error) {
      return this.#retryAfter(error);
    }
    if (this.#phase !== 'running') return false;
    this.#generationId = joined.generationId;
    const isLeader = joined.leaderId === joined.memberId;

    let assignments: Map<string, MemberAssignment> | undefined;
    if (isLeader) {
      const partitionsPerTopic = new Map<string, number>();
      for (const member of joined.members) {
        for (const topic of member.topics) {
          const log = this.#cluster.topic(topic);
          if (log !== undefined) partitionsPerTopic.set(topic, log.partitions.length);
        }
      }
      assignments = await this.#inCallback(() => this.#assignor.assign(joined.members, partitionsPerTopic));
      if (this.#phase !== 'running') return false;
    }
    let assignment;
    try {
      assignment = await this.#waitForGroup(this.#group.sync(joined.memberId, joined.generationId, assignments));
    } catch (error) {
      return this.#retryAfter(error);
    }
    if (this.#phase !== 'running') return false;
    const assigned = assignment.partitions;
    this.#assigned = assigned;
    for (const tp of assigned) this.#assignedKeys.add(keyOf(tp));
    const context = { generationId: joined.generationId, memberId: joined.memberId, isLeader, userData: assignment.userData };
    await this.#inCallback(() => listener.onPartitionsAssigned(assigned, context));
    return true;
  }

  async #waitForGroup<T>(reply: Promise<T>): Promise<T> {
    this.#waitingForGroup = true;
    try {
      return await reply;
    } finally {
      this.#waitingForGroup = false;
    }
  }

  /** The group moved on while we joined or synced: rejoin (as a new member when we were removed). */
  async #retryAfter(error: unknown): Promise<false> {
    if (this.#cluster.closed || this.#phase !== 'running') return false;
    if (isType(error, 'UNKNOWN_MEMBER_ID')) this.#memberId = undefined;
    else if (!isType(error, 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION')) throw error;
    this.#rejoinNeeded = true;
    // Yield a macrotask so that a group stuck in quick refusals cannot starve the event loop.
    await new Promise<void>((resolve) => setImmediate(resolve));
    return false;
  }

  /** Runs a listener or assignor call; the member does not heartbeat meanwhile (see the class comment). */
  async #inCallback<T>(call: () => Promise<T>): Promise<T> {
    const memberId = this.#memberId;
    const group = this.#cluster.findGroup(this.#options.groupId);
    if (memberId !== undefined) group?.setBusy(memberId, true);
    try {
      return await call();
    } finally {
      if (memberId !== undefined) group?.setBusy(memberId, false);
    }
  }

  #clearAssignment(): void {
    this.#assigned = undefined;
    this.#assignedKeys.clear();
    this.#positions.clear();
    // Eager rebalancing revokes everything, and with it the pause state (as the Java client does).
    this.#paused.clear();
  }

  /** The next batch, taking assigned partitions in turn; undefined when none has anything to deliver. */
  #nextBatch(): FetchedBatch | undefined {
    const assigned = this.#assigned ?? [];
    const count = assigned.length;
    const limits = {
      maxBytes: this.#options.maxBytesPerPartition ?? DEFAULT_MAX_BYTES_PER_PARTITION,
      maxRecords: MAX_RECORDS_PER_BATCH,
    };
    for (let i = 0; i < count; i++) {
      const index = (this.#turn + i) % count;
      const tp = assigned[index]!;
      const key = keyOf(tp);
      if (this.#paused.has(key)) continue;
      const log = this.#cluster.topic(tp.topic)?.partitions[tp.partition];
      if (log === undefined) continue;
      let position = this.#positions.get(key);
      if (position === undefined || log.outOfRange(position)) position = this.#resetPosition(tp, log, position !== undefined);
      const limit = log.fetchLimit(this.#isolation);
      if (position >= limit) {
        this.#positions.set(key, position);
        continue;
      }
      const { records, nextOffset } = log.read(position, this.#isolation, limits);
      this.#positions.set(key, nextOffset);
      if (records.length === 0) continue;
      this.#turn = (index + 1) % count;
      return { topic: tp.topic, partition: tp.partition, records, highWatermark: limit };
    }
    return undefined;
  }

  /** The committed offset, else (or when out of range) the reset policy's end of the log. */
  #resetPosition(tp: TopicPartition, log: PartitionLog, outOfRange: boolean): number {
    const committed = outOfRange ? undefined : this.#cluster.findGroup(this.#options.groupId)?.committed(tp.topic, tp.partition);
    if (committed !== undefined && !log.outOfRange(committed)) return committed;
    return this.#options.autoOffsetReset === 'latest' ? log.fetchLimit(this.#isolation) : log.logStartOffset;
  }
}
