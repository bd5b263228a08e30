import type { RecordContext } from '../processor/record-metadata.js';
import type { RecordCache } from './record-cache.js';

/**
 * What the layers of a store (record cache, changelogging) need from the task that owns it,
 * given to `StoreBuilder.build()` in `StoreBuildContext.task` (Kafka gives the same through the
 * `StateStoreContext` of `init`). Absent when a store is built outside a task (then the builder
 * makes a store without caching and changelogging layers).
 */
export interface StoreTaskContext {
  /** The owning task, e.g. `1_0`. */
  readonly taskId: string;
  /** The partition of the store's changelog: the task's partition number. */
  readonly partition: number;
  /**
   * The record context of the update being made: the record the task is processing (its
   * timestamp and headers as the processor received it; topic, partition and offset of the
   * input record, or undefined/-1 in punctuation). A cache keeps it with a dirty entry; a
   * changelog record takes its timestamp. With async processors it is the record the task
   * dispatched last: a write made after an `await` may carry the timestamp of a record that
   * another processor received meanwhile (always one caused by the same input record).
   */
  recordContext(): RecordContext;
  /** Sends one changelog record to partition {@link partition} of `topic` through the task's record collector. */
  logChange(topic: string, key: Buffer, value: Buffer | null, timestamp: number): void;
  /**
   * Reports a write of a store whose changelog is an input topic (`reuse.ktable.source.topics`)
   * to the instance's change subscribers, as {@link logChange} does for a logged store's writes,
   * but sends nothing: the input topic already holds the record. Absent where no one subscribes
   * (standbys, the test driver).
   */
  reportChange?(topic: string, key: Buffer, value: Buffer | null, timestamp: number): void;
  /**
   * The record cache of the stream thread (or of the test driver) the task runs on; undefined
   * when caching is off (`statestore.cache.max.bytes` = 0).
   */
  readonly cache: RecordCache | undefined;
  /**
   * Runs `forward` (a cache flush listener) with the task's record context set to `context`,
   * and resolves once the processing it started downstream is complete; the previous record
   * context is restored afterwards.
   */
  forwardWithContext(context: RecordContext, forward: () => void | Promise<void>): Promise<void>;
}
