import type { TopicPartition } from '../kafka/port.js';
import { decodeVersioned, encodeVersioned } from './subscription-info.js';
import type { TaskId } from './task.js';

/**
 * What the leader tells each member in its assignment userData (Kafka Streams' `AssignmentInfo`):
 * the member's own tasks, and the whole group's map of endpoint → partitions that interactive
 * queries route by. Same wire format as the subscription: 4-byte version, then UTF-8 JSON.
 */
export interface AssignmentInfo {
  readonly version: number;
  /** Kafka Streams' `AssignorError` codes; non-zero means "do not process, act on the error". */
  readonly errorCode: AssignorErrorCode;
  /** This member's active tasks with their partitions. */
  readonly activeTasks: ReadonlyMap<TaskId, readonly TopicPartition[]>;
  /** This member's standby tasks with their partitions (filled by the state issue). */
  readonly standbyTasks: ReadonlyMap<TaskId, readonly TopicPartition[]>;
  /** Every client with an `application.server` and what it holds, for routing queries. */
  readonly hosts: readonly HostAssignment[];
}

export interface HostAssignment {
  readonly endpoint: string;
  readonly processId: string;
  readonly active: readonly TopicPartition[];
  readonly standby: readonly TopicPartition[];
}

/** As Kafka Streams' `AssignorError`. */
export const AssignorError = {
  NONE: 0,
  INCOMPLETE_SOURCE_TOPIC_METADATA: 1,
  SHUTDOWN_REQUESTED: 4,
} as const;
export type AssignorErrorCode = (typeof AssignorError)[keyof typeof AssignorError];

export const ASSIGNMENT_VERSION = 1;

/** Partitions as `{ topic: [p, ...] }`: much smaller than a list of objects for big groups. */
type CompactPartitions = Record<string, number[]>;

export function encodeAssignmentInfo(info: Omit<AssignmentInfo, 'version'>, version = ASSIGNMENT_VERSION): Buffer {
  const tasks = (m: ReadonlyMap<TaskId, readonly TopicPartition[]>): Record<TaskId, CompactPartitions> =>
    Object.fromEntries([...m].map(([id, tps]) => [id, compact(tps)]));
  return encodeVersioned(version, {
    errorCode: info.errorCode,
    activeTasks: tasks(info.activeTasks),
    standbyTasks: tasks(info.standbyTasks),
    hosts: info.hosts.map((h) => ({ endpoint: h.endpoint, processId: h.processId, active: compact(h.active), standby: compact(h.standby) })),
  });
}

/** Decodes a member's assignment userData; an empty buffer (none received) decodes to `undefined`. */
export function decodeAssignmentInfo(data: Buffer): AssignmentInfo | undefined {
  if (data.length === 0) return undefined;
  const { version, body } = decodeVersioned(data, 'assignment');
  const code = body['errorCode'];
  const errorCode = (Object.values(AssignorError) as number[]).includes(code as number) ? (code as AssignorErrorCode) : AssignorError.NONE;
  const tasks = (v: unknown): Map<TaskId, TopicPartition[]> => {
    const out = new Map<TaskId, TopicPartition[]>();
    if (typeof v === 'object' && v !== null) for (const [id, tps] of Object.entries(v)) out.set(id, expand(tps));
    return out;
  };
  const hosts: HostAssignment[] = [];
  if (Array.isArray(body['hosts'])) {
    for (const h of body['hosts'] as unknown[]) {
      if (typeof h !== 'object' || h === null) continue;
      const r = h as Record<string, unknown>;
      if (typeof r['endpoint'] !== 'string') continue;
      hosts.push({ endpoint: r['endpoint'], processId: String(r['processId'] ?? ''), active: expand(r['active']), standby: expand(r['standby']) });
    }
  }
  return { version, errorCode, activeTasks: tasks(body['activeTasks']), standbyTasks: tasks(body['standbyTasks']), hosts };
}

function compact(tps: readonly TopicPartition[]): CompactPartitions {
  const out: CompactPartitions = {};
  for (const { topic, partition } of tps) (out[topic] ??= []).push(partition);
  for (const ps of Object.values(out)) ps.sort((a, b) => a - b);
  return out;
}

function expand(v: unknown): TopicPartition[] {
  const out: TopicPartition[] = [];
  if (typeof v !== 'object' || v === null) return out;
  for (const [topic, ps] of Object.entries(v)) {
    if (Array.isArray(ps)) for (const p of ps) if (typeof p === 'number') out.push({ topic, partition: p });
  }
  return out;
}
