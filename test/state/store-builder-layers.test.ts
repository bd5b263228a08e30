import { describe, expect, it } from 'vitest';
import { Serdes } from '../../src/serde/serdes.js';
import { CachingSessionStore } from '../../src/state/caching-session-store.js';
import { CachingWindowStore } from '../../src/state/caching-window-store.js';
import { ChangeLoggingSessionStore } from '../../src/state/change-logging-session-store.js';
import { ChangeLoggingWindowStore } from '../../src/state/change-logging-window-store.js';
import { Stores } from '../../src/state/stores.js';
import { kafkaWindowKey } from '../../src/state/window-key-schema.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';
import { layerTaskContext } from './window-layers-context.js';

// Kafka's WindowStoreBuilder / SessionStoreBuilder build Metered(Caching(ChangeLogging(bytes))),
// each inner layer only when enabled (maybeWrapCaching / maybeWrapLogging); so do ours in a task.
const inTask = (task: ReturnType<typeof layerTaskContext>) => ({ taskDirectory: '/nonexistent', applicationId: 'app', task: task.context });

describe('Stores.windowStoreBuilder / sessionStoreBuilder stack the enabled layers in a task', () => {
  it('window store: logging alone writes through and logs Kafka window keys', async () => {
    const task = layerTaskContext();
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1_000, 10), Serdes.String(), Serdes.String()).build(inTask(task));
    expect(store.inner).toBeInstanceOf(ChangeLoggingWindowStore);
    await store.init();
    task.at(1, 5);
    await store.put('k', 'v', 0);
    expect(task.logged.map((r) => [r.topic, r.key, r.value?.toString(), r.timestamp])).toEqual([['app-w-changelog', kafkaWindowKey(Buffer.from('k'), 0, 0), 'v', 5]]);
    expect(await store.fetch('k', 0)).toBe('v');
    await store.close();
  });

  it('window store: caching holds writes until flush, then writes them below and logs them', async () => {
    const task = layerTaskContext();
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1_000, 10), Serdes.String(), Serdes.String()).withCachingEnabled().build(inTask(task));
    expect(store.inner).toBeInstanceOf(CachingWindowStore);
    expect((store.inner as CachingWindowStore).inner).toBeInstanceOf(ChangeLoggingWindowStore);
    await store.init();
    task.at(1, 5);
    await store.put('k', 'a', 0);
    await store.put('k', 'b', 0);
    expect(await store.fetch('k', 0)).toBe('b');
    expect(task.logged).toEqual([]);
    await store.flush();
    expect(task.logged.map((r) => r.value?.toString())).toEqual(['b']);
    await store.close();
  });

  it('window store: no layers with logging and caching off, and none for a store retaining duplicates', () => {
    const task = layerTaskContext();
    const plain = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 1_000, 10), Serdes.String(), Serdes.String()).withLoggingDisabled().build(inTask(task));
    expect(plain.inner.constructor.name).toBe('InMemoryWindowStore');
    const duplicates = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('j', 1_000, 10, true), Serdes.String(), Serdes.String()).withCachingEnabled().build(inTask(task));
    expect(duplicates.inner).toBeInstanceOf(ChangeLoggingWindowStore);
  });

  it('session store: logging and caching stack as Kafka\'s; a flush writes and logs the latest session', async () => {
    const task = layerTaskContext();
    const logged = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1_000), Serdes.String(), Serdes.String()).build(inTask(task));
    expect(logged.inner).toBeInstanceOf(ChangeLoggingSessionStore);
    const cached = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('c', 1_000), Serdes.String(), Serdes.String()).withCachingEnabled().build(inTask(task));
    expect(cached.inner).toBeInstanceOf(CachingSessionStore);
    await cached.init();
    task.at(1, 7);
    await cached.put(new Windowed('k', new SessionWindow(3, 7)), 'x');
    await cached.put(new Windowed('k', new SessionWindow(3, 7)), 'y');
    expect(task.logged).toEqual([]);
    await cached.flush();
    expect(task.logged.map((r) => [r.topic, r.value?.toString()])).toEqual([['app-c-changelog', 'y']]);
    await cached.close();
  });
});
