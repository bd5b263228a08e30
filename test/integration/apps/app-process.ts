/** Starts a test application in a child process (`node --import tsx`) and follows its JSON event lines. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface AppEvent {
  readonly event: string;
  readonly at: number;
  readonly [field: string]: unknown;
}

/** Every child started here that has not exited yet: what a signal handler must stop (see `stopLiveAppProcesses`). */
const live = new Set<AppProcess>();

export class AppProcess {
  readonly events: AppEvent[] = [];
  readonly output: string[] = [];
  readonly #child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(readonly name: string, script: string, env: Record<string, string>) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, KSTREAMS_LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this);
    this.exited = new Promise((resolve) =>
      this.#child.once('exit', (code) => {
        live.delete(this);
        resolve(code);
      }),
    );
    for (const stream of [this.#child.stdout, this.#child.stderr]) {
      if (stream === null) continue;
      createInterface({ input: stream }).on('line', (line) => {
        this.output.push(line);
        if (!line.startsWith('{')) return;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (typeof parsed['event'] === 'string') this.events.push({ ...parsed, event: parsed['event'], at: Date.now() });
        } catch {
          // not one of our lines
        }
      });
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** The last event of a kind, e.g. the current partitions. */
  last(event: string): AppEvent | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]?.event === event) return this.events[i];
    return undefined;
  }

  async waitFor(predicate: (e: AppEvent) => boolean, timeoutMs: number, what: string): Promise<AppEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.events.find(predicate);
      if (hit !== undefined) return hit;
      if (!this.alive) throw new Error(`${this.name} exited while waiting for ${what}; output:\n${this.output.slice(-30).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out after ${timeoutMs} ms waiting for ${what}; output:\n${this.output.slice(-30).join('\n')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** SIGTERM by PID and wait for the exit (SIGKILL after `graceMs`). */
  async stop(graceMs = 30_000): Promise<number | null> {
    if (!this.alive || this.pid === undefined) return this.#child.exitCode;
    process.kill(this.pid, 'SIGTERM');
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL by PID: the process gets no chance to commit or leave the group. */
  kill(): void {
    if (this.alive && this.pid !== undefined) process.kill(this.pid, 'SIGKILL');
  }
}

/**
 * Stops every child that is still running, by PID: SIGCONT (a SIGSTOPped child would not act on
 * anything else), SIGTERM, and SIGKILL for those still alive after `graceMs`. For a parent that
 * is being stopped by a signal itself and would otherwise leave its children running.
 */
export async function stopLiveAppProcesses(graceMs: number): Promise<number> {
  const children = [...live].filter((p) => p.alive && p.pid !== undefined);
  for (const p of children) {
    try {
      process.kill(p.pid as number, 'SIGCONT');
    } catch {
      // exited meanwhile
    }
  }
  await Promise.all(children.map((p) => p.stop(graceMs).catch(() => p.kill())));
  return children.length;
}
