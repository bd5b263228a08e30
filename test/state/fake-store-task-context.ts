import type { RecordContext } from '../../src/processor/record-metadata.js';
import { RecordCache } from '../../src/state/record-cache.js';
import type { StoreTaskContext } from '../../src/state/store-task-context.js';

export interface LoggedChange {
  readonly topic: string;
  readonly partition: number;
  readonly key: string;
  readonly value: string | null;
  readonly timestamp: number;
}

/**
 * A task as store layers see it: a settable record context, logged changelog records, and a
 * record of each flush-forward with the record context it ran under.
 */
export function fakeStoreTaskContext(cacheBytes = 1_000_000, partition = 3) {
  let current: RecordContext = { topic: 'in', partition, offset: 0, timestamp: 0, headers: [] };
  const logged: LoggedChange[] = [];
  const forwardedUnder: RecordContext[] = [];
  const context: StoreTaskContext = {
    taskId: `0_${partition}`,
    partition,
    cache: cacheBytes > 0 ? new RecordCache(cacheBytes) : undefined,
    recordContext: () => current,
    logChange: (topic, key, value, timestamp) =>
      void logged.push({ topic, partition, key: key.toString(), value: value === null ? null : value.toString('latin1'), timestamp }),
    forwardWithContext: async (ctx, forward) => {
      const saved = current;
      current = ctx;
      forwardedUnder.push(ctx);
      try {
        await forward();
      } finally {
        current = saved;
      }
    },
  };
  return {
    context,
    logged,
    forwardedUnder,
    /** Makes the next writes look like they come from input offset `offset` at `timestamp`. */
    at(offset: number, timestamp: number): void {
      current = { topic: 'in', partition, offset, timestamp, headers: [] };
    },
  };
}
