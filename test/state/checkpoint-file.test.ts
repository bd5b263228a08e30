import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StreamsException } from '../../src/errors.js';
import { CheckpointFile } from '../../src/state/checkpoint-file.js';
import { cleanUpStateDirectory } from '../../src/state/state-cleanup.js';
import { lockTaskDirectory } from '../../src/state/state-directory.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-checkpoint-'));
const children: ChildProcess[] = [];
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
let next = 0;
const fresh = async (): Promise<string> => {
  const dir = join(root, `d${next++}`);
  await mkdir(dir, { recursive: true });
  return dir;
};

describe('CheckpointFile', () => {
  it('writes Kafka\'s OffsetCheckpoint text and reads it back; an empty list deletes the file', async () => {
    const dir = await fresh();
    const file = new CheckpointFile(dir);
    expect(await file.read()).toEqual([]);
    await file.write([{ topic: 'app-counts-changelog', partition: 2, offset: 41 }, { topic: 'app-other-changelog', partition: 2, offset: 0 }]);
    expect(await readFile(join(dir, '.checkpoint'), 'utf8')).toBe('0\n2\napp-counts-changelog 2 41\napp-other-changelog 2 0\n');
    expect(await file.read()).toEqual([{ topic: 'app-counts-changelog', partition: 2, offset: 41 }, { topic: 'app-other-changelog', partition: 2, offset: 0 }]);
    await file.write([]);
    expect(await readdir(dir)).toEqual([]);
    await file.delete();
  });

  it('leaves no temporary file behind and replaces the previous checkpoint whole', async () => {
    const dir = await fresh();
    const file = new CheckpointFile(dir);
    await file.write([{ topic: 't', partition: 0, offset: 1 }]);
    await file.write([{ topic: 't', partition: 0, offset: 9 }]);
    expect(await readdir(dir)).toEqual(['.checkpoint']);
    expect(await file.read()).toEqual([{ topic: 't', partition: 0, offset: 9 }]);
  });

  it('rejects an unknown version, a wrong count and malformed lines', async () => {
    const dir = await fresh();
    const file = new CheckpointFile(dir);
    for (const [text, reason] of [['1\n0\n', /unknown version 1/], ['0\n2\nt 0 1\n', /expected 2 entries, found 1/], ['0\n1\nt zero 1\n', /malformed line/]] as const) {
      await writeFile(join(dir, '.checkpoint'), text);
      await expect(file.read()).rejects.toThrow(reason);
    }
  });
});

describe('cleanUpStateDirectory', () => {
  it('deletes state.dir/<application.id> with every task directory', async () => {
    const stateDir = await fresh();
    await mkdir(join(stateDir, 'app', '0_0', 'counts'), { recursive: true });
    await writeFile(join(stateDir, 'app', '0_0', '.checkpoint'), '0\n0\n');
    await mkdir(join(stateDir, 'app', '1_3'), { recursive: true });
    await mkdir(join(stateDir, 'other-app', '0_0'), { recursive: true });
    await cleanUpStateDirectory(stateDir, 'app');
    expect(await readdir(stateDir)).toEqual(['other-app']);
    await cleanUpStateDirectory(stateDir, 'app');
  });

  it('refuses, deleting nothing, while a task directory is locked here or by another live process', async () => {
    const stateDir = await fresh();
    await mkdir(join(stateDir, 'app', '0_0', 'counts'), { recursive: true });
    const lock = await lockTaskDirectory(join(stateDir, 'app', '0_1'));
    const here = await cleanUpStateDirectory(stateDir, 'app').then(() => undefined, (e: unknown) => e);
    expect(here).toBeInstanceOf(StreamsException);
    expect((here as StreamsException).code).toBe('STATE_DIR_LOCKED');
    expect((await readdir(join(stateDir, 'app'))).sort()).toEqual(['0_0', '0_1']);
    await lock.release();

    const fixture = fileURLToPath(new URL('./fixtures/hold-task-lock.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, join(stateDir, 'app', '0_1')], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
    await expect(cleanUpStateDirectory(stateDir, 'app')).rejects.toThrow(/is locked by process/);
    expect((await readdir(join(stateDir, 'app'))).sort()).toEqual(['0_0', '0_1']);
    process.kill(child.pid as number, 'SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The lock of a dead process is stale: cleaning up now succeeds.
    await cleanUpStateDirectory(stateDir, 'app');
    expect(await readdir(stateDir)).toEqual([]);
  });
});
