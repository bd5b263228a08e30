/**
 * The crash test's instances: N child processes of apps/eos-crash-app.ts, each with its own
 * state.dir and application.server port, which keep both across restarts (as a real instance
 * on its own machine would). Every process is stopped by PID; `stopAll()` belongs in a finally.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppProcess, type AppEvent } from '../apps/app-process.js';
import { freePort } from '../../free-port.js';

const APP = fileURLToPath(new URL('../apps/eos-crash-app.ts', import.meta.url));

export interface FleetConfig {
  readonly bootstrapServers: string;
  readonly appId: string;
  readonly guarantee: 'at_least_once' | 'exactly_once_v2';
  readonly topics: { readonly input: string; readonly mapped: string; readonly sums: string; readonly windows: string };
  readonly sessionTimeoutMs: number;
  readonly commitIntervalMs?: number;
  /** The app's log level (default 'error': a crash test expects warnings about killed peers). */
  readonly logLevel?: string;
}

interface Slot {
  readonly name: string;
  readonly stateDir: string;
  readonly port: number;
  process: AppProcess;
  /** Earlier processes of this slot (killed ones), kept for their output. */
  readonly past: AppProcess[];
}

export class Fleet {
  readonly #slots: Slot[] = [];
  readonly #config: FleetConfig;

  private constructor(config: FleetConfig) {
    this.#config = config;
  }

  /**
   * Starts `size` instances and resolves when all are RUNNING. The first one starts alone: it
   * creates the internal topics, and an instance that lists a just-created changelog's offsets
   * before the broker elected its leader fails today (NOT_LEADER_FOR_PARTITION is not retried on
   * that path), which is not what this harness tests.
   */
  static async start(config: FleetConfig, size: number, timeoutMs: number): Promise<Fleet> {
    const fleet = new Fleet(config);
    for (let i = 0; i < size; i++) {
      const since = Date.now();
      const name = `instance-${i}`;
      const stateDir = await mkdtemp(join(tmpdir(), `kstreams-crash-${name}-`));
      const port = await freePort();
      fleet.#slots.push({ name, stateDir, port, process: fleet.#spawn(name, stateDir, port), past: [] });
      if (i === 0) {
        try {
          await fleet.waitAllRunning(since, timeoutMs);
        } catch (e) {
          await fleet.stopAll();
          throw e;
        }
      }
    }
    return fleet;
  }

  get size(): number {
    return this.#slots.length;
  }

  get endpoints(): string[] {
    return this.#slots.map((s) => `127.0.0.1:${s.port}`);
  }

  process(index: number): AppProcess {
    const slot = this.#slots[index];
    if (slot === undefined) throw new Error(`no instance ${index}`);
    return slot.process;
  }

  #spawn(name: string, stateDir: string, port: number): AppProcess {
    const c = this.#config;
    return new AppProcess(name, APP, {
      KAFKA_BOOTSTRAP_SERVERS: c.bootstrapServers,
      KSTREAMS_LOG_LEVEL: c.logLevel ?? 'error',
      APP_ID: c.appId,
      INPUT_TOPIC: c.topics.input,
      MAPPED_TOPIC: c.topics.mapped,
      SUMS_TOPIC: c.topics.sums,
      WINDOWS_TOPIC: c.topics.windows,
      APP_SERVER: `127.0.0.1:${port}`,
      STATE_DIR: stateDir,
      GUARANTEE: c.guarantee,
      INSTANCE: name,
      SESSION_TIMEOUT_MS: String(c.sessionTimeoutMs),
      ...(c.commitIntervalMs === undefined ? {} : { COMMIT_INTERVAL_MS: String(c.commitIntervalMs) }),
    });
  }

  /** SIGKILL instance `index` (no commit, no leaving the group), wait for its exit, start it again on its state dir and port. */
  async killAndRestart(index: number): Promise<void> {
    const slot = this.#slots[index];
    if (slot === undefined) throw new Error(`no instance ${index}`);
    slot.process.kill();
    await slot.process.exited;
    slot.past.push(slot.process);
    slot.process = this.#spawn(slot.name, slot.stateDir, slot.port);
  }

  /** SIGSTOP instance `index`: it stops dead (no heartbeat, no processing) but keeps its state, connections and open transactions. */
  pause(index: number): void {
    const pid = this.process(index).pid;
    if (pid !== undefined) process.kill(pid, 'SIGSTOP');
  }

  /** SIGCONT instance `index`: it carries on where it stopped, unaware of what the group did meanwhile. */
  resume(index: number): void {
    const pid = this.process(index).pid;
    if (pid !== undefined && this.process(index).alive) process.kill(pid, 'SIGCONT');
  }

  /** Resolves when every current process has reported RUNNING since `since` (and is RUNNING still). */
  async waitAllRunning(since: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const states = this.#slots.map((s) => s.process.last('state'));
      if (states.every((e) => e !== undefined && e['state'] === 'RUNNING' && e.at >= since)) return;
      for (const s of this.#slots) if (!s.process.alive) throw new Error(`${s.name} exited; output:\n${s.process.output.slice(-30).join('\n')}`);
      if (Date.now() > deadline) throw new Error(`instances not all RUNNING after ${timeoutMs} ms: ${states.map((e) => String(e?.['state'])).join(', ')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** An instance that exited on its own (not killed by us) is a failure of the run: its last output. */
  crashed(): string | undefined {
    for (const s of this.#slots) {
      if (!s.process.alive) return `${s.name} exited on its own; output:\n${s.process.output.slice(-30).join('\n')}`;
      // A client in ERROR has stopped processing for good: the run cannot finish.
      if (s.process.last('state')?.['state'] === 'ERROR') return `${s.name} went to state ERROR; output:\n${s.process.output.filter((l) => !l.startsWith('{"event"')).slice(-10).join('\n')}`;
    }
    return undefined;
  }

  /** One line per instance: pid, alive, last state, partitions, records processed, and its last log lines. */
  describe(logLines = 5): string {
    return this.#slots
      .map((s) => {
        const p = s.process;
        const logs = p.output.filter((l) => !l.startsWith('{"event"')).slice(-logLines);
        return `${s.name} pid ${p.pid} ${p.alive ? 'alive' : 'dead'} state ${String(p.last('state')?.['state'])} partitions [${String(p.last('partitions')?.['partitions'])}] processed ${String(p.last('progress')?.['processed'])} (restarts ${s.past.length})${logs.length > 0 ? `\n    ${logs.join('\n    ')}` : ''}`;
      })
      .join('\n');
  }

  /** Every event of every process of every slot (killed ones too). */
  events(): AppEvent[] {
    return this.#slots.flatMap((s) => [...s.past, s.process].flatMap((p) => p.events));
  }

  /** SIGTERM every live process by PID (SIGKILL after the grace), then remove the state dirs. */
  async stopAll(graceMs = 20_000): Promise<void> {
    // A paused (SIGSTOPped) process would only act on SIGTERM once continued.
    for (let i = 0; i < this.#slots.length; i++) this.resume(i);
    await Promise.all(this.#slots.map((s) => s.process.stop(graceMs).catch(() => s.process.kill())));
    await Promise.all(this.#slots.map((s) => rm(s.stateDir, { recursive: true, force: true })));
  }
}
