/**
 * Drives `scripts/kafka-local` from TypeScript: the integration global setup and the script's own
 * tests start, inspect and stop brokers through these functions, never by touching processes
 * the script did not record.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute path of the `scripts/kafka-local` executable. */
export const kafkaLocalScript = fileURLToPath(new URL('../kafka-local', import.meta.url));

/** The script's exit code when java (or mvn, with no jars cached yet) is missing. */
export const EXIT_MISSING_TOOL = 4;

/** What one run of the script printed and how it ended. */
export interface KafkaLocalResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Thrown when `kafka-local start` cannot start because java or mvn is missing. */
export class KafkaLocalToolMissingError extends Error {
  constructor(readonly detail: string) {
    super(`scripts/kafka-local cannot start a broker: ${detail}`);
    this.name = 'KafkaLocalToolMissingError';
  }
}

/** Runs `scripts/kafka-local <args>`; resolves with its exit code instead of rejecting. */
export function runKafkaLocal(args: readonly string[], timeoutMs = 600_000): Promise<KafkaLocalResult> {
  return new Promise((resolve, reject) => {
    execFile(kafkaLocalScript, [...args], { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(new Error(`scripts/kafka-local ${args.join(' ')} did not finish: ${error.message}\n${stderr}`, { cause: error }));
        return;
      }
      resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** A started (or already running) cluster: its bootstrap list and run dir. */
export interface KafkaLocalCluster {
  readonly bootstrapServers: string;
  readonly dir: string;
}

/** Options of {@link startKafkaLocal}. */
export interface StartOptions {
  readonly dir: string;
  readonly port: number;
  readonly nodes?: number;
  /** Stop the cluster when this process ends, even without a teardown (the script's --stop-with). */
  readonly stopWithPid?: number;
}

/**
 * `kafka-local start`; resolves with the bootstrap address it printed last.
 * @throws KafkaLocalToolMissingError when java or mvn is missing (exit code 4)
 * @throws Error on any other failure, with the script's output
 */
export async function startKafkaLocal(options: StartOptions): Promise<KafkaLocalCluster> {
  const args = ['start', '--dir', options.dir, '--port', String(options.port)];
  if (options.nodes !== undefined) args.push('--nodes', String(options.nodes));
  if (options.stopWithPid !== undefined) args.push('--stop-with', String(options.stopWithPid));
  const result = await runKafkaLocal(args);
  if (result.code === EXIT_MISSING_TOOL) throw new KafkaLocalToolMissingError(result.stderr.trim());
  const lines = result.stdout.trim().split('\n');
  const address = lines[lines.length - 1] ?? '';
  if (result.code !== 0 || !/^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/.test(address)) {
    throw new Error(`scripts/kafka-local ${args.join(' ')} failed (exit ${result.code}):\n${result.stderr}${result.stdout}`);
  }
  return { bootstrapServers: address, dir: options.dir };
}

/** `kafka-local stop --dir DIR`. @throws Error when the script fails */
export async function stopKafkaLocal(dir: string): Promise<void> {
  const result = await runKafkaLocal(['stop', '--dir', dir]);
  if (result.code !== 0) throw new Error(`scripts/kafka-local stop --dir ${dir} failed (exit ${result.code}):\n${result.stderr}`);
}

/** The PID that `kafka-local` recorded for node `nodeId` (1-based) of the cluster in `dir`. */
export async function recordedPid(dir: string, nodeId = 1): Promise<number> {
  const text = await readFile(join(dir, `node-${nodeId}`, 'broker.pid'), 'utf8');
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID in ${dir}/node-${nodeId}/broker.pid: '${text}'`);
  return pid;
}

/** Whether a process with this PID exists and is not a zombie. */
export async function processAlive(pid: number): Promise<boolean> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export function portListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (listening: boolean): void => {
      socket.destroy();
      resolve(listening);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A base port P such that P .. P+count-1 are free on 127.0.0.1 (kafka-local needs two per node).
 * Picked at random above the shared dev broker's 19092 range; another process may still take one
 * before the broker binds it, which `kafka-local start` reports as a port in use.
 */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + 2 * Math.floor(Math.random() * 6_000); // below Linux's ephemeral ports (32768+)
    let free = true;
    for (let port = base; port < base + count && free; port++) free = await portFree(port);
    if (free) return base;
  }
  throw new Error(`no ${count} consecutive free ports found on 127.0.0.1`);
}
