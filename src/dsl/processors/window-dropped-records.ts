import { logger } from '../../logger.js';
import type { ProcessorContext } from '../../processor/processor-context.js';

const log = logger.child({ component: 'dsl' });

/** Where the record being processed came from, for log lines (absent in punctuation). */
function origin(context: ProcessorContext<unknown, unknown>): Record<string, unknown> {
  const meta = context.recordMetadata();
  return meta === undefined ? { taskId: context.taskId } : { taskId: context.taskId, topic: meta.topic, partition: meta.partition, offset: meta.offset };
}

/**
 * A windowed aggregation skips a record it cannot use (a null key; for sliding windows a null
 * value too): logged, and counted in the task's `dropped-records` metric, as Kafka Streams does
 * (SEMANTICS §2.3, §11).
 */
export function dropUnusableRecord(context: ProcessorContext<unknown, unknown>, reason: string, operator: string): void {
  log.warn({ operator, ...origin(context) }, `Skipping record due to ${reason}.`);
  context.recordDropped?.();
}

/**
 * A windowed aggregation skips a record for a window that has closed (SEMANTICS §1.4, §2.2, §3.2,
 * §4.3): logged with the window and the close time, and counted in `dropped-records` — once per
 * skipped window.
 */
export function dropForExpiredWindow(
  context: ProcessorContext<unknown, unknown>,
  timestamp: number,
  window: string,
  expiration: number,
  observedStreamTime: number,
): void {
  log.warn({ ...origin(context), timestamp, window, expiration, streamTime: observedStreamTime }, 'Skipping record for expired window.');
  context.recordDropped?.();
}
