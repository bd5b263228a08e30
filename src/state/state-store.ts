import { InvalidStateStoreException } from '../errors.js';

/**
 * What every state store has, whatever it holds: a name unique in the topology, whether it
 * survives a restart on local disk, and a lifecycle. Stores are created closed; the task that
 * owns them calls `init()` before use and `close()` when it lets them go.
 */
export interface StateStore {
  /** The store's name, unique within a topology; also names its directory and changelog topic. */
  readonly name: string;
  /** True when the store keeps its data on local disk across `close()` and restarts. */
  readonly persistent: boolean;
  /** True between a successful `init()` and `close()`. */
  readonly isOpen: boolean;
  /** Opens the store (for a persistent store: creates or reopens its directory). */
  init(): Promise<void>;
  /** Makes every completed write durable as far as the store can (for LevelDB: fsyncs its log). */
  flush(): Promise<void>;
  /** Releases the store's resources; a closed store rejects reads and writes. Idempotent. */
  close(): Promise<void>;
}

/** Kafka Streams' message for a store used while closed; `InvalidStateStoreException` is retriable for queries. */
export function assertStoreOpen(store: StateStore): void {
  if (!store.isOpen) throw new InvalidStateStoreException(`Store ${store.name} is currently closed.`);
}
