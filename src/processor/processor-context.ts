import type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';
import type { Record } from './record.js';
import type { RecordMetadata } from './record-metadata.js';

/**
 * What a processor sees of the task that runs it (Kafka's `api.ProcessorContext`).
 * One context per processor node; it is valid from `init()` until `close()`.
 *
 * @typeParam KForward - key type the processor forwards
 * @typeParam VForward - value type the processor forwards
 */
export interface ProcessorContext<KForward = unknown, VForward = unknown> {
  /** The `application.id`. */
  readonly applicationId: string;
  /** The id of the task running this processor, e.g. `0_2`. */
  readonly taskId: string;

  /** The application config as the user gave it (dotted keys). */
  appConfigs(): Readonly<{ [key: string]: unknown }>;

  /**
   * Sends a record to every child of this processor, or only to the child named `childName`.
   * Children run depth-first, in order, as in Kafka: a child's subtree is done with the record
   * before the next child gets it. When they are synchronous that is before `forward` returns;
   * when a child is async, `forward` returns a Promise that resolves once all children are done;
   * awaiting it is optional: each processor still sees records in the order they were
   * forwarded to it, and the task finishes all work of one input record before the next.
   *
   * @throws Error when `childName` is not a child of this processor
   */
  forward<K extends KForward, V extends VForward>(record: Record<K, V>, childName?: string): void | Promise<void>;

  /**
   * Calls `punctuator` periodically (Kafka's semantics, `PunctuationQueue`/`PunctuationSchedule`):
   * - `STREAM_TIME`: aligned to 0. It fires at the first check where stream time is known
   *   (after the first record), then whenever stream time reaches the next multiple of
   *   `intervalMs`; a jump over several intervals fires once. The punctuator gets the stream
   *   time, not the scheduled time. With no input it never fires.
   * - `WALL_CLOCK_TIME`: first at now + `intervalMs`, then every `intervalMs` after that
   *   (missed intervals are skipped, not replayed).
   *
   * @param intervalMs interval in ms, >= 1
   * @returns a handle whose `cancel()` stops the schedule (also from inside the punctuator)
   * @throws RangeError when `intervalMs` < 1
   */
  schedule(intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable;

  /** Topic, partition and offset of the input record being processed; undefined in punctuation. */
  recordMetadata(): RecordMetadata | undefined;

  /** The task's stream time (max timestamp of records taken so far), -1 when none yet. */
  currentStreamTimeMs(): number;

  /** Wall-clock time in ms (the TopologyTestDriver's mock clock in tests). */
  currentSystemTimeMs(): number;

  /** Asks the runtime to commit this task as soon as possible (after the current record). */
  commit(): void;

  /**
   * Counts one record this processor drops (a null key it cannot use, a window already closed)
   * in the task's `dropped-records` metric, as Kafka Streams' DSL processors record the
   * task-level `dropped-records` sensor. Optional: a context without metrics may lack it.
   */
  recordDropped?(): void;

  /**
   * Processor metadata (Kafka's `InternalProcessorContext.processorMetadataForKey` /
   * `addProcessorMetadataKeyValue`): numbers a processor keeps across restarts of its task. The
   * task commits them with its input offsets and reads them back before `init()`; a key is
   * usually the name of the processor's store. Optional: a context without commits may lack it.
   */
  processorMetadataForKey?(key: string): number | undefined;
  addProcessorMetadataKeyValue?(key: string, value: number): void;

  /**
   * A state store connected to this processor.
   * @throws Error naming the store and the processor when the store is not connected
   */
  getStateStore<S = unknown>(name: string): S;
}
