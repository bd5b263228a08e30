import { checkDuration, checkSegmentInterval, defaultSegmentIntervalMs } from './window-store-options.js';

/** How a session store keeps its sessions; `Stores.persistentSessionStore` and friends build these. */
export interface SessionStoreOptions {
  /** How long a session is kept after the newest session end seen (Kafka's default: gap + grace). */
  readonly retentionPeriodMs: number;
  /** Persistent stores only: the time span (of session ends) of one segment; default `max(retentionPeriodMs / 2, 60_000)`. */
  readonly segmentIntervalMs?: number;
}

/**
 * Checks session store options as Kafka Streams' `Stores.persistentSessionStore` does.
 * @throws RangeError naming the store and the offending value.
 */
export function checkSessionStoreOptions(name: string, options: SessionStoreOptions): Required<SessionStoreOptions> {
  const { retentionPeriodMs } = options;
  checkDuration(name, 'retentionPeriodMs', retentionPeriodMs);
  const segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentIntervalMs(retentionPeriodMs);
  checkSegmentInterval(name, segmentIntervalMs);
  return { retentionPeriodMs, segmentIntervalMs };
}
