/**
 * The README's Quick start as a user runs it (issue 8: "runs the README's two commands on a clean
 * clone, as CI does"). The commands are read from the README itself: `npm install && npm start`.
 * The install half is what CI already does on its fresh clone (`npm ci` from the lockfile in
 * .ci/run, before any test runs); installing a second time inside a test would double the
 * install for nothing, so this test checks that the README says exactly those two commands and
 * that CI's first step is the clean install, then runs the README's second command as written,
 * from the checkout: a child process on the embedded backend, on a free PORT. Within 30 seconds
 * of the command a key lookup and a window query answer with plausible data, the dashboard is
 * served, the example queries it prints work, and Ctrl-C (SIGINT to its process group, as a
 * terminal sends it) ends it cleanly. The dashboard's own end-to-end test in Chromium is
 * test/dashboard/dashboard.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The commands of the README's first shell block under "## Quick start", split on `&&`. */
function readmeQuickStart(): string[] {
  const readme = readFileSync(new URL('README.md', new URL('../../', import.meta.url)), 'utf8');
  const section = readme.slice(readme.indexOf('## Quick start'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  expect(block, 'a ```sh block under ## Quick start').toBeDefined();
  return block!.trim().split('&&').map((c) => c.trim());
}
const SERVICES = ['auth', 'billing', 'catalog', 'checkout', 'search', 'shipping'];

interface GraphQLBody {
  data?: Record<string, unknown> | null;
  errors?: unknown[];
}

async function graphql(port: number, body: unknown): Promise<GraphQLBody> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return (await res.json()) as GraphQLBody;
}

/** Retries `probe` every 250 ms until it returns a value, or fails at `deadline` with the last reason. */
async function until<T>(deadline: number, probe: () => Promise<T | undefined>): Promise<T> {
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`not within the deadline; last error: ${String(last)}`);
}

describe("the README's quick start", () => {
  it('is `npm install && npm start`, and CI starts with the clean install of a fresh clone', () => {
    expect(readmeQuickStart()).toEqual(['npm install', 'npm start']);
    const ci = readFileSync(new URL('.ci/run', new URL('../../', import.meta.url)), 'utf8');
    const steps = [...ci.matchAll(/^step (\S+) (.+)$/gm)].map((m) => ({ name: m[1], command: m[2]!.replace(/\s+#.*$/, '') }));
    // The first step, before any test: the lockfile install that `npm install` does on a clean clone.
    expect(steps[0]).toEqual({ name: 'install', command: 'npm ci --no-audit --no-fund' });
  });
});

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(async () => {
    // Whatever happened, nothing of the demo outlives the test: its whole process group goes.
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
      await once(child, 'exit');
    }
  });

  it('answers a key lookup and a window query within 30 s, serves the dashboard, and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), DEMO_RUN_MS: '120000' };
    // As a user's shell: no test environment (Apollo behaves differently under NODE_ENV=test), the embedded backend.
    for (const name of Object.keys(env)) if (name === 'NODE_ENV' || name.startsWith('VITEST') || name === 'KAFKA_BOOTSTRAP_SERVERS') delete env[name];
    const startedAt = Date.now();
    // The README's second command, as written there.
    const [command, ...args] = readmeQuickStart()[1]!.split(/\s+/);
    child = spawn(command!, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    const deadline = startedAt + 30_000;

    const andy = await until(deadline, async () => {
      const body = await graphql(port, { query: '{ keyValue(store: "address", key: "andy") { key value partition servedBy } }' });
      return (body.data?.['keyValue'] ?? undefined) as { key: string; value: string; partition: number; servedBy: string } | undefined;
    });
    expect(andy.key).toBe('andy');
    expect(andy.value).toMatch(/^\d+ [A-Za-z ]+, [A-Za-z]+$/);
    expect(andy.servedBy).toBe(`127.0.0.1:${port}`);
    expect([0, 1, 2]).toContain(andy.partition);

    const windows = await until(deadline, async () => {
      const body = await graphql(port, {
        query: 'query($from: DateTime!, $to: DateTime!) { windowedRange(store: "counts-5s", from: $from, to: $to, first: 100) { edges { node { key start end value servedBy } } } }',
        variables: { from: startedAt - 10_000, to: Date.now() },
      });
      const edges = (body.data?.['windowedRange'] as { edges: { node: { key: string; start: string; end: string; value: number; servedBy: string } }[] } | undefined)?.edges;
      return edges !== undefined && edges.length > 0 ? edges.map((e) => e.node) : undefined;
    });
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    for (const w of windows) {
      expect(SERVICES).toContain(w.key);
      const start = Date.parse(w.start);
      expect(start % 5_000).toBe(0);
      expect(Date.parse(w.end) - start).toBe(5_000);
      expect(w.value).toBeGreaterThan(0);
      expect(w.servedBy).toBe(`127.0.0.1:${port}`);
    }

    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>kstreams dashboard</title>');

    // What it printed: where to go, and example queries that work as printed.
    expect(output).toContain(`Dashboard  http://localhost:${port}/`);
    const curls = [...output.matchAll(/^ {2}curl -s \S+ -H 'content-type: application\/json' -d '(.*)'$/gm)].map((m) => m[1]!);
    expect(curls.length).toBeGreaterThanOrEqual(2);
    for (const json of curls) {
      const body = await graphql(port, JSON.parse(json));
      expect(body.errors, json).toBeUndefined();
      expect(body.data, json).toBeTruthy();
    }

    const group = -child.pid!;
    process.kill(group, 'SIGINT');
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    // npm re-raises the Ctrl-C on itself once its script has ended, so it ends by SIGINT (or 0).
    expect(code === 0 || signal === 'SIGINT', `npm exited with ${code ?? signal}`).toBe(true);
    // The demo itself committed, closed its stores and exited 0 (it prints this right before).
    await until(Date.now() + 10_000, async () => (output.includes('Stopped cleanly') ? true : undefined));
    // And nothing of the process group is left.
    const groupGone = (): boolean => {
      try {
        process.kill(group, 0);
        return false;
      } catch {
        return true;
      }
    };
    await until(Date.now() + 10_000, async () => (groupGone() ? true : undefined));
  }, 90_000);
});
