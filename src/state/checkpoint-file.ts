import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StreamsException } from '../errors.js';

/** The checkpoint file's name in a task (or global) state directory, as Kafka Streams names it. */
export const CHECKPOINT_FILE = '.checkpoint';

/** Kafka's `OffsetCheckpoint` format version. */
const VERSION = 0;

/** One line of a checkpoint: the offset of the last changelog record of `topic`-`partition` in the local stores. */
export interface CheckpointEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/**
 * The checkpoint file of a state directory (Kafka's `OffsetCheckpoint`): which changelog
 * offsets the local persistent stores hold, so a restart restores only what came after. Text in
 * Kafka's layout: the version (`0`), the number of entries, then `topic partition offset` per line.
 * Written atomically (temporary file, fsync, rename), so a crash leaves the old or the new file.
 */
export class CheckpointFile {
  readonly path: string;

  constructor(directory: string) {
    this.path = join(directory, CHECKPOINT_FILE);
  }

  /** Replaces the file with `entries` (an empty list deletes it, as Kafka writes no empty checkpoint). */
  async write(entries: readonly CheckpointEntry[]): Promise<void> {
    if (entries.length === 0) {
      await this.delete();
      return;
    }
    const lines = [String(VERSION), String(entries.length), ...entries.map((e) => `${e.topic} ${e.partition} ${e.offset}`)];
    const temporary = `${this.path}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(`${lines.join('\n')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, this.path);
  }

  /**
   * The entries of the file; empty when there is none.
   * @throws StreamsException when the file is not a checkpoint of a known version
   */
  async read(): Promise<CheckpointEntry[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return this.#parse(text);
  }

  /**
   * `read()` without waiting, for the group join (whose subscription is built synchronously):
   * empty when there is no file or it cannot be read.
   */
  readSyncOrEmpty(): CheckpointEntry[] {
    try {
      return this.#parse(readFileSync(this.path, 'utf8'));
    } catch {
      return [];
    }
  }

  #parse(text: string): CheckpointEntry[] {
    const lines = text.split('\n').filter((line) => line.length > 0);
    const [version, count, ...rest] = lines;
    if (Number(version) !== VERSION) throw this.#corrupt(`unknown version ${String(version)}`);
    const expected = Number(count);
    if (!Number.isInteger(expected) || expected !== rest.length) throw this.#corrupt(`expected ${String(count)} entries, found ${rest.length}`);
    return rest.map((line) => {
      const parts = line.split(' ');
      const offset = Number(parts.pop());
      const partition = Number(parts.pop());
      const topic = parts.join(' ');
      if (topic.length === 0 || !Number.isInteger(partition) || !Number.isInteger(offset)) throw this.#corrupt(`malformed line '${line}'`);
      return { topic, partition, offset };
    });
  }

  /** Removes the file if it exists. */
  async delete(): Promise<void> {
    await unlink(this.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }

  #corrupt(reason: string): StreamsException {
    return new StreamsException(`Checkpoint file ${this.path} is corrupt (${reason}); delete it to restore the stores from their changelogs`, 'ILLEGAL_STATE');
  }
}
