import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidStateStoreException, StreamsException } from '../../src/errors.js';
import { LevelWindowStore } from '../../src/state/level-window-store.js';
import type { WindowStoreOptions } from '../../src/state/window-store-options.js';
import { countRawEntries, segmentDirectories } from './window-segment-fixture.js';
import { windowStoreSuite } from './window-store.suite.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-level-window-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let next = 0;
windowStoreSuite('LevelWindowStore', {
  create: (location, options) => new LevelWindowStore('store', location, options),
  newLocation: async () => join(root, `task-${next++}`, 'store'),
  countStoredEntries: (store, location) => countRawEntries(store, location),
  supports: { persistent: true, segments: true },
});

describe('LevelWindowStore segments on disk', () => {
  const opened: LevelWindowStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  async function open(directory: string, options: WindowStoreOptions, name = 'counts'): Promise<LevelWindowStore> {
    const store = new LevelWindowStore(name, directory, options);
    await store.init();
    opened.push(store);
    return store;
  }
  const b = (text: string): Buffer => Buffer.from(text);

  it('defaults the segment interval to max(retention / 2, 60 s), as Kafka Streams', () => {
    expect(new LevelWindowStore('s', root, { retentionPeriodMs: 1000, windowSizeMs: 10 }).segmentIntervalMs).toBe(60_000);
    expect(new LevelWindowStore('s', root, { retentionPeriodMs: 86_400_000, windowSizeMs: 10 }).segmentIntervalMs).toBe(43_200_000);
  });

  it('names segment directories <store>.<segment start> and deletes expired ones from disk', async () => {
    const directory = join(root, 'app', '0_1', 'counts');
    const store = await open(directory, { retentionPeriodMs: 1000, windowSizeMs: 100, segmentIntervalMs: 500 });
    await store.put(b('a'), b('1'), 0);
    await store.put(b('a'), b('2'), 700);
    await store.put(b('a'), b('3'), 1200);
    expect(await segmentDirectories(directory)).toEqual(['counts.0', 'counts.500', 'counts.1000']);
    expect(store.segmentNames).toEqual(['counts.0', 'counts.500', 'counts.1000']);
    // Stream time 1600: expired through 600; segment [0, 500) is wholly expired, [500, 1000) is not.
    await store.put(b('b'), b('4'), 1600);
    expect(await segmentDirectories(directory)).toEqual(['counts.500', 'counts.1000', 'counts.1500']);
    await expect(stat(join(directory, 'counts.0'))).rejects.toThrow(/ENOENT/);
    // Stream time 2100: expired through 1100; [500, 1000) goes, and with it window 700.
    await store.put(b('b'), b('5'), 2100);
    expect(store.segmentNames).toEqual(['counts.1000', 'counts.1500', 'counts.2000']);
    expect(await countRawEntries(store, directory)).toBe(3);
  });

  it('creates no segment for deletes alone', async () => {
    const directory = join(root, 'app', '0_5', 'counts');
    const store = await open(directory, { retentionPeriodMs: 10_000, windowSizeMs: 10, segmentIntervalMs: 1000 });
    await store.put(b('a'), null, 500);
    await store.putAll([{ key: b('a'), value: null, windowStartMs: 1500 }, { key: b('b'), value: null, windowStartMs: 2500 }]);
    expect(await segmentDirectories(directory)).toEqual([]);
    await store.putAll([{ key: b('a'), value: b('1'), windowStartMs: 1500 }, { key: b('a'), value: null, windowStartMs: 1600 }]);
    expect(store.segmentNames).toEqual(['counts.1000']);
  });

  it('recovers stream time and duplicate sequence numbers by scanning after a crash (no clean-shutdown file)', async () => {
    const directory = join(root, 'app', '0_2', 'joins');
    const options = { retentionPeriodMs: 1000, windowSizeMs: 0, retainDuplicates: true, segmentIntervalMs: 500 };
    const first = new LevelWindowStore('joins', directory, options);
    await first.init();
    await first.put(b('k'), b('one'), 1500);
    await first.put(b('k'), b('two'), 1500);
    await first.put(b('k'), b('old'), 900);
    await first.close();
    // A crash leaves no clean-shutdown file: remove it to make the next open recover by scanning.
    await unlink(join(directory, 'clean-shutdown.json'));
    const again = await open(directory, options, 'joins');
    await again.put(b('k'), b('three'), 1500);
    await again.put(b('k'), b('expired'), 400); // 400 <= 1500 - 1000: skipped, so stream time was recovered
    const values: string[] = [];
    for await (const { key, value } of again.fetch(b('k'), 0, 2000)) values.push(`${key}:${value.toString()}`);
    expect(values).toEqual(['900:old', '1500:one', '1500:two', '1500:three']);
  });

  it('refuses a directory whose segments do not fit its segment interval', async () => {
    const directory = join(root, 'app', '0_3', 'counts');
    const first = new LevelWindowStore('counts', directory, { retentionPeriodMs: 10_000, windowSizeMs: 10, segmentIntervalMs: 300 });
    await first.init();
    await first.put(b('a'), b('1'), 400); // segment counts.300
    await first.close();
    const changed = new LevelWindowStore('counts', directory, { retentionPeriodMs: 10_000, windowSizeMs: 10, segmentIntervalMs: 500 });
    await expect(changed.init()).rejects.toThrow(InvalidStateStoreException);
    expect(changed.isOpen).toBe(false);
  });

  it('refuses a second open of the same store with STATE_DIR_LOCKED', async () => {
    const directory = join(root, 'app', '0_4', 'counts');
    const first = await open(directory, { retentionPeriodMs: 10_000, windowSizeMs: 10 });
    await first.put(b('a'), b('1'), 5);
    const second = new LevelWindowStore('counts', directory, { retentionPeriodMs: 10_000, windowSizeMs: 10 });
    const error = await second.init().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as StreamsException).code).toBe('STATE_DIR_LOCKED');
    expect(second.isOpen).toBe(false);
  });
});
