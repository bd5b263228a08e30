/**
 * Runs the `kstreams` CLI as its own process, as a user would: `node --import tsx
 * src/cli/main.ts ...` (tsx's loader in the same process, so the PID we hold is the CLI's own
 * and a signal sent to it reaches the CLI, not a wrapper).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/** How one CLI run ended. */
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment without the variables that would leak config into the CLI under test. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (name.startsWith('KSTREAMS_') || name === 'KAFKA_BOOTSTRAP_SERVERS' || name.startsWith('VITEST') || name === 'NODE_OPTIONS') continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/** A running CLI process; `stop()` signals it by PID and waits for its exit. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliResult>;
  readonly #child: ChildProcess;

  constructor(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv()) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.#child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      this.#child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Waits until stderr or stdout matches `pattern`, or the process ends, or `timeoutMs` passes. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ended = false;
    void this.exited.then(() => (ended = true));
    while (!pattern.test(this.stderr) && !pattern.test(this.stdout)) {
      if (ended) throw new Error(`the CLI exited before printing ${pattern}:\n${this.stderr}\n${this.stdout}`);
      if (Date.now() > deadline) throw new Error(`the CLI did not print ${pattern} within ${timeoutMs} ms:\n${this.stderr}\n${this.stdout.slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Sends `signal` by PID; after `graceMs` without an exit, SIGKILL. Resolves with how it ended. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 60_000): Promise<CliResult> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) process.kill(this.pid, signal);
    const timer = setTimeout(() => {
      if (this.#child.exitCode === null && this.#child.signalCode === null) process.kill(this.pid, 'SIGKILL');
    }, graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs the CLI to completion (killed by PID after `timeoutMs`). */
export async function runCli(args: readonly string[], env: NodeJS.ProcessEnv = cleanEnv(), timeoutMs = 60_000): Promise<CliResult> {
  const cli = new CliProcess(args, env);
  const timer = setTimeout(() => void cli.stop('SIGKILL', 0), timeoutMs);
  try {
    return await cli.exited;
  } finally {
    clearTimeout(timer);
  }
}
