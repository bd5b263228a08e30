import { randomUUID } from 'node:crypto';
import type {
  GroupDescription,
  MemberAssignment,
  MemberSubscription,
  TopicPartition,
  TopicPartitionOffset,
} from '../port.js';
import { deferred, type Deferred } from './deferred.js';
import { EmbeddedKafkaError } from './errors.js';

/** Kafka's classic group states. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export interface JoinRequest {
  /** Undefined for a member joining for the first time; the coordinator assigns the id. */
  readonly memberId: string | undefined;
  readonly clientId: string;
  readonly topics: readonly string[];
  /** The assignor's name; every member of a group must offer the same one. */
  readonly protocol: string;
  readonly userData: Buffer;
  readonly sessionTimeoutMs: number;
  readonly rebalanceTimeoutMs: number;
  /**
   * Called when the member must rejoin: a rebalance started, or it was removed from the group.
   * Stands in for the heartbeat response that tells a Kafka client the same.
   */
  readonly onRejoinNeeded: () => void;
}

export interface JoinResult {
  readonly memberId: string;
  readonly generationId: number;
  readonly leaderId: string;
  readonly protocol: string;
  /** Every member's subscription, for the leader only (empty for followers), as in Kafka. */
  readonly members: readonly MemberSubscription[];
}

export interface SyncResult {
  readonly partitions: readonly TopicPartition[];
  readonly userData: Buffer;
}

interface Member {
  readonly memberId: string;
  clientId: string;
  topics: readonly string[];
  protocol: string;
  userData: Buffer;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  onRejoinNeeded: () => void;
  /** Whether it has (re)joined in the current rebalance round. */
  joined: boolean;
  assignment: SyncResult | undefined;
  /** Since when the member has been inside a listener callback or its assignor (no heartbeats). */
  busySince: number | undefined;
  /** Its process froze (a test hook): it never heartbeats again. */
  frozen: boolean;
  pendingJoin: Deferred<JoinResult> | undefined;
  pendingSync: Deferred<SyncResult> | undefined;
}

const EMPTY = Buffer.alloc(0);

/**
 * The group coordinator's view of one consumer group (Kafka's `GroupMetadata` plus the classic
 * join/sync protocol), in process.
 *
 * A rebalance is a round: it starts when a member joins, leaves, is removed, or a subscribed
 * topic changes. Every current member is told to rejoin (as a heartbeat reply would), and the
 * round completes when all have rejoined, or after the longest rebalance timeout, when the
 * laggards are removed. The generation then increments, the leader gets every subscription,
 * runs the assignor and syncs; followers' syncs wait for the leader's. Commits carry member id
 * and generation and are refused from stale ones, which is what fences a member the group has
 * moved on from.
 *
 * Liveness stands in for heartbeats: a member is alive unless it has been inside one of its own
 * callbacks (listener or assignor) for longer than its session timeout, which is how a consumer
 * whose processing "hangs" stops heartbeating in kafkajs. One timer per group, set for the
 * earliest possible expiry, is the whole session check.
 */
export class ConsumerGroup {
  #state: GroupState = 'Empty';
  #generationId = 0;
  #leaderId: string | undefined;
  #protocol = '';
  readonly #members = new Map<string, Member>();
  readonly #offsets = new Map<string, Map<number, { offset: number; metadata: string | undefined }>>();
  #rebalanceTimer: NodeJS.Timeout | undefined;
  #joinCompletionScheduled = false;
  #sessionTimer: NodeJS.Timeout | undefined;
  #sessionDeadline = Infinity;

  constructor(readonly groupId: string) {}

  get state(): GroupState {
    return this.#state;
  }

  get generationId(): number {
    return this.#generationId;
  }

  get hasMembers(): boolean {
    return this.#members.size > 0;
  }

  /**
   * Joins (or rejoins) the member. Returns at once with its member id (new members get one,
   * as Kafka's MEMBER_ID_REQUIRED handshake gives it), and a reply that resolves when the
   * rebalance round completes.
   */
  join(request: JoinRequest): { readonly memberId: string; readonly reply: Promise<JoinResult> } {
    this.#ensureAlive();
    let member = request.memberId === undefined ? undefined : this.#members.get(request.memberId);
    if (request.memberId !== undefined && member === undefined) throw unknownMember(this.groupId, request.memberId);
    for (const other of this.#members.values()) {
      if (other !== member && other.protocol !== request.protocol) {
        throw new EmbeddedKafkaError(
          'INCONSISTENT_GROUP_PROTOCOL',
          `Group '${this.groupId}' uses assignor '${other.protocol}', but a member offered '${request.protocol}'`,
        );
      }
    }
    if (member === undefined) {
      member = {
        memberId: `${request.clientId}-${randomUUID()}`,
        clientId: request.clientId,
        topics: request.topics,
        protocol: request.protocol,
        userData: request.userData,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        onRejoinNeeded: request.onRejoinNeeded,
        joined: false,
        assignment: undefined,
        busySince: undefined,
        frozen: false,
        pendingJoin: undefined,
        pendingSync: undefined,
      };
      this.#members.set(member.memberId, member);
    } else {
      Object.assign(member, {
        clientId: request.clientId,
        topics: request.topics,
        protocol: request.protocol,
        userData: request.userData,
        sessionTimeoutMs: request.sessionTimeoutMs,
        rebalanceTimeoutMs: request.rebalanceTimeoutMs,
        onRejoinNeeded: request.onRejoinNeeded,
      });
    }
    member.pendingJoin?.reject(rebalanceInProgress(this.groupId));
    const reply = deferred<JoinResult>();
    member.pendingJoin = reply;
    if (this.#state !== 'PreparingRebalance') this.#startRebalance(member);
    member.joined = true;
    this.#scheduleJoinCompletion();
    return { memberId: member.memberId, reply: reply.promise };
  }

  /**
   * The leader passes the assignor's result; followers pass nothing and wait for it. Resolves
   * with this member's assignment.
   */
  sync(memberId: string, generationId: number, assignments?: ReadonlyMap<string, MemberAssignment>): Promise<SyncResult> {
    const member = this.#currentMember(memberId, generationId);
    if (this.#state === 'PreparingRebalance') throw rebalanceInProgress(this.groupId);
    if (this.#state === 'Stable') return Promise.resolve(member.assignment ?? { partitions: [], userData: EMPTY });
    if (memberId === this.#leaderId && assignments !== undefined) {
      for (const m of this.#members.values()) {
        const assigned = assignments.get(m.memberId);
        m.assignment = {
          partitions: (assigned?.partitions ?? []).map((tp) => ({ topic: tp.topic, partition: tp.partition })),
          userData: assigned?.userData ?? EMPTY,
        };
      }
      this.#state = 'Stable';
      for (const m of this.#members.values()) {
        m.pendingSync?.resolve(m.assignment!);
        m.pendingSync = undefined;
      }
      return Promise.resolve(member.assignment!);
    }
    member.pendingSync?.reject(rebalanceInProgress(this.groupId));
    const reply = deferred<SyncResult>();
    member.pendingSync = reply;
    return reply.promise;
  }

  /** The member leaves (consumer close); the others rebalance. Unknown members are ignored. */
  leave(memberId: string): void {
    const member = this.#members.get(memberId);
    if (member !== undefined) this.#remove(member);
  }

  /** Marks the member as inside (or out of) one of its callbacks; see the class comment. */
  setBusy(memberId: string, busy: boolean): void {
    const member = this.#members.get(memberId);
    if (member === undefined || member.frozen) return;
    if (!busy) {
      member.busySince = undefined;
      return;
    }
    member.busySince = Date.now();
    this.#armSessionTimer(member.busySince + member.sessionTimeoutMs);
  }

  /** The member's process froze: no more heartbeats, so it is removed after its session timeout. */
  stopHeartbeats(memberId: string): void {
    const member = this.#members.get(memberId);
    if (member === undefined || member.frozen) return;
    member.frozen = true;
    member.busySince ??= Date.now();
    this.#armSessionTimer(member.busySince + member.sessionTimeoutMs);
  }

  /** A group member's offset commit: only from a current member of the current generation. */
  commit(memberId: string, generationId: number, offsets: readonly TopicPartitionOffset[]): void {
    this.#currentMember(memberId, generationId);
    // Kafka accepts commits while members rejoin (so they can commit on revocation), but not
    // between the join and the sync of a generation.
    if (this.#state === 'CompletingRebalance') throw rebalanceInProgress(this.groupId);
    this.storeOffsets(offsets);
  }

  /** Stores offsets without member checks: transactional offset commits and admin writes. */
  storeOffsets(offsets: readonly TopicPartitionOffset[]): void {
    for (const { topic, partition, offset, metadata } of offsets) {
      let byPartition = this.#offsets.get(topic);
      if (byPartition === undefined) this.#offsets.set(topic, (byPartition = new Map()));
      byPartition.set(partition, { offset, metadata });
    }
  }

  /** Drops the committed offsets of deleted topics, as Kafka's coordinator does. */
  forgetTopics(topics: readonly string[]): void {
    for (const topic of topics) this.#offsets.delete(topic);
  }

  /** The committed offset of a partition, or undefined when none. */
  committed(topic: string, partition: number): number | undefined {
    return this.#offsets.get(topic)?.get(partition)?.offset;
  }

  /** The metadata committed with a partition's offset, or undefined when none. */
  committedMetadata(topic: string, partition: number): string | undefined {
    return this.#offsets.get(topic)?.get(partition)?.metadata;
  }

  get hasOffsets(): boolean {
    return this.#offsets.size > 0;
  }

  /**
   * As Kafka's DescribeGroups: member metadata and assignments only when the group is Stable
   * (empty buffers and no partitions otherwise, and no protocol name).
   */
  describe(): GroupDescription {
    const stable = this.#state === 'Stable';
    return {
      groupId: this.groupId,
      state: this.#state,
      protocol: stable ? this.#protocol : '',
      members: [...this.#members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        subscriptionUserData: stable ? Buffer.from(m.userData) : EMPTY,
        assignment: {
          partitions: stable ? [...(m.assignment?.partitions ?? [])] : [],
          userData: stable ? Buffer.from(m.assignment?.userData ?? EMPTY) : EMPTY,
        },
      })),
    };
  }

  /** Topics were created or deleted: members subscribed to them rebalance, as a leader noticing metadata would trigger. */
  topicsChanged(topics: readonly string[]): void {
    if (this.#state !== 'Stable' && this.#state !== 'CompletingRebalance') return;
    const subscribed = [...this.#members.values()].some((m) => m.topics.some((t) => topics.includes(t)));
    if (subscribed) {
      this.#startRebalance(undefined);
      this.#scheduleJoinCompletion();
    }
  }

  /** Ends the group (deleteGroups or cluster reset): pending replies fail, timers stop. */
  close(): void {
    for (const member of this.#members.values()) {
      member.pendingJoin?.reject(groupGone(this.groupId));
      member.pendingSync?.reject(groupGone(this.groupId));
      member.onRejoinNeeded();
    }
    this.#members.clear();
    this.#state = 'Dead';
    clearTimeout(this.#rebalanceTimer);
    clearTimeout(this.#sessionTimer);
    this.#rebalanceTimer = undefined;
    this.#sessionTimer = undefined;
  }

  #ensureAlive(): void {
    if (this.#state === 'Dead') throw groupGone(this.groupId);
  }

  #currentMember(memberId: string, generationId: number): Member {
    const member = this.#members.get(memberId);
    if (member === undefined) throw unknownMember(this.groupId, memberId);
    if (generationId !== this.#generationId) {
      throw new EmbeddedKafkaError(
        'ILLEGAL_GENERATION',
        `Generation ${generationId} of group '${this.groupId}' is stale (current: ${this.#generationId}); the group rebalanced`,
      );
    }
    return member;
  }

  /** Opens a rebalance round; `joiner` is the member whose join opened it (already rejoining). */
  #startRebalance(joiner: Member | undefined): void {
    this.#state = 'PreparingRebalance';
    for (const m of this.#members.values()) {
      m.joined = false;
      m.pendingSync?.reject(rebalanceInProgress(this.groupId));
      m.pendingSync = undefined;
      if (m !== joiner) m.onRejoinNeeded();
    }
    clearTimeout(this.#rebalanceTimer);
    const timeoutMs = Math.max(0, ...[...this.#members.values()].map((m) => m.rebalanceTimeoutMs));
    this.#rebalanceTimer = setTimeout(() => this.#onRebalanceTimeout(), timeoutMs);
    this.#rebalanceTimer.unref();
  }

  // Completing on the next macrotask lets members that join in the same turn (several
  // consumers started together) land in one generation instead of one rebalance each.
  #scheduleJoinCompletion(): void {
    if (this.#joinCompletionScheduled) return;
    this.#joinCompletionScheduled = true;
    setImmediate(() => {
      this.#joinCompletionScheduled = false;
      if (this.#state !== 'PreparingRebalance') return;
      for (const m of this.#members.values()) if (!m.joined) return;
      this.#completeJoin();
    });
  }

  #onRebalanceTimeout(): void {
    this.#rebalanceTimer = undefined;
    if (this.#state !== 'PreparingRebalance') return;
    for (const m of [...this.#members.values()]) {
      if (!m.joined) this.#dropMember(m);
    }
    this.#completeJoin();
  }

  #completeJoin(): void {
    clearTimeout(this.#rebalanceTimer);
    this.#rebalanceTimer = undefined;
    this.#generationId += 1;
    if (this.#members.size === 0) {
      this.#state = 'Empty';
      this.#leaderId = undefined;
      this.#protocol = '';
      return;
    }
    this.#state = 'CompletingRebalance';
    const members = [...this.#members.values()];
    if (this.#leaderId === undefined || !this.#members.has(this.#leaderId)) this.#leaderId = members[0]!.memberId;
    this.#protocol = members[0]!.protocol;
    const subscriptions: MemberSubscription[] = members.map((m) => ({
      memberId: m.memberId,
      topics: [...m.topics],
      userData: Buffer.from(m.userData),
    }));
    for (const m of members) {
      m.assignment = undefined;
      m.pendingJoin?.resolve({
        memberId: m.memberId,
        generationId: this.#generationId,
        leaderId: this.#leaderId,
        protocol: this.#protocol,
        members: m.memberId === this.#leaderId ? subscriptions : [],
      });
      m.pendingJoin = undefined;
    }
  }

  /** Removes a member (left, or expired) and rebalances the rest. */
  #remove(member: Member): void {
    this.#dropMember(member);
    if (this.#state === 'PreparingRebalance') {
      this.#scheduleJoinCompletion();
    } else if (this.#state === 'Stable' || this.#state === 'CompletingRebalance') {
      if (this.#members.size > 0) {
        this.#startRebalance(undefined);
        this.#scheduleJoinCompletion();
      } else {
        this.#completeJoin();
      }
    }
  }

  #dropMember(member: Member): void {
    this.#members.delete(member.memberId);
    const gone = unknownMember(this.groupId, member.memberId);
    member.pendingJoin?.reject(gone);
    member.pendingSync?.reject(gone);
    member.pendingJoin = undefined;
    member.pendingSync = undefined;
    member.onRejoinNeeded();
  }

  #armSessionTimer(deadline: number): void {
    if (this.#sessionTimer !== undefined && this.#sessionDeadline <= deadline) return;
    clearTimeout(this.#sessionTimer);
    this.#sessionDeadline = deadline;
    this.#sessionTimer = setTimeout(() => this.#checkSessions(), Math.max(0, deadline - Date.now()));
    this.#sessionTimer.unref();
  }

  #checkSessions(): void {
    this.#sessionTimer = undefined;
    this.#sessionDeadline = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const member of [...this.#members.values()]) {
      if (member.busySince === undefined) continue;
      const deadline = member.busySince + member.sessionTimeoutMs;
      // Timers may fire a millisecond early relative to Date.now(); a member is not saved by that.
      if (deadline <= now + 1) {
        if (this.#members.has(member.memberId)) this.#remove(member);
      } else {
        next = Math.min(next, deadline);
      }
    }
    if (next < Infinity) this.#armSessionTimer(next);
  }
}

function unknownMember(groupId: string, memberId: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError(
    'UNKNOWN_MEMBER_ID',
    `Member '${memberId}' is not in group '${groupId}' (it left, or was removed after its session or rebalance timeout)`,
  );
}

function rebalanceInProgress(groupId: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError('REBALANCE_IN_PROGRESS', `Group '${groupId}' is rebalancing; rejoin`);
}

function groupGone(groupId: string): EmbeddedKafkaError {
  return new EmbeddedKafkaError('GROUP_ID_NOT_FOUND', `Group '${groupId}' was deleted or its cluster was reset`);
}
