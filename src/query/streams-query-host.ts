import { parseTaskIdPartition } from './task-id.js';
import type { ByteStore, HostPartitions, LocalStorePartition, QueryHost, QueryableStoreInfo, StoreChange } from './query-host.js';

/** What queries need of one task of this instance (active or standby). */
export interface QueryableTask {
  /** `<subtopology>_<partition>` */
  readonly id: string;
  readonly active: boolean;
  /** True while the task restores its stores from their changelogs. */
  readonly restoring: boolean;
  /** The task's store of that name (typed, as processors see it), or undefined. */
  stateStore(name: string): unknown;
  /** Changelog records the task's copy of store `name` is behind (standbys), when known. */
  offsetLag?(name: string): number | undefined;
}

/** The parts of a running `KafkaStreams` a {@link QueryHost} is made of. */
export interface StreamsQueryParts {
  readonly endpoint: string | undefined;
  readonly authToken?: string | undefined;
  state(): string;
  stores(): readonly QueryableStoreInfo[];
  instances(): readonly HostPartitions[];
  tasks(): Iterable<QueryableTask>;
  subscribeChanges?(listener: (change: StoreChange) => void): () => void;
}

/**
 * A QueryHost over a running instance's tasks: each task's store is read below its serdes (the
 * typed store's `inner` byte store, cache included), so partitions merge by key bytes.
 */
export function streamsQueryHost(parts: StreamsQueryParts): QueryHost {
  return {
    endpoint: parts.endpoint,
    authToken: parts.authToken,
    state: () => parts.state(),
    stores: () => parts.stores(),
    instances: () => parts.instances(),
    localStores: (name) => {
      const out: LocalStorePartition[] = [];
      for (const task of parts.tasks()) {
        const typed = task.stateStore(name);
        if (typed === undefined || typed === null) continue;
        const inner = (typed as { inner?: unknown }).inner ?? typed;
        const offsetLag = task.offsetLag?.(name);
        out.push({ partition: parseTaskIdPartition(task.id), active: task.active, state: task.restoring ? 'RESTORING' : 'RUNNING', store: inner as ByteStore, ...(offsetLag === undefined ? {} : { offsetLag }) });
      }
      return out.sort((a, b) => a.partition - b.partition);
    },
    ...(parts.subscribeChanges === undefined ? {} : { subscribeChanges: parts.subscribeChanges.bind(parts) }),
  };
}
