import { byPartitionThenSubtopology, bySubtopologyThenPartition, compare, type ClientState } from './sticky-task-assignment.js';
import type { TaskId } from './task.js';

/** What the leader knows of how far behind each client's copy of a task's state is. */
export interface TaskLags {
  /**
   * Changelog records `processId` would have to restore before it could run `task` (0 where it
   * runs the task now); undefined when the leader could not learn the changelog's end.
   */
  lag(processId: string, task: TaskId): number | undefined;
}

export interface WarmupOptions {
  /** `acceptable.recovery.lag`: a client at most this far behind counts as caught up. */
  readonly acceptableRecoveryLag: number;
  /** `max.warmup.replicas`: warm-up replicas this assignment may add (beyond the standbys). */
  readonly maxWarmupReplicas: number;
}

export interface HeldAssignment {
  /** Member id → active tasks, after holding tasks on caught-up clients. */
  readonly active: Map<string, TaskId[]>;
  /** Tasks kept on a caught-up client instead of the one balance chose, with that member (where a warm-up would go), in order. */
  readonly held: ReadonlyArray<{ readonly task: TaskId; readonly memberId: string }>;
}

/**
 * Kafka Streams' high-availability assignment (KIP-441), on top of the balanced, sticky one: a
 * stateful task that balance would move to a client whose copy of its state is more than
 * `acceptable.recovery.lag` behind stays, if any client is caught up (the one running it now
 * first, else the least behind), on a caught-up client, so the task is not unavailable for
 * the whole restore; the client balance chose gets a warm-up replica instead (see
 * {@link addWarmups}), and a probing rebalance later moves the task once that replica caught
 * up. When no client is caught up (the only one that was is gone), balance decides as before.
 */
export function holdOnCaughtUpClients(
  statefulTasks: ReadonlySet<TaskId>,
  clients: readonly ClientState[],
  balanced: ReadonlyMap<string, readonly TaskId[]>,
  lags: TaskLags,
  options: WarmupOptions,
): HeldAssignment {
  const active = new Map([...balanced].map(([m, ts]) => [m, [...ts]]));
  const clientOf = new Map<string, ClientState>();
  for (const c of clients) for (const m of c.consumers) clientOf.set(m.memberId, c);
  const caughtUp = (c: ClientState, t: TaskId): boolean => {
    const lag = lags.lag(c.processId, t);
    return lag === undefined || lag <= options.acceptableRecoveryLag;
  };
  const held: Array<{ task: TaskId; memberId: string }> = [];
  const moves: Array<{ task: TaskId; from: string }> = [];
  for (const [memberId, tasks] of [...active].sort(([a], [b]) => compare(a, b))) {
    const client = clientOf.get(memberId);
    if (client === undefined) continue;
    for (const t of [...tasks].sort(byPartitionThenSubtopology)) {
      if (statefulTasks.has(t) && !caughtUp(client, t)) moves.push({ task: t, from: memberId });
    }
  }
  for (const { task, from } of moves) {
    const candidates = clients.filter((c) => c.consumers.length > 0 && caughtUp(c, task));
    if (candidates.length === 0) continue;
    const runsIt = (c: ClientState): boolean => c.consumers.some((m) => m.previousActiveTasks.includes(task));
    const target = candidates.sort((a, b) => Number(runsIt(b)) - Number(runsIt(a)) || (lags.lag(a.processId, task) ?? 0) - (lags.lag(b.processId, task) ?? 0) || compare(a.processId, b.processId))[0]!;
    // Inside the client: the thread that runs it now, else the least loaded one.
    const consumers = [...target.consumers].sort((a, b) => compare(a.memberId, b.memberId));
    const to = consumers.find((m) => m.previousActiveTasks.includes(task))
      ?? consumers.reduce((best, m) => ((active.get(m.memberId)?.length ?? 0) < (active.get(best.memberId)?.length ?? 0) ? m : best));
    const fromTasks = active.get(from)!;
    fromTasks.splice(fromTasks.indexOf(task), 1);
    active.get(to.memberId)!.push(task);
    held.push({ task, memberId: from });
  }
  for (const ts of active.values()) ts.sort(bySubtopologyThenPartition);
  return { active, held };
}

/**
 * Warm-up replicas for held tasks, at most `maxWarmupReplicas` of them: a standby task on the
 * member balance chose, restoring the state there until a probing rebalance finds it caught up.
 * A client that already has the task as a standby (on any of its threads) needs none. Adds to
 * `standbys` (member id → standby tasks); returns how many were added.
 */
export function addWarmups(held: HeldAssignment['held'], clients: readonly ClientState[], standbys: Map<string, TaskId[]>, maxWarmupReplicas: number): number {
  let added = 0;
  for (const { task, memberId } of held) {
    const client = clients.find((c) => c.consumers.some((m) => m.memberId === memberId));
    if (client?.consumers.some((m) => standbys.get(m.memberId)?.includes(task) === true) === true) continue;
    if (added >= maxWarmupReplicas) break;
    standbys.set(memberId, [...(standbys.get(memberId) ?? []), task].sort(bySubtopologyThenPartition));
    added++;
  }
  return added;
}
