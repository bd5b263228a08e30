import type { ConsumedRecord, TopicPartition } from '../kafka/port.js';

/**
 * The global stores of one instance (Kafka's `GlobalStateUpdateTask` with its
 * `GlobalStateManager`): every instance reads all partitions of each global topic into one copy
 * of the store, outside any task. The runtime's global thread drives it:
 *
 * 1. `initialize()` opens the stores under `state.dir/<application.id>/global` (locked) and
 *    reads the `.checkpoint` file there;
 * 2. for every partition of `topics` (the runtime lists them), it reads from
 *    `checkpointOffset(tp) + 1` (from the beginning when undefined) to the end offset found at
 *    start and hands the records to `update` — that is the restoration, done before any stream
 *    thread processes (Kafka Streams' rule: global stores are complete at start);
 * 3. then it keeps reading new records into `update`, and calls `flushState()` every
 *    `commit.interval.ms` (writes the store and the checkpoint);
 * 4. `close()` on shutdown.
 *
 * Records go through the global source's deserializers and timestamp extractor, then the update
 * processor (`addGlobalStore`'s `stateUpdateSupplier`, or the DSL's table source), which writes
 * the store. Records that fail to deserialize go to the deserialization exception handler.
 */
export interface GlobalStateTask {
  /** The global topics (each read entirely into one global store). */
  readonly topics: readonly string[];
  /** Opens the stores and reads the checkpoint; processors' `init()` runs here. */
  initialize(): Promise<void>;
  /** Offset of the last record of `tp` already in the stores, or undefined (read from the beginning). */
  checkpointOffset(tp: TopicPartition): number | undefined;
  /** Applies records of one partition of a global topic, in offset order. */
  update(tp: TopicPartition, records: readonly ConsumedRecord[]): Promise<void>;
  /** Flushes the stores and writes the checkpoint (offset of the last record applied per partition). */
  flushState(): Promise<void>;
  /** A global store by name (for `TaskEnvironment.globalStore` and interactive queries), or undefined. */
  store(name: string): unknown;
  /** Flushes (clean), writes the checkpoint (clean), closes processors and stores, releases the lock. */
  close(clean: boolean): Promise<void>;
}
