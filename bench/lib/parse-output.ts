/**
 * Results of benchmarks run as scripts, read from what they print.
 */

/** The last stdout line that parses as a JSON object or array, or undefined. */
export function lastJsonLine(stdout: string): unknown {
  const lines = stdout.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('{') || l.startsWith('['));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      return JSON.parse(lines[i]!) as unknown;
    } catch {
      // a table line that happens to start with a bracket: keep looking
    }
  }
  return undefined;
}

/** One line of the store micro-benchmarks' table (bench/state-stores.ts, bench/window-stores.ts). */
export interface StoreTableRow {
  readonly operation: string;
  readonly levelOpsPerSec: number;
  readonly levelOpsPerCpuSec: number;
  readonly memoryOpsPerSec: number;
  readonly memoryOpsPerCpuSec: number;
}

/**
 * Reads the table the store micro-benchmarks print: a label, then four numbers with thousands
 * separators (LevelDB ops/s, ops/CPU-s, in-memory ops/s, ops/CPU-s). Other lines are ignored.
 */
export function storeTable(stdout: string): { rows: StoreTableRow[] } {
  const rows: StoreTableRow[] = [];
  const number = '(-?[\\d,]+(?:\\.\\d+)?)';
  const line = new RegExp(`^(\\S.*?)\\s{2,}${number}\\s+${number}\\s+${number}\\s+${number}\\s*$`);
  for (const text of stdout.split('\n')) {
    const m = line.exec(text);
    if (m === null) continue;
    const [levelWall, levelCpu, memoryWall, memoryCpu] = m.slice(2, 6).map((n) => Number(n!.replace(/,/g, '')));
    rows.push({ operation: m[1]!.trim(), levelOpsPerSec: levelWall!, levelOpsPerCpuSec: levelCpu!, memoryOpsPerSec: memoryWall!, memoryOpsPerCpuSec: memoryCpu! });
  }
  return { rows };
}

/** Every numeric leaf of a result as `path: value` (for benchmarks without a headline). */
export function numericLeaves(value: unknown, path = ''): { path: string; value: number }[] {
  if (typeof value === 'number' && Number.isFinite(value)) return [{ path: path || '(value)', value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => numericLeaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numericLeaves(v, path === '' ? k : `${path}.${k}`));
  }
  return [];
}
