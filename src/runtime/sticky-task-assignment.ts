import { parseTaskId, type TaskId } from './task.js';

/** One consumer (stream thread) of a client, and the tasks it held before this rebalance. */
export interface ConsumerState {
  readonly memberId: string;
  readonly previousActiveTasks: readonly TaskId[];
  readonly previousStandbyTasks?: readonly TaskId[];
}

/** One `KafkaStreams` instance (process id) with all its consumers in the group. */
export interface ClientState {
  readonly processId: string;
  readonly consumers: readonly ConsumerState[];
  /**
   * Tasks whose state the client has locally (standbys, or stores left on disk), with the sum of
   * the changelog offsets they hold: the higher, the less there is to restore there.
   */
  readonly taskOffsetSums?: ReadonlyMap<TaskId, number>;
}

/**
 * Assigns active tasks to consumers, balanced first, sticky second:
 * 1. Clients (processes) get shares of the tasks proportional to their number of consumers
 *    (threads), rounded so no thread of any client carries more than one task over another's.
 * 2. Within its share, a client keeps the tasks it held before (no state moves needlessly).
 *    A task nobody kept goes, state first, to the client with room whose local copy of its state
 *    is most caught up (highest changelog offset sum: a standby, or stores left on disk), so a
 *    failover lands on a warm replica; the rest go to the clients with the most room,
 *    interleaving sub-topologies so one client does not end up with all partitions of one.
 * 3. Inside a client the same two steps spread its tasks over its consumers.
 * The result is deterministic for the same input (ordering by process id and member id).
 */
export function assignActiveTasks(tasks: readonly TaskId[], clients: readonly ClientState[]): Map<string, TaskId[]> {
  const result = new Map<string, TaskId[]>();
  const sortedClients = [...clients].filter((c) => c.consumers.length > 0).sort((a, b) => compare(a.processId, b.processId));
  for (const c of sortedClients) for (const m of c.consumers) result.set(m.memberId, []);
  if (sortedClients.length === 0) return result;

  const clientTasks = distribute(
    tasks,
    sortedClients.map((c) => ({ weight: c.consumers.length, previous: c.consumers.flatMap((m) => m.previousActiveTasks), state: c.taskOffsetSums })),
  );
  sortedClients.forEach((client, i) => {
    const consumers = [...client.consumers].sort((a, b) => compare(a.memberId, b.memberId));
    const perConsumer = distribute(
      clientTasks[i] ?? [],
      consumers.map((m) => ({ weight: 1, previous: m.previousActiveTasks })),
    );
    consumers.forEach((m, j) => result.set(m.memberId, perConsumer[j] ?? []));
  });
  return result;
}

interface Bin {
  readonly weight: number;
  readonly previous: readonly TaskId[];
  /** Offset sums of the task states the bin has locally (clients only). */
  readonly state?: ReadonlyMap<TaskId, number> | undefined;
}

/** Splits `tasks` over bins by weight; each bin keeps what it had before, within its quota. */
function distribute(tasks: readonly TaskId[], bins: readonly Bin[]): TaskId[][] {
  const wanted = new Set(tasks);
  const previousOwner = new Map<TaskId, number>();
  bins.forEach((bin, i) => {
    for (const t of bin.previous) if (wanted.has(t) && !previousOwner.has(t)) previousOwner.set(t, i);
  });
  const previousCount = bins.map(() => 0);
  for (const owner of previousOwner.values()) previousCount[owner] = (previousCount[owner] ?? 0) + 1;
  const quota = apportion(tasks.length, bins.map((b) => b.weight), previousCount);
  const assigned: TaskId[][] = bins.map(() => []);

  const ordered = [...wanted].sort(byPartitionThenSubtopology);
  const rest: TaskId[] = [];
  // An owner over its quota gives up first the tasks another bin has a local copy of (a warm move).
  const warmElsewhere = (t: TaskId): number => (bins.some((b, i) => i !== previousOwner.get(t) && b.state?.has(t) === true) ? 1 : 0);
  for (const t of [...wanted].sort((a, b) => warmElsewhere(a) - warmElsewhere(b) || bySubtopologyThenPartition(a, b))) {
    const owner = previousOwner.get(t);
    const bin = owner === undefined ? undefined : assigned[owner];
    if (owner !== undefined && bin !== undefined && bin.length < (quota[owner] ?? 0)) bin.push(t);
  }
  const taken = new Set(assigned.flat());
  // Tasks some bin has state for are placed first, so the room of those bins is still there.
  const hasState = (t: TaskId): boolean => bins.some((b) => b.state?.has(t) === true);
  for (const t of ordered) if (!taken.has(t) && hasState(t)) rest.push(t);
  for (const t of ordered) if (!taken.has(t) && !hasState(t)) rest.push(t);

  for (const t of rest) {
    const warm = mostCaughtUp(t, bins, assigned, quota);
    if (warm >= 0) {
      assigned[warm]?.push(t);
      continue;
    }
    const sub = parseTaskId(t).subtopology;
    let best = -1;
    for (let i = 0; i < bins.length; i++) {
      const room = (quota[i] ?? 0) - (assigned[i]?.length ?? 0);
      if (room <= 0) continue;
      if (best < 0) { best = i; continue; }
      const bestRoom = (quota[best] ?? 0) - (assigned[best]?.length ?? 0);
      if (room > bestRoom) { best = i; continue; }
      if (room === bestRoom && sameSubtopology(assigned[i] ?? [], sub) < sameSubtopology(assigned[best] ?? [], sub)) best = i;
    }
    assigned[best]?.push(t);
  }
  for (const a of assigned) a.sort(bySubtopologyThenPartition);
  return assigned;
}

/** The bin with room whose local state of `t` has the highest offset sum, or -1 when none has any. */
function mostCaughtUp(t: TaskId, bins: readonly Bin[], assigned: readonly TaskId[][], quota: readonly number[]): number {
  let best = -1;
  let bestSum = -1;
  bins.forEach((bin, i) => {
    const sum = bin.state?.get(t);
    if (sum === undefined || (assigned[i]?.length ?? 0) >= (quota[i] ?? 0)) return;
    if (sum > bestSum) {
      best = i;
      bestSum = sum;
    }
  });
  return best;
}

/**
 * Standby replicas (Kafka Streams' standby task assignor): each stateful task gets up to
 * `replicas` standbys, each on a different client than its active task and than its other
 * standbys (a replica on the same instance protects against nothing). A standby goes to an
 * eligible client that already has the task's state (a previous standby or stores on disk,
 * highest offset sum first) as long as that client stays within its balanced share of active
 * plus standby tasks (so replicas stay warm across rebalances), else to the least loaded
 * eligible client (tasks per thread). With
 * fewer clients than `replicas + 1`, tasks get fewer standbys. Inside a client, standbys go to
 * the least loaded consumer. Returns member id → standby tasks.
 */
export function assignStandbyTasks(
  statefulTasks: readonly TaskId[],
  clients: readonly ClientState[],
  active: ReadonlyMap<string, readonly TaskId[]>,
  replicas: number,
): Map<string, TaskId[]> {
  const result = new Map<string, TaskId[]>();
  const sorted = [...clients].filter((c) => c.consumers.length > 0).sort((a, b) => compare(a.processId, b.processId));
  for (const c of sorted) for (const m of c.consumers) result.set(m.memberId, []);
  if (replicas <= 0 || sorted.length < 2) return result;

  const clientOfMember = new Map<string, number>();
  sorted.forEach((c, i) => { for (const m of c.consumers) clientOfMember.set(m.memberId, i); });
  const holders = new Map<TaskId, Set<number>>();
  const load = sorted.map(() => 0);
  for (const [memberId, ts] of active) {
    const i = clientOfMember.get(memberId);
    if (i === undefined) continue;
    load[i] = (load[i] ?? 0) + ts.length;
    for (const t of ts) (holders.get(t) ?? holders.set(t, new Set()).get(t)!).add(i);
  }
  const stateOf = (i: number, t: TaskId): number | undefined => {
    const c = sorted[i]!;
    if (c.consumers.some((m) => m.previousStandbyTasks?.includes(t) === true)) return c.taskOffsetSums?.get(t) ?? 0;
    return c.taskOffsetSums?.get(t);
  };
  const perThread = (i: number): number => (load[i] ?? 0) / sorted[i]!.consumers.length;
  const standbysOfClient = sorted.map((): TaskId[] => []);
  // What each client carries when balanced: a standby stays where its state is while under this.
  const threads = sorted.reduce((n, c) => n + c.consumers.length, 0);
  const total = load.reduce((a, b) => a + b, 0) + statefulTasks.length * Math.min(replicas, sorted.length - 1);
  const cap = sorted.map((c) => Math.ceil((total * c.consumers.length) / threads));

  const tasks = [...statefulTasks].sort(byPartitionThenSubtopology);
  for (let r = 0; r < replicas; r++) {
    for (const t of tasks) {
      const taken = holders.get(t) ?? holders.set(t, new Set()).get(t)!;
      const eligible = sorted.map((_, i) => i).filter((i) => !taken.has(i));
      if (eligible.length === 0) continue;
      const least = Math.min(...eligible.map(perThread));
      let pick = -1;
      let pickSum = -1;
      for (const i of eligible) {
        const sum = stateOf(i, t);
        if (sum === undefined || (load[i] ?? 0) + 1 > (cap[i] ?? 0)) continue;
        if (sum > pickSum) { pick = i; pickSum = sum; }
      }
      if (pick < 0) pick = eligible.find((i) => perThread(i) === least)!;
      taken.add(pick);
      load[pick] = (load[pick] ?? 0) + 1;
      standbysOfClient[pick]!.push(t);
    }
  }

  sorted.forEach((c, i) => {
    const consumers = [...c.consumers].sort((a, b) => compare(a.memberId, b.memberId));
    const count = new Map(consumers.map((m) => [m.memberId, active.get(m.memberId)?.length ?? 0]));
    for (const t of standbysOfClient[i]!.sort(bySubtopologyThenPartition)) {
      const least = Math.min(...consumers.map((m) => count.get(m.memberId) ?? 0));
      const previous = consumers.find((m) => m.previousStandbyTasks?.includes(t) === true && (count.get(m.memberId) ?? 0) < least + 1);
      const target = previous ?? consumers.find((m) => (count.get(m.memberId) ?? 0) === least)!;
      result.get(target.memberId)!.push(t);
      count.set(target.memberId, (count.get(target.memberId) ?? 0) + 1);
    }
  });
  return result;
}

/**
 * Largest-remainder apportionment of `total` items by integer weights; ties in the remainder go
 * to the bin that held more items before (stickiness), then to the earlier bin.
 */
export function apportion(total: number, weights: readonly number[], preference: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const quota = weights.map((w) => Math.floor((total * w) / sum));
  let rest = total - quota.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ i, remainder: (total * w) % sum, pref: preference[i] ?? 0 }))
    .sort((a, b) => b.remainder - a.remainder || b.pref - a.pref || a.i - b.i);
  for (const { i } of order) {
    if (rest === 0) break;
    quota[i] = (quota[i] ?? 0) + 1;
    rest--;
  }
  return quota;
}

function sameSubtopology(tasks: readonly TaskId[], sub: number): number {
  let n = 0;
  for (const t of tasks) if (parseTaskId(t).subtopology === sub) n++;
  return n;
}

export function bySubtopologyThenPartition(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.subtopology - y.subtopology || x.partition - y.partition;
}

export function byPartitionThenSubtopology(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.partition - y.partition || x.subtopology - y.subtopology;
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
