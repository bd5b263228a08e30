/**
 * The closing verdict of `.ci/run`: reads vitest's JSON report and prints how many tests passed,
 * failed and were skipped as one plain last line (`N passed, N failed, N skipped`), after a line
 * on the integration suites (which ran against the real broker). Exits non-zero when anything
 * failed, when vitest itself failed, or, under CI=true, when an integration suite was skipped or
 * none ran.
 *
 * Usage: tsx test/ci/vitest-summary.ts <vitest json report> <vitest exit code>
 */
import { existsSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The part of vitest's JSON reporter output (Jest-compatible) that the verdict reads. */
export interface VitestJsonReport {
  readonly testResults: readonly {
    readonly name: string;
    readonly status: string;
    readonly message?: string;
    readonly assertionResults: readonly { readonly status: string }[];
  }[];
}

/** What `.ci/run` prints and how it exits. */
export interface Verdict {
  readonly lines: readonly string[];
  readonly exitCode: number;
}

const SKIPPED = new Set(['skipped', 'pending', 'todo', 'disabled']);

/**
 * @param report vitest's JSON report, or undefined when vitest wrote none (it died before running)
 * @param vitestExitCode the exit code of `npm test`
 * @param ci whether this is a CI run (`CI=true`), where integration suites must not skip
 */
export function verdict(report: VitestJsonReport | undefined, vitestExitCode: number, ci: boolean): Verdict {
  const lines: string[] = [];
  if (report === undefined) {
    lines.push(`ci: vitest wrote no report (exit code ${vitestExitCode}); counting the run as one failure`);
    lines.push('0 passed, 1 failed');
    return { lines, exitCode: 1 };
  }

  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let integrationPassed = 0;
  let integrationSkipped = 0;
  let integrationFiles = 0;
  for (const file of report.testResults) {
    const integration = /[\\/]test[\\/]integration[\\/]/.test(file.name);
    if (integration) integrationFiles++;
    let fileFailed = 0;
    for (const test of file.assertionResults) {
      if (test.status === 'passed') {
        passed++;
        if (integration) integrationPassed++;
      } else if (SKIPPED.has(test.status)) {
        skipped++;
        if (integration) integrationSkipped++;
      } else {
        failed++;
        fileFailed++;
      }
    }
    // A file that failed to load or whose hooks threw has no failed test of its own: count it.
    if (file.status === 'failed' && fileFailed === 0) {
      failed++;
      lines.push(`ci: ${file.name} failed outside any test: ${(file.message ?? '').split('\n')[0]}`);
    }
  }
  if (vitestExitCode !== 0 && failed === 0) {
    failed++;
    lines.push(`ci: vitest exited with code ${vitestExitCode} without a failed test (an unhandled error?); counted as one failure`);
  }

  let exitCode = failed > 0 ? 1 : 0;
  lines.push(`ci: integration suites (real Kafka broker): ${integrationPassed} passed, ${integrationSkipped} skipped in ${integrationFiles} files`);
  if (ci && integrationSkipped > 0) {
    lines.push('ci: CI=true and integration tests were skipped: the run fails (they must run against the real broker)');
    exitCode = 1;
  }
  if (ci && integrationPassed === 0) {
    lines.push('ci: CI=true and no integration test passed: the run fails');
    exitCode = 1;
  }
  lines.push(`${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return { lines, exitCode };
}

function main(argv: readonly string[]): number {
  const [reportPath, exitArg] = argv;
  if (reportPath === undefined || exitArg === undefined) {
    console.error('usage: tsx test/ci/vitest-summary.ts <vitest json report> <vitest exit code>');
    return 2;
  }
  let report: VitestJsonReport | undefined;
  if (existsSync(reportPath)) {
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as VitestJsonReport;
    } catch (error) {
      console.log(`ci: unreadable vitest report ${reportPath}: ${String(error)}`);
    }
  }
  const result = verdict(report, Number(exitArg), process.env.CI === 'true');
  console.log(result.lines.join('\n'));
  return result.exitCode;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
