/**
 * The crash test's known input and the truth computed directly from it (no Kafka involved).
 *
 * Record `i` (0-based) has key `k<nnnn>` (skewed: a few keys are hot, so keys repeat a lot), value
 * `<i>:<amount>` (amount 1..9) and a timestamp that rises with `i` from `baseTime` over
 * `windows` tumbling windows. Timestamps are recent (the harness picks `baseTime` an hour ago at
 * most): a window store's changelog is compact,delete with the store's retention plus a day, so
 * the broker would delete records stamped long ago in the middle of a run.
 *
 * The application (apps/eos-crash-app.ts) computes three things from it, and so does `truth()`:
 *  - mapped:  every record once, value `<i>:<amount>` tagged with the writer (stateless branch);
 *  - sums:    the sum of amounts per group (`g<nn>`, a function of the key: a repartition);
 *  - windows: the count per key per window (`<key>@<window start>`).
 */

export const WINDOW_SIZE_MS = 10_000;
export const KEYS = 1_000;
export const GROUPS = 37;

export interface InputModel {
  readonly records: number;
  /** Epoch ms of the first record, aligned to a window start. */
  readonly baseTime: number;
  /** Windows the timestamps span. */
  readonly windows: number;
}

/** A model whose timestamps end about a minute before now. */
export function recentInputModel(records: number, windows = 60, now = Date.now()): InputModel {
  const start = now - 60_000 - windows * WINDOW_SIZE_MS;
  return { records, baseTime: Math.floor(start / WINDOW_SIZE_MS) * WINDOW_SIZE_MS, windows };
}

/** Record i's key index: a fixed, skewed draw (small indexes are frequent). */
function keyIndexOf(i: number): number {
  let x = Math.imul(i + 1, 2654435761) >>> 0;
  x = (x ^ (x >>> 13)) >>> 0;
  const u = (x % 1_000_003) / 1_000_003;
  return Math.floor(u * u * KEYS);
}

export const keyOf = (i: number): string => `k${String(keyIndexOf(i)).padStart(4, '0')}`;
export const amountOf = (i: number): number => 1 + (i % 9);
export const valueOf = (i: number): string => `${i}:${amountOf(i)}`;
export const timestampOf = (m: InputModel, i: number): number => m.baseTime + Math.floor((i * m.windows * WINDOW_SIZE_MS) / m.records);

/** The aggregation's grouping: a function of the key alone, so a key's records stay in one group. */
export function groupOf(key: string): string {
  return `g${String(Number(key.slice(1)) % GROUPS).padStart(2, '0')}`;
}

/** Parses an input value (or a mapped output value, which starts with it): `<i>:<amount>[@writer]`. */
export function parseValue(value: string): { seq: number; amount: number; writer: string } {
  const at = value.indexOf('@');
  const [seq, amount] = (at < 0 ? value : value.slice(0, at)).split(':');
  return { seq: Number(seq), amount: Number(amount), writer: at < 0 ? '' : value.slice(at + 1) };
}

export const windowKey = (key: string, windowStart: number): string => `${key}@${windowStart}`;

export interface Truth {
  readonly sums: ReadonlyMap<string, number>;
  readonly windowCounts: ReadonlyMap<string, number>;
}

export function truth(m: InputModel): Truth {
  const sums = new Map<string, number>();
  const windowCounts = new Map<string, number>();
  for (let i = 0; i < m.records; i++) {
    const key = keyOf(i);
    const group = groupOf(key);
    sums.set(group, (sums.get(group) ?? 0) + amountOf(i));
    const ts = timestampOf(m, i);
    const w = windowKey(key, ts - (ts % WINDOW_SIZE_MS));
    windowCounts.set(w, (windowCounts.get(w) ?? 0) + 1);
  }
  return { sums, windowCounts };
}
