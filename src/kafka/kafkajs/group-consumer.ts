/**
 * The port's group consumer on a kafkajs consumer.
 *
 * kafkajs runs the group protocol and the fetch loop; this class adds what the port promises
 * and kafkajs lacks:
 *
 * - `onPartitionsRevoked` runs before this member re-joins the group (a hook on its JoinGroup
 *   request, see `coordinator-hooks.ts`) and before it leaves it on `disconnect()`. Guarantee:
 *   the revoke callback completes while this member still owns its partitions (offsets can be
 *   committed), because with the eager protocol the group cannot complete a rebalance, and so
 *   cannot hand the partitions to anyone, before every member re-joined or the rebalance
 *   timeout passed. Not covered (Java reports these as "lost" partitions, the port has no such
 *   callback): a member that was already expelled (session timeout, or a kafkajs crash and
 *   restart, which leaves the group first) gets its revoke call at its next join, after the
 *   partitions moved; commits made in it then fail with a rebalance error.
 * - `onPartitionsAssigned` runs when the SyncGroup response arrives, before kafkajs fetches for
 *   the new generation, with this member's assignment userData read from that response
 *   (kafkajs drops it), for the leader and the followers alike.
 * - Batches are delivered per partition in offset order, one callback at a time (`eachBatch`,
 *   one partition at a time, with auto-resolve and auto-commit off). The fetch position moves
 *   past a batch only after the listener returned, and not when the batch is stale: the
 *   partition was revoked, paused or re-positioned by `seek` meanwhile.
 * - Commits are OffsetCommit requests with this member's current generation, sent directly
 *   to the coordinator. kafkajs's own `commitOffsets` silently does nothing when its runner is
 *   not running and cannot commit during revocation; ours fails loudly with Kafka's error
 *   (`ILLEGAL_GENERATION`, `REBALANCE_IN_PROGRESS`, `UNKNOWN_MEMBER_ID` when the group moved on).
 *
 * - While a listener callback runs, the consumer keeps heartbeating (every heartbeat interval),
 *   as Java's background heartbeat thread does: kafkajs heartbeats only between batches, so a
 *   listener that holds a batch (backpressure) or restores state for longer than the session
 *   timeout would otherwise be expelled from the group. How long a callback may take is then
 *   bounded by the rebalance timeout once a rebalance starts, as `max.poll.interval.ms` in Java.
 *
 * Each consumer gets its own kafkajs `Kafka` instance: kafkajs caches committed offsets per
 * group in the instance, shared between its consumers, and one consumer's new generation wipes
 * that cache under another consumer of the same group.
 */
import type { Assigner, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type {
  ConsumerListener,
  GroupConsumer,
  GroupConsumerOptions,
  TopicPartition,
  TopicPartitionOffset,
} from '../port.js';
import { decodeAssignment, kafkajsAssigner } from './assignor-bridge.js';
import { installAbortedTransactionsFix } from './aborted-transactions-fix.js';
import { installCoordinatorHooks } from './coordinator-hooks.js';
import { illegalState, rootCause, toAdapterError } from './kafkajs-error.js';
import type { Cluster, CoordinatorBroker, JoinGroupRequest, JoinGroupResponse, RawRecord, SyncGroupRequest, SyncGroupResponse } from './kafkajs-module.js';
import { KafkaJSProtocolError, PartitionAssigners } from './kafkajs-module.js';
import { toConsumedRecord } from './record-mapping.js';
import { SerialLock } from './serial-lock.js';
import { offsetsByTopic, partitionKey, partitionsByTopic, quoted } from './topic-partitions.js';

type Phase = 'created' | 'connected' | 'subscribed' | 'running' | 'closing' | 'closed' | 'failed';

interface Ownership {
  readonly generationId: number;
  readonly partitions: readonly TopicPartition[];
  readonly keys: ReadonlySet<string>;
}

/** How long the broker may hold an empty fetch; bounds how late pause/resume/seek and rebalances are noticed. */
const FETCH_MAX_WAIT_MS = 500;
/** kafkajs's default heartbeat interval. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 3_000;

export class KafkajsGroupConsumer implements GroupConsumer {
  readonly #groupId: string;
  readonly #options: GroupConsumerOptions;
  readonly #consumer: Consumer;
  readonly #cluster: Cluster;
  readonly #assigner: Assigner;
  readonly #lock = new SerialLock();
  #phase: Phase = 'created';
  #starting = false;
  #failure: Error | undefined;
  #topics: readonly string[] = [];
  #listener: ConsumerListener | undefined;
  #joined: JoinGroupResponse | undefined;
  #owned: Ownership | undefined;
  readonly #paused = new Set<string>();
  /** Seeks not yet confirmed by a batch: kafkajs keeps unapplied seeks across rebalances. */
  readonly #pendingSeeks = new Set<string>();
  /** `enforceRebalance()` was called and the member has not re-joined since. */
  #rejoinRequested = false;

  constructor(kafka: Kafka, options: GroupConsumerOptions) {
    this.#groupId = options.groupId;
    this.#options = options;
    let cluster: Cluster | undefined;
    let assigner: Assigner | undefined;
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      partitionAssigners: [
        (context) => {
          cluster = context.cluster;
          assigner = options.assignor !== undefined ? kafkajsAssigner(options.assignor, context.cluster) : PartitionAssigners.roundRobin(context);
          return assigner;
        },
      ],
      readUncommitted: options.readCommitted === false,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      maxBytesPerPartition: options.maxBytesPerPartition,
      maxWaitTimeInMs: FETCH_MAX_WAIT_MS,
      allowAutoTopicCreation: false,
      retry: {
        initialRetryTime: 100,
        retries: 5,
        maxRetryTime: 3_000,
        // After a retriable crash kafkajs restarts the consumer; not once we are closing or failed.
        restartOnFailure: async () => this.#phase === 'running',
      },
    });
    if (cluster === undefined || assigner === undefined) {
      throw new Error('kafkajs did not pass its Cluster to the partition-assigner factory (is kafkajs still 2.2.4?)');
    }
    this.#cluster = cluster;
    this.#assigner = assigner;
    if (options.readCommitted !== false) installAbortedTransactionsFix(cluster);
    installCoordinatorHooks(cluster, options.groupId, {
      beforeJoin: (request) => this.#beforeJoin(request),
      afterJoin: (response) => {
        this.#joined = response;
      },
      afterSync: (request, response) => this.#afterSync(request, response),
      beforeHeartbeat: () => {
        if (this.#rejoinRequested) throw rejoinRequested();
      },
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => this.#onCrash(event.payload.error, event.payload.restart));
  }

  async connect(): Promise<void> {
    if (this.#phase !== 'created') throw illegalState(`Consumer of group '${this.#groupId}' is already connected`);
    try {
      await this.#consumer.connect();
    } catch (e) {
      throw toAdapterError(e, `connect the consumer of group '${this.#groupId}'`);
    }
    this.#phase = 'connected';
  }

  async subscribe(topics: readonly string[]): Promise<void> {
    if (this.#phase !== 'connected') {
      throw illegalState(`Consumer of group '${this.#groupId}': subscribe() once, after connect() and before run()`);
    }
    try {
      await this.#consumer.subscribe({ topics: [...topics], fromBeginning: (this.#options.autoOffsetReset ?? 'earliest') === 'earliest' });
    } catch (e) {
      throw toAdapterError(e, `subscribe group '${this.#groupId}' to topic(s) ${quoted(topics)}`);
    }
    this.#topics = [...topics];
    this.#phase = 'subscribed';
  }

  async run(listener: ConsumerListener): Promise<void> {
    if (this.#phase !== 'subscribed') {
      throw illegalState(`Consumer of group '${this.#groupId}': run() once, after connect() and subscribe() (now ${this.#phase})`);
    }
    this.#listener = listener;
    this.#phase = 'running';
    this.#starting = true;
    try {
      // Resolves after the first join and sync (and so after onPartitionsAssigned).
      await this.#consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: 1,
        eachBatch: (payload) => this.#onBatch(payload),
      });
    } catch (e) {
      this.#phase = 'failed';
      throw toAdapterError(e, `start consuming topic(s) ${quoted(this.#topics)} in group '${this.#groupId}'`);
    } finally {
      this.#starting = false;
    }
    // kafkajs reports a failed start through its crash handler, not by rejecting run().
    if (this.#failure !== undefined) throw this.#failure;
  }

  pause(partitions: readonly TopicPartition[]): void {
    this.#requireOwned(partitions, 'pause');
    for (const { topic, partition } of partitions) this.#paused.add(partitionKey(topic, partition));
    this.#consumer.pause(partitionsByTopic(partitions));
  }

  resume(partitions: readonly TopicPartition[]): void {
    this.#requireOwned(partitions, 'resume');
    for (const { topic, partition } of partitions) this.#paused.delete(partitionKey(topic, partition));
    this.#consumer.resume(partitionsByTopic(partitions));
  }

  seek({ topic, partition, offset }: TopicPartitionOffset): void {
    this.#requireOwned([{ topic, partition }], 'seek');
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw illegalState(`Cannot seek partition ${topic}-${partition}: the offset must be a non-negative integer, but got: ${offset}`);
    }
    this.#pendingSeeks.add(partitionKey(topic, partition));
    this.#consumer.seek({ topic, partition, offset: String(offset) });
  }

  /**
   * kafkajs has no such call: the member's next heartbeat fails with REBALANCE_IN_PROGRESS (see
   * `coordinator-hooks.ts`) until it re-joined, so kafkajs's fetch loop re-joins as it does when
   * the coordinator starts a rebalance. A follower whose subscription did not change gets its
   * current assignment back without a group-wide rebalance (Kafka's rule for a JoinGroup from a
   * known member); the listener hears revoke and assign either way.
   */
  enforceRebalance(): void {
    if (this.#phase === 'running') this.#rejoinRequested = true;
  }

  async commitOffsets(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const joined = this.#joined;
    const what = `commit offsets of group '${this.#groupId}' for topic(s) ${quoted([...new Set(offsets.map((o) => o.topic))])}`;
    if (joined === undefined || (this.#phase !== 'running' && this.#phase !== 'closing')) {
      throw illegalState(`Cannot ${what}: the consumer is not a member of the group (${this.#phase})`);
    }
    await this.#withCoordinator(what, (coordinator) =>
      coordinator.offsetCommit({
        groupId: this.#groupId,
        memberId: joined.memberId,
        groupGenerationId: joined.generationId,
        topics: offsetsByTopic(offsets),
      }),
    );
  }

  async committed(partitions: readonly TopicPartition[]): Promise<TopicPartitionOffset[]> {
    if (partitions.length === 0) return [];
    if (this.#phase === 'created' || this.#phase === 'closed') {
      throw illegalState(`Consumer of group '${this.#groupId}' is not connected`);
    }
    const what = `fetch the committed offsets of group '${this.#groupId}'`;
    const response = (await this.#withCoordinator(what, (coordinator) =>
      coordinator.offsetFetch({
        groupId: this.#groupId,
        // kafkajs's type wants an offset per partition; OffsetFetch sends only the partition.
        topics: partitionsByTopic(partitions).map(({ topic, partitions: ps }) => ({ topic, partitions: ps.map((partition) => ({ partition, offset: '' })) })),
      }),
    )) as { responses: { topic: string; partitions: { partition: number; offset: string; metadata?: string | null }[] }[] };
    const found = new Map(response.responses.flatMap((t) => t.partitions.map((p) => [partitionKey(t.topic, p.partition), p] as const)));
    return partitions.map(({ topic, partition }) => {
      const p = found.get(partitionKey(topic, partition));
      const offset = p === undefined ? -1 : Number(p.offset);
      // Kafka answers "" for an offset committed without metadata.
      return { topic, partition, offset, ...(offset >= 0 && typeof p?.metadata === 'string' && p.metadata !== '' ? { metadata: p.metadata } : {}) };
    });
  }

  /**
   * Revokes the partitions (the listener may still commit), leaves the group and closes the
   * connections. Must not be awaited from inside a listener callback: it waits for the callback.
   */
  async disconnect(): Promise<void> {
    if (calledFromListenerCallback()) {
      throw illegalState(`Consumer of group '${this.#groupId}': disconnect() was called from inside a listener callback, whose end it would wait for`);
    }
    if (this.#phase === 'closed') return;
    const wasRunning = this.#phase === 'running';
    if (this.#phase !== 'failed') this.#phase = 'closing';
    if (wasRunning) await this.#lock.run(() => this.#revoke());
    try {
      await this.#consumer.disconnect();
    } finally {
      this.#phase = 'closed';
    }
  }

  // -- group protocol hooks -------------------------------------------------------------------

  async #beforeJoin(request: JoinGroupRequest): Promise<JoinGroupRequest> {
    await this.#lock.run(() => this.#revoke());
    // After the revocation: a rejoin asked for during it (by the listener) is this join.
    this.#rejoinRequested = false;
    // A listener that failed stopped the consumer; kafkajs must not join again meanwhile.
    if (this.#phase === 'failed') throw this.#failure ?? illegalState('the consumer failed');
    // Recompute the subscription after the revocation, as Java builds it after onJoinPrepare.
    return {
      ...request,
      groupProtocols: request.groupProtocols.map((p) => (p.name === this.#assigner.name ? this.#assigner.protocol({ topics: [...this.#topics] }) : p)),
    };
  }

  async #afterSync(request: SyncGroupRequest, response: SyncGroupResponse): Promise<void> {
    const { partitions, userData } = decodeAssignment(response.memberAssignment);
    // kafkajs ignores assigned partitions of topics it did not subscribe to; so do we.
    const subscribed = new Set(this.#topics);
    const mine = partitions.filter((p) => subscribed.has(p.topic));
    await this.#lock.run(async () => {
      if (this.#phase !== 'running' || this.#listener === undefined) return;
      const listener = this.#listener;
      this.#owned = { generationId: request.generationId, partitions: mine, keys: new Set(mine.map((p) => partitionKey(p.topic, p.partition))) };
      await this.#callListener(async () => {
        await this.#resetStaleSeeks(mine);
        await listener.onPartitionsAssigned(mine, {
          generationId: request.generationId,
          memberId: request.memberId,
          isLeader: this.#joined !== undefined && this.#joined.leaderId === request.memberId,
          userData,
        });
      });
    });
    if (this.#phase === 'failed') throw this.#failure ?? illegalState('the consumer failed');
  }

  /** Under the lock: tell the listener the partitions are going, and forget their pause state. */
  async #revoke(): Promise<void> {
    const owned = this.#owned;
    if (owned === undefined) return;
    this.#owned = undefined;
    if (this.#paused.size > 0) {
      // Java forgets the pause state of revoked partitions; kafkajs would keep it.
      const paused = owned.partitions.filter((p) => this.#paused.has(partitionKey(p.topic, p.partition)));
      this.#paused.clear();
      try {
        this.#consumer.resume(partitionsByTopic(paused));
      } catch {
        // kafkajs has no running consumer group (stopping): nothing to resume.
      }
    }
    const listener = this.#listener;
    if (listener !== undefined && (this.#phase === 'running' || this.#phase === 'closing')) {
      await this.#callListener(() => listener.onPartitionsRevoked(owned.partitions));
    }
  }

  /**
   * kafkajs keeps a seek it has not applied yet (no fetch of that partition happened since)
   * across a rebalance, and would apply it if the partition comes back. A re-assigned
   * partition starts at its committed offset, as in Java: re-seek those partitions to it.
   */
  async #resetStaleSeeks(assigned: readonly TopicPartition[]): Promise<void> {
    const stale = assigned.filter((p) => this.#pendingSeeks.has(partitionKey(p.topic, p.partition)));
    this.#pendingSeeks.clear();
    if (stale.length === 0) return;
    const committed = await this.committed(stale);
    const missing = committed.filter((c) => c.offset < 0);
    const reset = new Map<string, number>();
    if (missing.length > 0) {
      const fromBeginning = (this.#options.autoOffsetReset ?? 'earliest') === 'earliest';
      const offsets = await this.#cluster.fetchTopicsOffset(
        partitionsByTopic(missing).map(({ topic, partitions }) => ({ topic, partitions: partitions.map((partition) => ({ partition })), fromBeginning })),
      );
      for (const t of offsets) for (const p of t.partitions) reset.set(partitionKey(t.topic, p.partition), Number(p.offset));
    }
    for (const { topic, partition, offset } of committed) {
      const position = offset >= 0 ? offset : reset.get(partitionKey(topic, partition));
      if (position !== undefined) this.#consumer.seek({ topic, partition, offset: String(position) });
    }
  }

  // -- fetching -------------------------------------------------------------------------------

  async #onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const key = partitionKey(batch.topic, batch.partition);
    if (!payload.isRunning()) return;
    await this.#lock.run(async () => {
      const owned = this.#owned;
      const listener = this.#listener;
      if (this.#phase !== 'running' || listener === undefined || owned === undefined) return;
      if (!owned.keys.has(key) || this.#paused.has(key) || payload.isStale()) return;
      this.#pendingSeeks.delete(key);
      const records = batch.messages.map((m) => toConsumedRecord(batch.topic, batch.partition, m as RawRecord));
      await this.#callListener(() =>
        listener.onBatch({ topic: batch.topic, partition: batch.partition, records, highWatermark: Number(batch.highWatermark) }),
      );
      // A seek from the listener decides the next position; a revoked partition has none.
      if (this.#phase !== 'running' || this.#owned !== owned || payload.isStale()) return;
      payload.resolveOffset(batch.lastOffset());
    });
  }

  // -- failures -------------------------------------------------------------------------------

  async #callListener(callback: () => Promise<void>): Promise<void> {
    const heartbeats = setInterval(() => void this.#heartbeat(), this.#options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS);
    try {
      await kstreamsConsumerListenerCallback(callback);
    } catch (e) {
      this.#fail(e instanceof Error ? e : new Error(String(e)));
    } finally {
      clearInterval(heartbeats);
    }
  }

  /** One heartbeat for the current generation; failures are left to kafkajs's own heartbeat, which rejoins. */
  async #heartbeat(): Promise<void> {
    const joined = this.#joined;
    if (joined === undefined || this.#phase === 'closed' || this.#phase === 'failed') return;
    try {
      const coordinator = (await this.#cluster.findGroupCoordinator({ groupId: this.#groupId })) as CoordinatorBroker;
      await coordinator.heartbeat({ groupId: this.#groupId, groupGenerationId: joined.generationId, memberId: joined.memberId });
    } catch {
      // REBALANCE_IN_PROGRESS and friends: kafkajs sees them at its next heartbeat and re-joins.
    }
  }

  /** A listener callback threw: the consumer stops, and the error goes to `onError`. */
  #fail(error: Error): void {
    if (this.#phase === 'failed' || this.#phase === 'closed') return;
    this.#phase = 'failed';
    this.#failure = error;
    if (!this.#starting) this.#listener?.onError?.(error);
    // Not awaited: kafkajs's stop waits for the fetch loop, which may be waiting for us.
    void this.#consumer.disconnect().catch(() => undefined);
  }

  #onCrash(error: Error, restart: boolean): void {
    // On a retriable crash kafkajs left the group and will re-join; revocation happens there.
    if (restart || this.#phase !== 'running') return;
    this.#phase = 'failed';
    this.#failure = toAdapterError(error, `consume topic(s) ${quoted(this.#topics)} in group '${this.#groupId}'`);
    if (!this.#starting) this.#listener?.onError?.(this.#failure);
  }

  #requireOwned(partitions: readonly TopicPartition[], operation: string): void {
    const owned = this.#owned;
    const foreign = partitions.filter((p) => owned === undefined || !owned.keys.has(partitionKey(p.topic, p.partition)));
    if (this.#phase !== 'running' || foreign.length > 0) {
      const names = (foreign.length > 0 ? foreign : partitions).map((p) => `${p.topic}-${p.partition}`).join(', ');
      throw illegalState(`Cannot ${operation} ${names}: not assigned to this consumer of group '${this.#groupId}'`);
    }
  }

  /** Runs a request on the group coordinator, retrying what Kafka calls retriable (coordinator moved or loading). */
  async #withCoordinator<T>(what: string, request: (coordinator: Awaited<ReturnType<Cluster['findGroupCoordinator']>>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const coordinator = await this.#cluster.findGroupCoordinator({ groupId: this.#groupId });
        return await request(coordinator);
      } catch (e) {
        const root = rootCause(e);
        if (root.retriable !== true || attempt >= 5) throw toAdapterError(e, what);
        if (root.type === 'NOT_COORDINATOR_FOR_GROUP') await this.#cluster.refreshMetadata();
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }
}

/** The error kafkajs's coordinator client throws for REBALANCE_IN_PROGRESS (its protocol error entry for code 27). */
function rejoinRequested(): Error {
  const entry = { type: 'REBALANCE_IN_PROGRESS', code: 27, retriable: false, message: 'kstreams asked this member to rejoin its group (enforceRebalance)' };
  return new KafkaJSProtocolError(entry as unknown as Error);
}

/**
 * Runs a listener callback under a frame name that `calledFromListenerCallback` looks for, so that
 * a `disconnect()` which would wait for the callback it is called from is refused.
 *
 * Why not `AsyncLocalStorage`: on Node 20 it turns on promise hooks for the whole process, which
 * made every promise about 2.5 times as costly (a windowed count, which awaits its stores per record,
 * ran at half speed). V8's async stack traces carry the same information for free until asked:
 * the frame is on the stack when the callback calls `disconnect()` synchronously, and in the async
 * part of the trace when it does after awaits, as long as each step awaits the next (a callback
 * that detaches work with `.then()` is not recognised, and then waits for itself as before).
 */
async function kstreamsConsumerListenerCallback(callback: () => Promise<void>): Promise<void> {
  await callback();
}

function calledFromListenerCallback(): boolean {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  try {
    return new Error().stack?.includes(kstreamsConsumerListenerCallback.name) === true;
  } finally {
    Error.stackTraceLimit = limit;
  }
}
