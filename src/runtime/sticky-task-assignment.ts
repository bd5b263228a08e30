import { parseTaskId, type TaskId } from './task.js';

/** One consumer (stream thread) of a client, and the active tasks it held before this rebalance. */
export interface ConsumerState {
  readonly memberId: string;
  readonly previousActiveTasks: readonly TaskId[];
}

/** One `KafkaStreams` instance (process id) with all its consumers in the group. */
export interface ClientState {
  readonly processId: string;
  readonly consumers: readonly ConsumerState[];
}

/**
 * Assigns active tasks to consumers, balanced first, sticky second:
 * 1. Clients (processes) get shares of the tasks proportional to their number of consumers
 *    (threads), rounded so no thread of any client carries more than one task over another's.
 * 2. Within its share, a client keeps the tasks it held before (no state moves needlessly);
 *    the tasks nobody kept go to the clients with the most room, interleaving sub-topologies so
 *    one client does not end up with all partitions of one sub-topology.
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
    sortedClients.map((c) => ({ weight: c.consumers.length, previous: c.consumers.flatMap((m) => m.previousActiveTasks) })),
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
  for (const t of [...wanted].sort(bySubtopologyThenPartition)) {
    const owner = previousOwner.get(t);
    const bin = owner === undefined ? undefined : assigned[owner];
    if (owner !== undefined && bin !== undefined && bin.length < (quota[owner] ?? 0)) bin.push(t);
  }
  const taken = new Set(assigned.flat());
  for (const t of ordered) if (!taken.has(t)) rest.push(t);

  for (const t of rest) {
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

function bySubtopologyThenPartition(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.subtopology - y.subtopology || x.partition - y.partition;
}

function byPartitionThenSubtopology(a: TaskId, b: TaskId): number {
  const x = parseTaskId(a);
  const y = parseTaskId(b);
  return x.partition - y.partition || x.subtopology - y.subtopology;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
