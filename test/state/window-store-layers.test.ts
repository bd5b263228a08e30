import { describe, expect, it } from 'vitest';
import { CachingWindowStore } from '../../src/state/caching-window-store.js';
import { ChangeLoggingWindowStore } from '../../src/state/change-logging-window-store.js';
import { InMemoryWindowStore } from '../../src/state/in-memory-window-store.js';
import { withTimestamp } from '../../src/state/value-and-timestamp.js';
import { kafkaWindowKey } from '../../src/state/window-key-schema.js';
import type { Windowed } from '../../src/state/windowed.js';
import { b, collect, layerTaskContext } from './window-layers-context.js';

const TOPIC = 'app-w-changelog';

function bytesStore(retention = 1000, size = 10): InMemoryWindowStore {
  return new InMemoryWindowStore('w', { retentionPeriodMs: retention, windowSizeMs: size });
}

const text = (entries: Array<{ key: Windowed<Buffer> | number; value: Buffer }>) =>
  entries.map(({ key, value }) => [typeof key === 'number' ? key : `${key.key().toString()}@${key.window().start()}/${key.window().end()}`, value.toString()]);

describe('ChangeLoggingWindowStore', () => {
  // Kafka's ChangeLoggingTimestampedWindowBytesStore: key [key][start][seq=0], plain value,
  // record timestamp = the stored timestamp; deletes carry the update's record timestamp.
  it('logs Kafka window keys, plain values with the stored timestamp, and restores them', async () => {
    const task = layerTaskContext(0);
    const store = new ChangeLoggingWindowStore(bytesStore(), task.context, TOPIC, true);
    await store.init();
    task.at(0, 99);
    await store.put(b('a'), withTimestamp(b('v1'), 7), 10);
    await store.put(b('a'), null, 20);
    expect(task.logged).toEqual([
      { topic: TOPIC, key: kafkaWindowKey(b('a'), 10, 0), value: b('v1'), timestamp: 7 },
      { topic: TOPIC, key: kafkaWindowKey(b('a'), 20, 0), value: null, timestamp: 99 },
    ]);
    expect(kafkaWindowKey(b('a'), 10, 0).toString('hex')).toBe('61' + '000000000000000a' + '00000000');

    const restored = new ChangeLoggingWindowStore(bytesStore(), layerTaskContext(0).context, TOPIC, true);
    await restored.init();
    await restored.restore(task.logged.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })));
    expect(await restored.fetch(b('a'), 10)).toEqual(withTimestamp(b('v1'), 7));
    expect(await restored.fetch(b('a'), 20)).toBeUndefined();
  });
});

describe('CachingWindowStore', () => {
  async function cachedStore(task = layerTaskContext(), retention = 1000) {
    const inner = bytesStore(retention);
    const logging = new ChangeLoggingWindowStore(inner, task.context, TOPIC, false);
    const store = new CachingWindowStore(logging, task.context, task.context.cache!);
    await store.init();
    const flushed: Array<[string, string | null, string | null, number, number]> = [];
    store.setFlushListener((r) => void flushed.push([`${r.key.key().toString()}@${r.key.window().start()}/${r.key.window().end()}`, r.newValue?.toString() ?? null, r.oldValue?.toString() ?? null, r.timestamp, task.context.recordContext().offset]), true);
    return { task, inner, store, flushed };
  }

  // SEMANTICS §5.3: the latest value per window, forwarded once per flush in last-update order,
  // with that update's record context and the store's old value; written below (and logged) then.
  it('keeps the latest value per window until a flush, then writes and forwards each once', async () => {
    const { task, inner, store, flushed } = await cachedStore();
    task.at(1, 100);
    await store.put(b('a'), b('1'), 0);
    task.at(2, 101);
    await store.put(b('b'), b('1'), 0);
    task.at(3, 102);
    await store.put(b('a'), b('2'), 0);
    expect(await store.fetch(b('a'), 0)).toEqual(b('2'));
    expect(await inner.fetch(b('a'), 0)).toBeUndefined();
    expect(task.logged).toEqual([]);
    await store.flush();
    expect(flushed).toEqual([['b@0/10', '1', null, 101, 2], ['a@0/10', '2', null, 102, 3]]);
    expect(await inner.fetch(b('a'), 0)).toEqual(b('2'));
    expect(task.logged.map((r) => [r.key.subarray(0, 1).toString(), r.value?.toString(), r.timestamp])).toEqual([['b', '1', 101], ['a', '2', 102]]);
    // Old values come from the store below; a delete of a window the store never held is dropped.
    task.at(4, 103);
    await store.put(b('a'), b('3'), 0);
    await store.put(b('c'), b('x'), 0);
    await store.put(b('c'), null, 0);
    await store.flush();
    expect(flushed.slice(2)).toEqual([['a@0/10', '3', '2', 103, 4]]);
  });

  it('merges cached and stored windows in scans: cache wins, cached deletes hide', async () => {
    const { task, store } = await cachedStore();
    await store.put(b('a'), b('s0'), 0);
    await store.put(b('a'), b('s10'), 10);
    await store.put(b('a'), b('s20'), 20);
    await store.put(b('b'), b('s0'), 0);
    await store.flush();
    task.at(5, 5);
    await store.put(b('a'), b('c10'), 10);
    await store.put(b('a'), null, 20);
    await store.put(b('a'), b('c30'), 30);
    expect(text(await collect(store.fetch(b('a'), 0, 100)))).toEqual([[0, 's0'], [10, 'c10'], [30, 'c30']]);
    expect(text(await collect(store.backwardFetch(b('a'), 5, 100)))).toEqual([[30, 'c30'], [10, 'c10']]);
    expect(text(await collect(store.fetchAll(0, 100)))).toEqual([['a@0/10', 's0'], ['a@10/20', 'c10'], ['a@30/40', 'c30'], ['b@0/10', 's0']]);
    expect(text(await collect(store.backwardFetchRange(b('a'), b('a'), 10, 30)))).toEqual([['a@30/40', 'c30'], ['a@10/20', 'c10']]);
    expect(await store.fetch(b('a'), 20)).toBeUndefined();
  });

  it('finds a key\'s cached windows after the index was rebuilt and after flushes and evictions', async () => {
    const task = layerTaskContext(20_000);
    const { store } = await cachedStore(task, 1_000_000);
    // Far more windows than the cache holds: evictions flush them below; scans still see everything.
    for (let i = 0; i < 2000; i++) await store.put(b(`k${i % 50}`), b(`v${i}`), i);
    const windows = await collect(store.fetch(b('k7'), 0, 5000));
    expect(windows.map((e) => e.key)).toEqual(Array.from({ length: 40 }, (_, n) => 7 + 50 * n));
    expect(windows.every((e) => e.value.toString() === `v${e.key}`)).toBe(true);
  });
});
