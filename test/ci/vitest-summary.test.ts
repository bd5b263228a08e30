import { describe, expect, it } from 'vitest';
import { verdict, type VitestJsonReport } from './vitest-summary.js';

type FileResult = VitestJsonReport['testResults'][number];

function file(name: string, statuses: readonly string[], status = statuses.includes('failed') ? 'failed' : 'passed', message = ''): FileResult {
  return { name, status, message, assertionResults: statuses.map((s) => ({ status: s })) };
}

const unit = (statuses: readonly string[]): FileResult => file('/repo/test/serde/serdes.test.ts', statuses);
const integration = (statuses: readonly string[]): FileResult => file('/repo/test/integration/kafka-local.test.ts', statuses);

describe('the .ci/run verdict from vitest JSON', () => {
  it('ends with "N passed, N failed" and exits 0 when everything passed', () => {
    const result = verdict({ testResults: [unit(['passed', 'passed']), integration(['passed'])] }, 0, true);
    expect(result.lines.at(-1)).toBe('3 passed, 0 failed');
    expect(result.lines).toContain('ci: integration suites (real Kafka broker): 1 passed, 0 skipped in 1 files');
    expect(result.exitCode).toBe(0);
  });

  it('counts failures and skips and exits non-zero on a failure', () => {
    const result = verdict({ testResults: [unit(['passed', 'failed', 'skipped']), integration(['passed', 'todo'])] }, 1, false);
    expect(result.lines.at(-1)).toBe('2 passed, 1 failed, 2 skipped');
    expect(result.exitCode).toBe(1);
  });

  it('counts a file that failed outside any test (an import that threw) as a failure', () => {
    const broken = file('/repo/test/integration/runtime.test.ts', [], 'failed', 'Error: KAFKA_BOOTSTRAP_SERVERS is not set\n  at x');
    const result = verdict({ testResults: [unit(['passed']), broken] }, 1, false);
    expect(result.lines.at(-1)).toBe('1 passed, 1 failed');
    expect(result.lines.some((l) => l.includes('runtime.test.ts failed outside any test: Error: KAFKA_BOOTSTRAP_SERVERS is not set'))).toBe(true);
    expect(result.exitCode).toBe(1);
  });

  it('fails under CI=true when an integration suite was skipped, but only warns-by-count off CI', () => {
    const report = { testResults: [unit(['passed']), integration(['skipped', 'skipped'])] };
    const ci = verdict(report, 0, true);
    expect(ci.exitCode).toBe(1);
    expect(ci.lines.at(-1)).toBe('1 passed, 0 failed, 2 skipped');
    const laptop = verdict(report, 0, false);
    expect(laptop.exitCode).toBe(0);
    expect(laptop.lines).toContain('ci: integration suites (real Kafka broker): 0 passed, 2 skipped in 1 files');
  });

  it('fails under CI=true when no integration test ran at all', () => {
    expect(verdict({ testResults: [unit(['passed'])] }, 0, true).exitCode).toBe(1);
  });

  it('counts a vitest failure without a failed test (unhandled error) and a missing report as failures', () => {
    const unhandled = verdict({ testResults: [unit(['passed']), integration(['passed'])] }, 1, true);
    expect(unhandled.lines.at(-1)).toBe('2 passed, 1 failed');
    expect(unhandled.exitCode).toBe(1);
    const none = verdict(undefined, 1, true);
    expect(none.lines.at(-1)).toBe('0 passed, 1 failed');
    expect(none.exitCode).toBe(1);
  });
});
