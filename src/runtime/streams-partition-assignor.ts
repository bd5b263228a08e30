import type { Logger } from 'pino';
import type { MemberAssignment, MemberSubscription, PartitionAssignor, TopicPartition } from '../kafka/port.js';
import type { SubtopologyMetadata } from '../topology/topology-metadata.js';
import { AssignorError, encodeAssignmentInfo, type AssignorErrorCode, type HostAssignment } from './assignment-info.js';
import { groupPartitionsIntoTasks } from './partition-grouper.js';
import { assignActiveTasks, assignStandbyTasks, type ClientState } from './sticky-task-assignment.js';
import { addWarmups, holdOnCaughtUpClients, type TaskLags } from './warmup-assignment.js';
import { decodeSubscriptionInfo, encodeSubscriptionInfo, SUBSCRIPTION_VERSION, type SubscriptionInfo } from './subscription-info.js';
import { parseTaskId, type TaskId } from './task.js';

/** What a stream thread's assignor reads about its own client at each join. */
export interface AssignorContext {
  readonly processId: string;
  readonly endpoint: string | undefined;
  readonly subtopologies: readonly SubtopologyMetadata[];
  /** Active tasks this consumer holds, or held until the revocation before this join. */
  readonly ownedActiveTasks: () => readonly TaskId[];
  /** Standby tasks this consumer holds. Absent: none. */
  readonly ownedStandbyTasks?: () => readonly TaskId[];
  /** Offset sums of the task states this client has locally (see `SubscriptionInfo.taskOffsetSums`). Absent: none. */
  readonly taskOffsetSums?: () => Readonly<Record<TaskId, number>>;
  /** `num.standby.replicas` (the leader's config decides). Default 0. */
  readonly numStandbyReplicas?: number;
  /** Sub-topologies with logged stores: only their tasks get standbys. Default: none. */
  readonly statefulSubtopologies?: ReadonlySet<number>;
  /** `acceptable.recovery.lag` (default 10,000) and `max.warmup.replicas` (default 2): see warmup-assignment.ts. */
  readonly acceptableRecoveryLag?: number;
  readonly maxWarmupReplicas?: number;
  /**
   * Sums over each stateful task's changelog partitions of their end offsets, which a client's
   * offset sum is compared against to tell how far behind its copy is. Absent, or failing:
   * every client counts as caught up (the assignment is the balanced one).
   */
  readonly changelogEndOffsetSums?: (tasks: readonly TaskId[]) => Promise<ReadonlyMap<TaskId, number>>;
  /**
   * Called on the leader after each assignment it computed, with the number of tasks it held on
   * caught-up clients: while that is above 0, a probing rebalance should follow.
   */
  readonly onAssignmentComputed?: (held: number, warmups: number) => void;
  /** True once the client asked the whole application to shut down. */
  readonly shutdownRequested: () => boolean;
  readonly log: Logger;
}

/**
 * The group protocol `stream`, as Kafka Streams' `StreamsPartitionAssignor`: members send their
 * process id, endpoint and current tasks; the leader turns partitions into tasks (one per
 * sub-topology per partition number, so co-partitioned partitions stay together), balances them
 * over clients then threads, keeps tasks where they were, and tells every member its tasks plus
 * the whole endpoint → partitions map.
 */
export class StreamsPartitionAssignor implements PartitionAssignor {
  readonly name = 'stream';
  readonly version = SUBSCRIPTION_VERSION;
  readonly #ctx: AssignorContext;

  constructor(ctx: AssignorContext) {
    this.#ctx = ctx;
  }

  subscriptionUserData(_topics: readonly string[]): Buffer {
    return encodeSubscriptionInfo({
      processId: this.#ctx.processId,
      endpoint: this.#ctx.endpoint,
      activeTasks: this.#ctx.ownedActiveTasks(),
      standbyTasks: this.#ctx.ownedStandbyTasks?.() ?? [],
      taskOffsetSums: this.#ctx.taskOffsetSums?.() ?? {},
      shutdownRequested: this.#ctx.shutdownRequested(),
    });
  }

  async assign(members: readonly MemberSubscription[], partitionsPerTopic: ReadonlyMap<string, number>): Promise<Map<string, MemberAssignment>> {
    const subscriptions = new Map<string, SubscriptionInfo>();
    for (const m of members) {
      try {
        subscriptions.set(m.memberId, decodeSubscriptionInfo(m.userData));
      } catch (e) {
        // A member we cannot read still gets work: it is treated as a client of its own.
        this.#ctx.log.warn({ memberId: m.memberId, err: e }, 'unreadable subscription userData; treating the member as its own client');
        subscriptions.set(m.memberId, { version: 1, processId: `unknown-${m.memberId}`, activeTasks: [], standbyTasks: [], shutdownRequested: false });
      }
    }
    const version = Math.min(SUBSCRIPTION_VERSION, ...[...subscriptions.values()].map((s) => s.version));

    const requesters = [...subscriptions].filter(([, s]) => s.shutdownRequested).map(([id]) => id);
    if (requesters.length > 0) {
      this.#ctx.log.error({ requesters }, 'a member requested the application to shut down; telling every member');
      return this.#everyone(members, AssignorError.SHUTDOWN_REQUESTED, version);
    }

    const { tasks, missingTopics } = groupPartitionsIntoTasks(this.#ctx.subtopologies, partitionsPerTopic);
    if (missingTopics.length > 0) {
      this.#ctx.log.error({ missingTopics }, 'source topics missing from the group metadata; assigning nothing');
      return this.#everyone(members, AssignorError.INCOMPLETE_SOURCE_TOPIC_METADATA, version);
    }

    type Client = { consumers: { memberId: string; previousActiveTasks: readonly TaskId[]; previousStandbyTasks: readonly TaskId[] }[]; endpoint?: string; offsetSums: Map<TaskId, number> };
    const clients = new Map<string, Client>();
    for (const [memberId, s] of subscriptions) {
      const client = clients.get(s.processId) ?? { consumers: [], offsetSums: new Map<TaskId, number>() };
      client.consumers.push({ memberId, previousActiveTasks: s.activeTasks, previousStandbyTasks: s.standbyTasks });
      if (s.endpoint !== undefined) client.endpoint = s.endpoint;
      // Threads of one client read the same state directory: the highest sum reported wins.
      for (const [t, sum] of Object.entries(s.taskOffsetSums ?? {})) client.offsetSums.set(t, Math.max(sum, client.offsetSums.get(t) ?? -1));
      clients.set(s.processId, client);
    }
    const clientStates: ClientState[] = [...clients].map(([processId, c]) => ({ processId, consumers: c.consumers, taskOffsetSums: c.offsetSums }));
    const stateful = this.#ctx.statefulSubtopologies ?? new Set<number>();
    const statefulTasks = [...tasks.keys()].filter((t) => stateful.has(parseTaskId(t).subtopology));
    const lags = await this.#lags(statefulTasks, clientStates);
    const { active: byMember, held } = holdOnCaughtUpClients(new Set(statefulTasks), clientStates, assignActiveTasks([...tasks.keys()], clientStates), lags, {
      acceptableRecoveryLag: this.#ctx.acceptableRecoveryLag ?? 10_000,
      maxWarmupReplicas: this.#ctx.maxWarmupReplicas ?? 2,
    });
    const standbyByMember = assignStandbyTasks(statefulTasks, clientStates, byMember, this.#ctx.numStandbyReplicas ?? 0);
    const warmups = addWarmups(held, clientStates, standbyByMember, this.#ctx.maxWarmupReplicas ?? 2);
    if (held.length > 0) {
      this.#ctx.log.info({ held: held.map((h) => h.task).join(','), warmups }, 'stateful tasks kept on caught-up clients while their new owners warm up');
    }
    this.#ctx.onAssignmentComputed?.(held.length, warmups);

    const hosts: HostAssignment[] = [];
    const partitionsOf = (ids: readonly TaskId[] | undefined): TopicPartition[] => (ids ?? []).flatMap((t) => tasks.get(t) ?? []);
    for (const [processId, c] of clients) {
      if (c.endpoint === undefined) continue;
      const active = c.consumers.flatMap((m) => partitionsOf(byMember.get(m.memberId)));
      const standby = c.consumers.flatMap((m) => partitionsOf(standbyByMember.get(m.memberId)));
      hosts.push({ endpoint: c.endpoint, processId, active, standby });
    }
    hosts.sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));

    const out = new Map<string, MemberAssignment>();
    for (const m of members) {
      const own = byMember.get(m.memberId) ?? [];
      const activeTasks = new Map<TaskId, readonly TopicPartition[]>(own.map((t) => [t, tasks.get(t) ?? []]));
      const standbyTasks = new Map<TaskId, readonly TopicPartition[]>((standbyByMember.get(m.memberId) ?? []).map((t) => [t, tasks.get(t) ?? []]));
      out.set(m.memberId, {
        partitions: [...activeTasks.values()].flat(),
        userData: encodeAssignmentInfo({ errorCode: AssignorError.NONE, activeTasks, standbyTasks, hosts }, version),
      });
    }
    this.#ctx.log.info(
      {
        members: members.length, clients: clients.size, tasks: tasks.size,
        assignment: Object.fromEntries([...byMember].map(([m, t]) => [m, t.join(',')])),
        standbys: Object.fromEntries([...standbyByMember].filter(([, t]) => t.length > 0).map(([m, t]) => [m, t.join(',')])),
      },
      'computed task assignment',
    );
    return out;
  }

  /** How far behind each client's copy of each stateful task is (see {@link TaskLags}). */
  async #lags(statefulTasks: readonly TaskId[], clients: readonly ClientState[]): Promise<TaskLags> {
    let ends: ReadonlyMap<TaskId, number> = new Map();
    if (statefulTasks.length > 0 && this.#ctx.changelogEndOffsetSums !== undefined) {
      try {
        ends = await this.#ctx.changelogEndOffsetSums(statefulTasks);
      } catch (e) {
        this.#ctx.log.warn({ err: e }, 'could not read the changelog end offsets; assigning as if every client were caught up');
      }
    }
    const byProcess = new Map(clients.map((c) => [c.processId, c]));
    return {
      lag: (processId, task) => {
        const end = ends.get(task);
        const client = byProcess.get(processId);
        if (end === undefined || client === undefined) return undefined;
        // The client running the task now is caught up by definition (Kafka: its offset sum is LATEST).
        if (client.consumers.some((m) => m.previousActiveTasks.includes(task))) return 0;
        return Math.max(0, end - (client.taskOffsetSums?.get(task) ?? 0));
      },
    };
  }

  #everyone(members: readonly MemberSubscription[], errorCode: AssignorErrorCode, version: number): Map<string, MemberAssignment> {
    const userData = encodeAssignmentInfo({ errorCode, activeTasks: new Map(), standbyTasks: new Map(), hosts: [] }, version);
    return new Map(members.map((m) => [m.memberId, { partitions: [], userData }]));
  }
}
