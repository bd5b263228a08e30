/**
 * The Dockerfile's CMD, run here as the container would run it (without Docker, which this
 * machine lacks): the argv from its exec-form CMD, in the repository, on the embedded backend.
 * `docker stop` sends SIGTERM to that process alone (through compose's init process), so the
 * demo must get it itself and stop cleanly: commit, close the stores, exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The exec-form CMD of the Dockerfile as an argv. */
function dockerCmd(): string[] {
  const line = readFileSync(new URL('Dockerfile', new URL('../../', import.meta.url)), 'utf8').split('\n').filter((l) => l.startsWith('CMD ')).at(-1);
  expect(line, 'the Dockerfile has a CMD').toBeDefined();
  const argv = JSON.parse(line!.slice(4)) as unknown;
  expect(Array.isArray(argv) && argv.every((a) => typeof a === 'string'), 'CMD is in exec form (no shell between docker and the app)').toBe(true);
  return argv as string[];
}

describe('the Dockerfile CMD', () => {
  let child: ChildProcess | undefined;

  afterAll(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  });

  it('is the process that gets SIGTERM, and stops cleanly on it', async () => {
    const [command, ...args] = dockerCmd();
    expect(command).toBe('node');
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO_RUN_MS: '120000' };
    for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'KAFKA_BOOTSTRAP_SERVERS') delete env[name];
    child = spawn(command!, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    const deadline = Date.now() + 60_000;
    while (!output.includes(`http://localhost:${port}/`)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the demo did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);

    // Exactly what docker stop does: SIGTERM to the one process (not a process group).
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect({ code, signal }, output).toEqual({ code: 0, signal: null });
    expect(output).toContain('SIGTERM: stopping the generator and the server, committing and closing the stores...');
    expect(output).toContain('Stopped cleanly');
  }, 90_000);
});
