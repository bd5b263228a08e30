import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lockTaskDirectory, type TaskDirectoryLock } from './state-directory.js';

/**
 * Deletes the local state of an application, `state.dir/<application.id>` (what
 * `KafkaStreams.cleanUp()` does; Kafka's `StateDirectory.clean`): every task directory is locked
 * first, so state a live instance (in this process or another) holds open is never deleted.
 * Call it only while the application's instance is not running. Does nothing when there is no state.
 *
 * @throws StreamsException `STATE_DIR_LOCKED` naming the locked task directory, before anything is deleted
 */
export async function cleanUpStateDirectory(stateDir: string, applicationId: string): Promise<void> {
  const appDir = join(stateDir, applicationId);
  let names: string[];
  try {
    names = (await readdir(appDir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  const locks: TaskDirectoryLock[] = [];
  try {
    for (const name of names) locks.push(await lockTaskDirectory(join(appDir, name)));
    for (const lock of locks) await rm(lock.directory, { recursive: true, force: true });
  } finally {
    for (const lock of locks) await lock.release().catch(() => undefined);
  }
  await rm(appDir, { recursive: true, force: true });
}
