import { logger } from '../../logger.js';
import type { ProcessorContext } from '../../processor/processor-context.js';

const log = logger.child({ component: 'dsl' });

/**
 * Logs a record a DSL processor skips (a null key where a key is needed, a null value an
 * aggregation cannot use), with where it came from, and counts it in the task's
 * `dropped-records` metric, as Kafka Streams' processors do.
 */
export function warnDropped(context: ProcessorContext<unknown, unknown>, reason: string, operator: string): void {
  context.recordDropped?.();
  const meta = context.recordMetadata();
  if (meta === undefined) log.warn({ operator, taskId: context.taskId }, `Skipping record due to ${reason}. Topic, partition, and offset not known.`);
  else log.warn({ operator, taskId: context.taskId, topic: meta.topic, partition: meta.partition, offset: meta.offset }, `Skipping record due to ${reason}.`);
}
