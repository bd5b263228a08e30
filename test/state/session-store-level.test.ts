import { mkdtemp, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LevelSessionStore } from '../../src/state/level-session-store.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';
import { sessionStoreSuite } from './session-store.suite.js';
import { countRawEntries, segmentDirectories } from './window-segment-fixture.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-level-session-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let next = 0;
sessionStoreSuite('LevelSessionStore', {
  create: (location, options) => new LevelSessionStore('store', location, options),
  newLocation: async () => join(root, `task-${next++}`, 'store'),
  countStoredEntries: (store, location) => countRawEntries(store, location),
  supports: { persistent: true, segments: true },
});

describe('LevelSessionStore segments on disk', () => {
  const opened: LevelSessionStore[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });
  const b = (text: string): Buffer => Buffer.from(text);
  const session = (key: string, start: number, end: number): Windowed<Buffer> => new Windowed(b(key), new SessionWindow(start, end));

  it('defaults the segment interval to max(retention / 2, 60 s), as Kafka Streams', () => {
    expect(new LevelSessionStore('s', root, { retentionPeriodMs: 5000 }).segmentIntervalMs).toBe(60_000);
    expect(new LevelSessionStore('s', root, { retentionPeriodMs: 600_000 }).segmentIntervalMs).toBe(300_000);
  });

  it('segments by session end and deletes wholly expired segments from disk', async () => {
    const directory = join(root, 'app', '0_1', 'sessions');
    const store = new LevelSessionStore('sessions', directory, { retentionPeriodMs: 1000, segmentIntervalMs: 500 });
    await store.init();
    opened.push(store);
    await store.put(session('a', 0, 499), b('1')); // a long session lands in the segment of its end
    await store.put(session('a', 100, 700), b('2'));
    await store.put(session('b', 1200, 1200), b('3'));
    expect(await segmentDirectories(directory)).toEqual(['sessions.0', 'sessions.500', 'sessions.1000']);
    await store.put(session('b', 1550, 1600), b('4')); // expired through 600: [0, 500) goes
    expect(store.segmentNames).toEqual(['sessions.500', 'sessions.1000', 'sessions.1500']);
    await expect(stat(join(directory, 'sessions.0'))).rejects.toThrow(/ENOENT/);
    expect(await countRawEntries(store, directory)).toBe(3);
  });

  it('recovers stream time by scanning after a crash (no clean-shutdown file)', async () => {
    const directory = join(root, 'app', '0_2', 'sessions');
    const options = { retentionPeriodMs: 1000, segmentIntervalMs: 500 };
    const first = new LevelSessionStore('sessions', directory, options);
    await first.init();
    await first.put(session('k', 1400, 1500), b('new'));
    await first.put(session('k', 800, 900), b('old'));
    await first.close();
    await unlink(join(directory, 'clean-shutdown.json'));
    const again = new LevelSessionStore('sessions', directory, options);
    await again.init();
    opened.push(again);
    await again.put(session('k', 300, 400), b('expired')); // 400 <= 1500 - 1000: skipped, so stream time was recovered
    const found: string[] = [];
    for await (const { key, value } of again.fetch(b('k'))) found.push(`${key.window().start()}-${key.window().end()}:${value.toString()}`);
    expect(found).toEqual(['800-900:old', '1400-1500:new']);
  });
});
