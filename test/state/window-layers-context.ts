import type { RecordContext } from '../../src/processor/record-metadata.js';
import { RecordCache } from '../../src/state/record-cache.js';
import type { StoreTaskContext } from '../../src/state/store-task-context.js';

/** A changelog record as a layer logged it, bytes kept. */
export interface Logged {
  readonly topic: string;
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/**
 * A task as window/session store layers see it: a settable record context, the changelog records
 * logged (as bytes), and the record contexts flushed updates were forwarded under.
 */
export function layerTaskContext(cacheBytes = 1_000_000) {
  let current: RecordContext = { topic: 'in', partition: 0, offset: 0, timestamp: 0, headers: [] };
  const logged: Logged[] = [];
  const forwardedUnder: RecordContext[] = [];
  const context: StoreTaskContext = {
    taskId: '0_0',
    partition: 0,
    cache: cacheBytes > 0 ? new RecordCache(cacheBytes) : undefined,
    recordContext: () => current,
    logChange: (topic, key, value, timestamp) => void logged.push({ topic, key: Buffer.from(key), value: value === null ? null : Buffer.from(value), timestamp }),
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
    /** The next writes come from input offset `offset` at `timestamp`. */
    at(offset: number, timestamp: number): void {
      current = { topic: 'in', partition: 0, offset, timestamp, headers: [] };
    },
  };
}

export const b = (text: string): Buffer => Buffer.from(text);

/** Collects an async iterable. */
export async function collect<T>(scan: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of scan) out.push(entry);
  return out;
}
