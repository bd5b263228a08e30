import { describe, expect, it } from 'vitest';
import { CachingSessionStore } from '../../src/state/caching-session-store.js';
import { ChangeLoggingSessionStore } from '../../src/state/change-logging-session-store.js';
import { InMemorySessionStore } from '../../src/state/in-memory-session-store.js';
import { kafkaSessionKey } from '../../src/state/session-key-schema.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';
import { b, collect, layerTaskContext } from './window-layers-context.js';

const TOPIC = 'app-s-changelog';
const session = (key: string, start: number, end: number) => new Windowed(b(key), new SessionWindow(start, end));
const text = (entries: Array<{ key: Windowed<Buffer>; value: Buffer }>) =>
  entries.map(({ key, value }) => `${key.key().toString()}@${key.window().start()}/${key.window().end()}=${value.toString()}`);

describe('ChangeLoggingSessionStore', () => {
  // Kafka's ChangeLoggingSessionBytesStore: key [key][end][start] (SessionKeySchema.toBinary), the update's timestamp.
  it('logs Kafka session keys with the update timestamp, and restores them', async () => {
    const task = layerTaskContext(0);
    const store = new ChangeLoggingSessionStore(new InMemorySessionStore('s', { retentionPeriodMs: 1000 }), task.context, TOPIC);
    await store.init();
    task.at(0, 12);
    await store.put(session('a', 10, 12), b('2'));
    await store.remove(session('a', 10, 10));
    expect(task.logged).toEqual([
      { topic: TOPIC, key: kafkaSessionKey(b('a'), 10, 12), value: b('2'), timestamp: 12 },
      { topic: TOPIC, key: kafkaSessionKey(b('a'), 10, 10), value: null, timestamp: 12 },
    ]);
    expect(kafkaSessionKey(b('a'), 10, 12).toString('hex')).toBe('61' + '000000000000000c' + '000000000000000a');

    const restored = new ChangeLoggingSessionStore(new InMemorySessionStore('s', { retentionPeriodMs: 1000 }), layerTaskContext(0).context, TOPIC);
    await restored.init();
    await restored.restore([{ key: kafkaSessionKey(b('a'), 0, 0), value: b('1'), timestamp: 0 }, ...task.logged]);
    expect(text(await collect(restored.fetch(b('a'))))).toEqual(['a@0/0=1', 'a@10/12=2']);
  });
});

describe('CachingSessionStore', () => {
  async function cachedStore() {
    const task = layerTaskContext();
    const inner = new InMemorySessionStore('s', { retentionPeriodMs: 10_000 });
    const store = new CachingSessionStore(new ChangeLoggingSessionStore(inner, task.context, TOPIC), task.context, task.context.cache!);
    await store.init();
    const flushed: string[] = [];
    store.setFlushListener((r) => void flushed.push(`${r.key.key().toString()}@${r.key.window().start()}/${r.key.window().end()}=${r.newValue?.toString() ?? null} old=${r.oldValue?.toString() ?? null} ts=${r.timestamp}`), true);
    return { task, inner, store, flushed };
  }

  // SEMANTICS §5.3 / Kafka's CachingSessionStore: removal then rewrite of one session flushes as one update.
  it('collapses a removal and a rewrite of one session; skips removals of sessions never stored', async () => {
    const { task, inner, store, flushed } = await cachedStore();
    task.at(1, 8);
    await store.put(session('a', 0, 8), b('3'));
    await store.flush();
    task.at(2, 6);
    await store.remove(session('a', 0, 8));
    await store.put(session('a', 0, 8), b('4'));
    await store.put(session('b', 5, 5), b('1'));
    await store.remove(session('b', 5, 5));
    await store.flush();
    expect(flushed).toEqual(['a@0/8=3 old=null ts=8', 'a@0/8=4 old=3 ts=6']);
    expect(text(await collect(inner.fetch(b('a'))))).toEqual(['a@0/8=4']);
    expect(task.logged.map((r) => [r.value?.toString() ?? null, r.timestamp])).toEqual([['3', 8], ['4', 6]]);
  });

  it('findSessions merges cached and stored sessions in (end, start) order, hiding cached removals', async () => {
    const { store } = await cachedStore();
    await store.put(session('a', 0, 2), b('s1'));
    await store.put(session('a', 10, 12), b('s2'));
    await store.put(session('a', 30, 30), b('s3'));
    await store.put(session('z', 1, 1), b('z'));
    await store.flush();
    await store.remove(session('a', 10, 12));
    await store.put(session('a', 5, 20), b('c1'));
    await store.put(session('a', 3, 4), b('c2'));
    expect(text(await collect(store.findSessions(b('a'), 0, 100)))).toEqual(['a@0/2=s1', 'a@3/4=c2', 'a@5/20=c1', 'a@30/30=s3']);
    expect(text(await collect(store.backwardFindSessions(b('a'), 4, 25)))).toEqual(['a@5/20=c1', 'a@3/4=c2']);
    expect(text(await collect(store.fetchRange(undefined, undefined)))).toEqual(['a@0/2=s1', 'a@3/4=c2', 'a@5/20=c1', 'a@30/30=s3', 'z@1/1=z']);
    expect(await store.fetchSession(b('a'), 10, 12)).toBeUndefined();
    expect(await store.fetchSession(b('a'), 3, 4)).toEqual(b('c2'));
  });
});
