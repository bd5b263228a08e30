import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from '../../src/state/change-logging-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';
import { LevelKeyValueStore } from '../../src/state/level-key-value-store.js';
import type { RecordCache } from '../../src/state/record-cache.js';
import { getMaybeSync, isPromise } from '../../src/state/sync-read.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TypedKeyValueStore } from '../../src/state/typed-key-value-store.js';
import { fakeStoreTaskContext } from './fake-store-task-context.js';

const b = (s: string): Buffer => Buffer.from(s);

/** The caching, logging and typed layers over `bytes`, as a table's store stacks them. */
async function stack(bytes: KeyValueStore<Buffer, Buffer>, cacheBytes = 1_000_000) {
  const task = fakeStoreTaskContext(cacheBytes);
  const logging = new ChangeLoggingKeyValueStore(bytes, task.context, 'app-t-changelog', false);
  const caching = new CachingKeyValueStore(logging, task.context, task.context.cache as RecordCache);
  const typed = new TypedKeyValueStore(caching, Serdes.String(), Serdes.String());
  await typed.init();
  return { ...task, bytes, caching, typed };
}

describe('synchronous reads through the store layers', () => {
  it('answers without a promise from an in-memory store: miss below, then cache hit, then absent key', async () => {
    const { bytes, typed, context } = await stack(new InMemoryKeyValueStore('t'));
    await bytes.put(b('a'), b('1'));
    const miss = typed.getMaybeSync('a');
    expect(isPromise(miss)).toBe(false);
    expect(miss).toBe('1');
    expect(context.cache?.stats()).toEqual([{ namespace: '0_3-t', hits: 0, misses: 1 }]);
    expect(typed.getMaybeSync('a')).toBe('1');
    expect(context.cache?.stats()).toEqual([{ namespace: '0_3-t', hits: 1, misses: 1 }]);
    expect(typed.getMaybeSync('zz')).toBeUndefined();
  });

  it('answers without a promise from LevelDB (getSync) and sees unflushed cached writes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sync-read-'));
    try {
      const { bytes, typed } = await stack(new LevelKeyValueStore('t', join(dir, 't')));
      await bytes.put(b('a'), b('1'));
      expect(typed.getMaybeSync('a')).toBe('1');
      await typed.put('a', '2');
      await typed.put('b', '3');
      expect(typed.getMaybeSync('a')).toBe('2');
      expect(typed.getMaybeSync('b')).toBe('3');
      expect(await bytes.get(b('b'))).toBeUndefined();
      await typed.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('waits (a promise) only when caching the value read must first flush dirty entries, and the flush happens', async () => {
    // Room for one entry (each costs ~53 bytes here): the dirty write is the eldest when the read is cached.
    const { bytes, typed, logged } = await stack(new InMemoryKeyValueStore('t'), 100);
    await bytes.put(b('read-me'), b('v'));
    await typed.put('dirty', 'd');
    const result = typed.getMaybeSync('read-me');
    expect(isPromise(result)).toBe(true);
    expect(await result).toBe('v');
    expect(logged.map((l) => `${l.key}=${l.value}`)).toEqual(['dirty=d']);
    expect((await bytes.get(b('dirty')))?.toString()).toBe('d');
  });

  it('evicts clean entries synchronously to stay within the budget', async () => {
    const { bytes, typed, context } = await stack(new InMemoryKeyValueStore('t'), 140);
    for (const k of ['a', 'b', 'c', 'd']) await bytes.put(b(k), b(k));
    for (const k of ['a', 'b', 'c', 'd']) expect(typed.getMaybeSync(k)).toBe(k);
    const cache = context.cache as RecordCache;
    expect(cache.sizeBytes).toBeLessThanOrEqual(140);
    expect(cache.evictions).toBeGreaterThan(0);
  });

  it('falls back to the awaited get of a store without getMaybeSync', async () => {
    const plain = { get: async (key: string) => (key === 'k' ? 'v' : undefined) };
    const found = getMaybeSync(plain, 'k');
    expect(isPromise(found)).toBe(true);
    expect(await found).toBe('v');
  });
});
