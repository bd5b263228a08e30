import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { StateStore } from '../../src/state/state-store.js';

/** The segment directories (`<name>.<start>`) in a segmented store's directory, sorted by start. */
export async function segmentDirectories(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort((a, c) => Number(a.split('.').pop()) - Number(c.split('.').pop()));
}

/**
 * Closes the store, then counts the entries in every segment database on disk, read raw with
 * classic-level: what the store really keeps, live or not.
 */
export async function countRawEntries(store: StateStore, directory: string): Promise<number> {
  await store.close();
  let count = 0;
  for (const name of await segmentDirectories(directory)) {
    const db = new ClassicLevel<Buffer, Buffer>(join(directory, name), { keyEncoding: 'buffer', valueEncoding: 'buffer', createIfMissing: false });
    await db.open();
    try {
      for await (const _ of db.keys()) count++;
    } finally {
      await db.close();
    }
  }
  return count;
}
