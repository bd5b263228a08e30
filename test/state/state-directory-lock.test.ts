import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StreamsException } from '../../src/errors.js';
import { LOCK_FILE, lockTaskDirectory, taskDirectoryPath } from '../../src/state/state-directory.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-lock-'));
const children: ChildProcess[] = [];
let next = 0;
const freshDir = (): string => taskDirectoryPath(root, 'app', `0_${next++}`);

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function lockError(dir: string): Promise<StreamsException> {
  const error = await lockTaskDirectory(dir).then(
    async (lock) => { await lock.release(); return undefined; },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StreamsException);
  return error as StreamsException;
}

/** The PID of a process that has exited (and been reaped), for a stale lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** Starts a process that takes the lock with our own code and holds it until killed. */
async function holdInChild(dir: string): Promise<ChildProcess> {
  const fixture = fileURLToPath(new URL('./fixtures/hold-task-lock.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('locked')) resolve(); });
    child.once('exit', (code) => reject(new Error(`lock holder exited with ${code}: ${stderr}`)));
  });
  return child;
}

describe('taskDirectoryPath', () => {
  it('is state.dir/<application.id>/<taskId>', () => {
    expect(taskDirectoryPath('/var/state', 'orders-app', '1_2')).toBe(join('/var/state', 'orders-app', '1_2'));
  });
});

describe('lockTaskDirectory', () => {
  it('creates the directory and a lock file holding this PID; release() removes it', async () => {
    const dir = freshDir();
    const lock = await lockTaskDirectory(dir);
    const content = await readFile(join(dir, LOCK_FILE), 'utf8');
    expect(Number.parseInt(content, 10)).toBe(process.pid);
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a second lock in the same process until the first is released', async () => {
    const dir = freshDir();
    const lock = await lockTaskDirectory(dir);
    const error = await lockError(dir);
    expect(error.code).toBe('STATE_DIR_LOCKED');
    expect(error.message).toContain('locked by this process');
    await lock.release();
    const again = await lockTaskDirectory(dir);
    await again.release();
  });

  it('lets exactly one of two concurrent attempts win', async () => {
    const dir = freshDir();
    const results = await Promise.allSettled([lockTaskDirectory(dir), lockTaskDirectory(dir), lockTaskDirectory(dir)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as StreamsException).code).toBe('STATE_DIR_LOCKED');
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });

  it('refuses a lock held by another live process, naming its PID, and takes it over once that process is killed', async () => {
    const dir = freshDir();
    const holder = await holdInChild(dir);
    const error = await lockError(dir);
    expect(error.code).toBe('STATE_DIR_LOCKED');
    expect(error.message).toContain(`process ${holder.pid}`);
    expect(error.message).toContain(dir);

    process.kill(holder.pid!, 'SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    const lock = await lockTaskDirectory(dir);
    expect(Number.parseInt(await readFile(join(dir, LOCK_FILE), 'utf8'), 10)).toBe(process.pid);
    await lock.release();
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = freshDir();
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, LOCK_FILE), `${await deadPid()}\nold\n`);
    const lock = await lockTaskDirectory(dir);
    expect(Number.parseInt(await readFile(join(dir, LOCK_FILE), 'utf8'), 10)).toBe(process.pid);
    await lock.release();
    expect(await readdir(dir)).toEqual([]); // no temporary or aside files left behind
  });

  it('takes over a lock with this PID that this process does not hold (a reused PID), and an unreadable one', async () => {
    for (const content of [`${process.pid}\nfrom-an-earlier-run\n`, '', 'garbage']) {
      const dir = freshDir();
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, LOCK_FILE), content);
      const lock = await lockTaskDirectory(dir);
      await lock.release();
    }
  });

  it('release() leaves alone a lock file that is no longer its own', async () => {
    const dir = freshDir();
    const lock = await lockTaskDirectory(dir);
    await writeFile(join(dir, LOCK_FILE), '1\nsomeone-else\n');
    await lock.release();
    expect(await readFile(join(dir, LOCK_FILE), 'utf8')).toBe('1\nsomeone-else\n');
  });

  it('is async-disposable', async () => {
    const dir = freshDir();
    {
      const lock = await lockTaskDirectory(dir);
      await lock[Symbol.asyncDispose]();
    }
    expect(await readdir(dir)).toEqual([]);
  });
});
