import type { TopicPartition } from '../kafka/port.js';

/**
 * Kafka Streams' `StateRestoreListener`: told when a store starts restoring from a changelog
 * partition, after every batch it applied, and when it is done. Set one per client with
 * `KafkaStreams.setGlobalStateRestoreListener` (before `start()`); it is shared by every stream
 * thread and the global stream thread, and called for active tasks' stores and global stores
 * (standby updates never "finish", so they are not reported, as in Kafka Streams).
 *
 * Calls are synchronous and sit on the restoration path: keep them cheap. An exception thrown
 * by a method fails the thread that restores, like any other restoration error.
 *
 * @example
 * streams.setGlobalStateRestoreListener({
 *   onRestoreStart: (tp, store, from, to) => console.log(`${store} ${tp.topic}-${tp.partition}: ${to - from} offsets to restore`),
 *   onBatchRestored: () => {},
 *   onRestoreEnd: (tp, store, total) => console.log(`${store} ${tp.topic}-${tp.partition}: ${total} records restored`),
 * });
 */
export interface StateRestoreListener {
  /**
   * Restoration of `storeName` from changelog partition `topicPartition` begins.
   * @param startingOffset the first offset read (the checkpoint + 1, or the log start)
   * @param endingOffset the exclusive end: restoration reads up to, not including, this offset
   */
  onRestoreStart(topicPartition: TopicPartition, storeName: string, startingOffset: number, endingOffset: number): void;
  /**
   * A batch of records was applied to the store.
   * @param batchEndOffset the offset of the batch's last record (inclusive)
   * @param numRestored the records in this batch
   */
  onBatchRestored(topicPartition: TopicPartition, storeName: string, batchEndOffset: number, numRestored: number): void;
  /** Restoration of this changelog partition is complete; `totalRestored` records were applied in all. */
  onRestoreEnd(topicPartition: TopicPartition, storeName: string, totalRestored: number): void;
  /**
   * The task was closed or migrated before its restoration finished (optional, as Kafka's default
   * method). If it comes back, `onRestoreStart` is called again.
   */
  onRestoreSuspended?(topicPartition: TopicPartition, storeName: string, totalRestored: number): void;
}

/** One listener that calls each of `listeners` in turn (undefined entries are skipped). */
export function combineRestoreListeners(...listeners: readonly (StateRestoreListener | undefined)[]): StateRestoreListener {
  const all = listeners.filter((l): l is StateRestoreListener => l !== undefined);
  return {
    onRestoreStart: (tp, store, from, to) => { for (const l of all) l.onRestoreStart(tp, store, from, to); },
    onBatchRestored: (tp, store, end, n) => { for (const l of all) l.onBatchRestored(tp, store, end, n); },
    onRestoreEnd: (tp, store, total) => { for (const l of all) l.onRestoreEnd(tp, store, total); },
    onRestoreSuspended: (tp, store, total) => { for (const l of all) l.onRestoreSuspended?.(tp, store, total); },
  };
}
