/**
 * Emit-final (SEMANTICS §5.7) for sliding and session windows over stores that hide an entry the
 * moment it passes retention: sliding windows with start <= newest start - retention, sessions
 * with end <= newest end - retention.
 *
 * Kafka's emit-final stores are segmented, time-ordered RocksDB stores whose emit scan returns
 * everything in a live segment, so its next pass still finds a window after it expired. Ours do
 * not, and an entry the store stopped returning must not live only in memory: the input offsets
 * that made it may be committed before the next pass, and a killed instance would lose it. But
 * such an entry is final, as the aggregation cannot see it either; so it is forwarded at once,
 * in a pass's order:
 *
 * - by the record that moves {@link hiddenThrough} past it, before that record's writes (which
 *   are the ones that hide it), whatever the wall-clock throttle says;
 * - right after its write, when a write lands at or below `hiddenThrough` (a late session ending
 *   exactly at the close time, which the store skips as expired);
 * - a pass then reads the store only above `hiddenThrough`, so nothing comes out twice.
 *
 * Nothing else is kept: `hiddenThrough` follows from observed stream time and the retention.
 */

/**
 * The time (sliding: window start; sessions: session end) at or below which entries count as
 * hidden once a record brought stream time to `observedStreamTime`: no write starts or ends after
 * observed stream time, so the store may hide all of them from that record's writes on (sessions:
 * it does, as that record's session ends there). They are final: with the retention the DSL
 * enforces, such a sliding window ended before the close time, such a session at or before it.
 */
export function hiddenThrough(observedStreamTime: number, retentionMs: number): number {
  return observedStreamTime - retentionMs;
}
