import type { TaskId } from './task.js';

/**
 * What each member of the group tells the leader at every join, in its subscription userData
 * (Kafka Streams' `SubscriptionInfo`). Wire format: a 4-byte big-endian version, then UTF-8 JSON.
 * Later versions may add fields; a reader ignores fields it does not know, and the leader
 * answers in the smallest version any member sent.
 */
export interface SubscriptionInfo {
  readonly version: number;
  /** One id per `KafkaStreams` instance: all its threads' consumers share it (one client). */
  readonly processId: string;
  /** `application.server` (host:port) of the instance, for interactive queries. */
  readonly endpoint?: string;
  /** Active tasks this consumer holds, or held until the revocation that led to this join (stickiness). */
  readonly activeTasks: readonly TaskId[];
  /** Standby tasks this consumer holds (warm replicas of other clients' active tasks). */
  readonly standbyTasks: readonly TaskId[];
  /**
   * Kafka Streams' task offset sums: for each task whose state this client has on disk or in a
   * standby (not counting its running active tasks), the sum of the changelog offsets its
   * stores hold. The leader places an active task where its state is most caught up. Absent
   * when the member sent none (older members): treated as no local state.
   */
  readonly taskOffsetSums?: Readonly<Record<TaskId, number>>;
  /** Set when the client's uncaught-exception handler chose SHUTDOWN_APPLICATION. */
  readonly shutdownRequested: boolean;
}

export const SUBSCRIPTION_VERSION = 1;

export function encodeSubscriptionInfo(info: Omit<SubscriptionInfo, 'version'>, version = SUBSCRIPTION_VERSION): Buffer {
  return encodeVersioned(version, {
    processId: info.processId,
    ...(info.endpoint !== undefined ? { endpoint: info.endpoint } : {}),
    activeTasks: info.activeTasks,
    standbyTasks: info.standbyTasks,
    ...(info.taskOffsetSums !== undefined ? { taskOffsetSums: info.taskOffsetSums } : {}),
    shutdownRequested: info.shutdownRequested,
  });
}

/** Decodes a member's userData; throws on bytes that are not our protocol. */
export function decodeSubscriptionInfo(data: Buffer): SubscriptionInfo {
  const { version, body } = decodeVersioned(data, 'subscription');
  const processId = body['processId'];
  if (typeof processId !== 'string') throw new TypeError(`Subscription userData must carry a processId, but got: ${JSON.stringify(body)}`);
  const endpoint = body['endpoint'];
  return {
    version,
    processId,
    ...(typeof endpoint === 'string' ? { endpoint } : {}),
    activeTasks: stringArray(body['activeTasks']),
    standbyTasks: stringArray(body['standbyTasks']),
    ...(body['taskOffsetSums'] !== undefined ? { taskOffsetSums: offsetSums(body['taskOffsetSums']) } : {}),
    shutdownRequested: body['shutdownRequested'] === true,
  };
}

export function encodeVersioned(version: number, body: object): Buffer {
  const json = Buffer.from(JSON.stringify(body), 'utf8');
  const out = Buffer.allocUnsafe(4 + json.length);
  out.writeInt32BE(version, 0);
  json.copy(out, 4);
  return out;
}

export function decodeVersioned(data: Buffer, what: string): { version: number; body: Record<string, unknown> } {
  if (data.length < 4) throw new TypeError(`The ${what} userData must start with a 4-byte version, but got ${data.length} bytes`);
  const version = data.readInt32BE(0);
  if (version < 1) throw new TypeError(`The ${what} userData version must be >= 1, but got: ${version}`);
  const body: unknown = JSON.parse(data.subarray(4).toString('utf8'));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TypeError(`The ${what} userData must hold a JSON object, but got: ${typeof body}`);
  }
  return { version, body: body as Record<string, unknown> };
}

/** Keeps the entries that are task ids with non-negative integer sums; anything else is ignored. */
function offsetSums(v: unknown): Record<TaskId, number> {
  const out: Record<TaskId, number> = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [task, sum] of Object.entries(v)) if (Number.isSafeInteger(sum) && (sum as number) >= 0) out[task] = sum as number;
  return out;
}

function stringArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
