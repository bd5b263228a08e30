import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreamsException } from '../../src/errors.js';
import { LevelKeyValueStore } from '../../src/state/level-key-value-store.js';
import { keyValueStoreSuite } from './key-value-store.suite.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-level-store-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let next = 0;
keyValueStoreSuite('LevelKeyValueStore', {
  create: (location) => new LevelKeyValueStore('store', location),
  newLocation: async () => join(root, `task-${next++}`, 'store'),
  supports: { persistent: true },
});

describe('LevelKeyValueStore on disk', () => {
  it('creates its directory, parents included', async () => {
    const directory = join(root, 'app', '0_1', 'counts');
    const store = new LevelKeyValueStore('counts', directory);
    await store.init();
    try {
      expect((await stat(directory)).isDirectory()).toBe(true);
      expect(store.directory).toBe(directory);
    } finally {
      await store.close();
    }
  });

  it('refuses a second open of the same directory with STATE_DIR_LOCKED', async () => {
    const directory = join(root, 'app', '0_2', 'counts');
    const first = new LevelKeyValueStore('counts', directory);
    await first.init();
    try {
      const second = new LevelKeyValueStore('counts', directory);
      const error = await second.init().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(StreamsException);
      expect((error as StreamsException).code).toBe('STATE_DIR_LOCKED');
      expect((error as Error).message).toContain(directory);
      expect(second.isOpen).toBe(false);
    } finally {
      await first.close();
    }
  });
});
