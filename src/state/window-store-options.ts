/** How a window store keeps its windows; `Stores.persistentWindowStore` and friends build these. */
export interface WindowStoreOptions {
  /** How long a window is kept after the newest window start seen; at least `windowSizeMs`. */
  readonly retentionPeriodMs: number;
  /** The size of the windows (their end is `start + windowSizeMs`). */
  readonly windowSizeMs: number;
  /** Keep every put as its own entry (stream-stream joins); default false. */
  readonly retainDuplicates?: boolean;
  /** Persistent stores only: the time span of one segment; default `max(retentionPeriodMs / 2, 60_000)`. */
  readonly segmentIntervalMs?: number;
}

/** Kafka Streams' default segment interval of window and session stores. */
export function defaultSegmentIntervalMs(retentionPeriodMs: number): number {
  return Math.max(Math.floor(retentionPeriodMs / 2), 60_000);
}

/**
 * Checks window store options as Kafka Streams' `Stores.persistentWindowStore` does.
 * @throws RangeError naming the store and the offending value.
 */
export function checkWindowStoreOptions(name: string, options: WindowStoreOptions): Required<WindowStoreOptions> {
  const { retentionPeriodMs, windowSizeMs, retainDuplicates = false } = options;
  checkDuration(name, 'retentionPeriodMs', retentionPeriodMs);
  checkDuration(name, 'windowSizeMs', windowSizeMs);
  if (windowSizeMs > retentionPeriodMs) {
    throw new RangeError(`The retention period of the window store ${name} must be no smaller than its window size. Got size=[${windowSizeMs}], retention=[${retentionPeriodMs}]`);
  }
  const segmentIntervalMs = options.segmentIntervalMs ?? defaultSegmentIntervalMs(retentionPeriodMs);
  checkSegmentInterval(name, segmentIntervalMs);
  return { retentionPeriodMs, windowSizeMs, retainDuplicates, segmentIntervalMs };
}

export function checkDuration(name: string, what: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`Store ${name}: ${what} must be a non-negative integer of milliseconds, but got: ${ms}`);
}

export function checkSegmentInterval(name: string, ms: number): void {
  if (!Number.isSafeInteger(ms) || ms < 1) throw new RangeError(`Store ${name}: segmentIntervalMs must be a positive integer of milliseconds, but got: ${ms}`);
}
