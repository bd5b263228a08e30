/**
 * Just enough of the Prometheus text format to read the query server's /metrics: samples as
 * { name, labels, value }, and a quantile estimate from a histogram's cumulative buckets.
 */

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (m === null) continue;
    const labels = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(LABEL)) labels[k] = v;
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return samples;
}

/** Sum of every sample named `name` (all label sets), or undefined when there is none. */
export function total(samples, name) {
  const found = samples.filter((s) => s.name === name);
  return found.length === 0 ? undefined : found.reduce((sum, s) => sum + s.value, 0);
}

/** The `q` quantile (0..1) of histogram `name`, in its unit, summed over label sets; undefined without observations. */
export function quantile(samples, name, q) {
  const buckets = new Map();
  for (const s of samples) {
    if (s.name !== `${name}_bucket`) continue;
    const le = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted.at(-1)?.[1] ?? 0;
  if (count === 0) return undefined;
  const rank = q * count;
  let [prevLe, prevCount] = [0, 0];
  for (const [le, cumulative] of sorted) {
    if (cumulative >= rank) {
      // Linear within the bucket, as PromQL's histogram_quantile; the open top bucket answers its lower bound.
      if (le === Infinity) return prevLe;
      return prevLe + ((le - prevLe) * (rank - prevCount)) / Math.max(cumulative - prevCount, 1e-9);
    }
    [prevLe, prevCount] = [le, cumulative];
  }
  return prevLe;
}
