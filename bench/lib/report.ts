/**
 * The bench run's report: `bench/results/<date>.json` (everything) and `bench/results/<date>.md`
 * (the tables a closing note quotes).
 */
import type { MachineInfo } from './machine.js';
import { numericLeaves } from './parse-output.js';
import type { BenchEntry, Headline } from './registry.js';
import type { BenchOutcome } from './run-child.js';

/** One benchmark's line in the report. */
export interface BenchReportEntry {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  /** How it was invoked (options of run(), or script arguments). */
  readonly invocation: unknown;
  readonly status: BenchOutcome['status'] | 'skipped';
  readonly seconds: number;
  readonly result?: unknown;
  readonly error?: string;
  readonly headline: readonly Headline[];
}

/** The whole run, as written to the JSON file. */
export interface BenchReport {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly totalSeconds: number;
  readonly scale: number;
  readonly machine: MachineInfo & { readonly loadAverage1mAtEnd: number };
  readonly broker: { readonly kafkaVersion: string; readonly origin: string } | null;
  readonly benchmarks: readonly BenchReportEntry[];
  /** Benchmarks the issues ask for that are not in bench/ yet. */
  readonly missing: readonly string[];
}

/** The summary figures of one outcome: the entry's headline, else every numeric leaf. */
export function headlineOf(entry: BenchEntry, result: unknown): Headline[] {
  if (entry.headline !== undefined) {
    try {
      const lines = entry.headline(result);
      if (lines.length > 0 && lines.every((h) => typeof h.value === 'number' && Number.isFinite(h.value))) return lines;
    } catch {
      // fall through
    }
    // A result of another shape than the entry expects (the benchmark changed): show it all.
  }
  return numericLeaves(result).map(({ path, value }) => ({ label: path, value, unit: '' }));
}

const formatNumber = (value: number, unit: string): string => {
  if (unit === 'ratio') return value.toFixed(2);
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en');
  return Number(value.toFixed(2)).toString();
};

function goalCell(h: Headline): string {
  if (h.goal === undefined) return '';
  const met = (h.goal.atLeast === undefined || h.value >= h.goal.atLeast) && (h.goal.atMost === undefined || h.value <= h.goal.atMost);
  return `${h.goal.text} ${met ? '(met)' : '(**not met**)'}`;
}

const escapeCell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const duration = (seconds: number): string => {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
};

/** The Markdown page. */
export function markdownReport(report: BenchReport): string {
  const m = report.machine;
  const out: string[] = [
    `# kstreams benchmarks, ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.os}; load average ${m.loadAverage1m} at start, ${m.loadAverage1mAtEnd} at end`,
    `- Node ${m.node}`,
    `- Kafka: ${report.broker === null ? 'no broker (only broker-less benchmarks ran)' : `${report.broker.kafkaVersion}, ${report.broker.origin}`}`,
    `- Total time: ${duration(report.totalSeconds)}${report.scale !== 1 ? `, sizes scaled by ${report.scale}` : ''}`,
    '',
    'Figures are wall-clock rates on a shared 2-core machine: the broker, the client and anything else',
    'running compete for the same cores, so compare figures of one run with each other (the ratios),',
    'more than with other runs.',
    '',
    '## Summary',
    '',
    '| benchmark | status | time | figure | value | goal |',
    '|---|---|---|---|---:|---|',
  ];
  for (const b of report.benchmarks) {
    const lines = b.headline.length > 0 ? b.headline : [undefined];
    lines.forEach((h, i) => {
      const first = i === 0;
      out.push(`| ${first ? `${b.name}` : ''} | ${first ? b.status : ''} | ${first ? duration(b.seconds) : ''} | ${h === undefined ? escapeCell(b.error?.split('\n')[0] ?? '') : escapeCell(h.label)} | ${h === undefined ? '' : `${formatNumber(h.value, h.unit)} ${h.unit === 'ratio' ? '' : h.unit}`.trim()} | ${h === undefined ? '' : goalCell(h)} |`);
    });
  }
  out.push('');
  for (const b of report.benchmarks) {
    out.push(`## ${b.name} (\`${b.file}\`)`, '', b.description, '', `Invocation: \`${JSON.stringify(b.invocation)}\`; ${b.status} after ${duration(b.seconds)}.`, '');
    if (b.error !== undefined) out.push('```', b.error, '```', '');
  }
  if (report.missing.length > 0) {
    out.push('## Not present yet', '', ...report.missing.map((line) => `- ${line}`), '');
  }
  return `${out.join('\n')}\n`;
}
