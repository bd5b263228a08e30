import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { StreamsException } from '../errors.js';

/** The lock file's name inside a task directory (Kafka Streams' name too). */
export const LOCK_FILE = '.lock';

/** A task's directory: `state.dir/<application.id>/<taskId>`; its stores live in subdirectories. */
export function taskDirectoryPath(stateDir: string, applicationId: string, taskId: string): string {
  return join(stateDir, applicationId, taskId);
}

/** A held task-directory lock. */
export interface TaskDirectoryLock extends AsyncDisposable {
  readonly directory: string;
  /** Removes the lock file if it is still this lock's. Idempotent. */
  release(): Promise<void>;
}

/** Lock files held by this process, so a second lock of the same directory fails here too. */
const heldHere = new Set<string>();

/**
 * Locks a task directory so that no other instance, in this process or another, opens the
 * task's state at the same time (Kafka Streams' `StateDirectory.lock`). Creates the directory if
 * needed. The lock is a `.lock` file holding this process's PID (first line) and a random token
 * (second line), created atomically with its content (written to a temporary file, then
 * hard-linked into place, which fails if the lock exists).
 *
 * A lock left by a process that is no longer alive is stale and taken over; so is one with this
 * process's own PID that this process does not hold (a PID reused after a container restart).
 * Liveness is checked with signal 0, so on a shared network file system a lock from another host
 * whose PID happens to be alive here counts as held.
 *
 * @throws StreamsException with code `STATE_DIR_LOCKED` when a live process holds the lock.
 * @example
 * const lock = await lockTaskDirectory(taskDirectoryPath(config.stateDir, config.applicationId, '0_1'));
 * try { ... } finally { await lock.release(); }
 */
export async function lockTaskDirectory(dir: string): Promise<TaskDirectoryLock> {
  const directory = resolve(dir);
  const lockPath = join(directory, LOCK_FILE);
  if (heldHere.has(lockPath)) throw locked(directory, lockPath, undefined, 'this process');
  // Reserve before the first await, so two concurrent calls in this process cannot both proceed.
  heldHere.add(lockPath);
  try {
    await mkdir(directory, { recursive: true });
    const content = `${process.pid}\n${randomBytes(8).toString('hex')}\n`;
    // Three rounds: each round either takes the lock, fails on a live owner, or clears a stale lock.
    for (let round = 0; round < 3; round++) {
      if (await createExclusively(lockPath, content)) return heldLock(directory, lockPath, content);
      const existing = await readIfPresent(lockPath);
      if (existing === undefined) continue;
      const owner = Number.parseInt(existing, 10);
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
        throw locked(directory, lockPath, owner, `process ${owner}`);
      }
      await removeStale(lockPath, existing);
    }
    throw locked(directory, lockPath, undefined, 'another process (the lock kept reappearing)');
  } catch (error) {
    heldHere.delete(lockPath);
    throw error;
  }
}

function heldLock(directory: string, lockPath: string, content: string): TaskDirectoryLock {
  let released = false;
  const release = async (): Promise<void> => {
    if (released) return;
    released = true;
    try {
      if ((await readIfPresent(lockPath)) === content) await unlink(lockPath);
    } finally {
      heldHere.delete(lockPath);
    }
  };
  return { directory, release, [Symbol.asyncDispose]: release };
}

/** Creates `path` with `content` only if it does not exist; the file never exists half-written. */
async function createExclusively(path: string, content: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content);
  try {
    await link(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
}

/**
 * Removes a stale lock without removing a fresh one that another process created meanwhile:
 * move it aside (atomic), check it is still the stale content, and put it back if it is not.
 */
async function removeStale(lockPath: string, staleContent: string): Promise<void> {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  try {
    if ((await readIfPresent(aside)) !== staleContent) await link(aside, lockPath).catch(() => undefined);
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Signal 0 checks existence without signalling; EPERM means it exists but belongs to someone else. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function locked(directory: string, lockPath: string, pid: number | undefined, holder: string): StreamsException {
  const hint = pid === undefined ? '' : ` If no instance with PID ${pid} uses this state directory, delete ${lockPath}.`;
  return new StreamsException(
    `Task directory ${directory} is locked by ${holder}: another instance has this task's state open.${hint}`,
    'STATE_DIR_LOCKED',
  );
}
