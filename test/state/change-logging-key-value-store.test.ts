import { describe, expect, it } from 'vitest';
import { ChangeLoggingKeyValueStore } from '../../src/state/change-logging-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import { withTimestamp } from '../../src/state/value-and-timestamp.js';
import { fakeStoreTaskContext } from './fake-store-task-context.js';

const b = (s: string): Buffer => Buffer.from(s);

async function open(timestamped = false) {
  const task = fakeStoreTaskContext();
  const inner = new InMemoryKeyValueStore('counts');
  const store = new ChangeLoggingKeyValueStore(inner, task.context, 'app-counts-changelog', timestamped);
  await store.init();
  return { ...task, inner, store };
}

describe('ChangeLoggingKeyValueStore', () => {
  it('writes every put and delete to the store and to the changelog (task partition, record timestamp)', async () => {
    const { store, inner, logged, at } = await open();
    at(0, 100);
    await store.put(b('a'), b('1'));
    at(1, 200);
    await store.putAll([{ key: b('b'), value: b('2') }, { key: b('a'), value: null }]);
    at(2, 300);
    expect((await store.delete(b('b')))?.toString()).toBe('2');
    expect(await inner.get(b('a'))).toBeUndefined();
    expect(logged).toEqual([
      { topic: 'app-counts-changelog', partition: 3, key: 'a', value: '1', timestamp: 100 },
      { topic: 'app-counts-changelog', partition: 3, key: 'b', value: '2', timestamp: 200 },
      { topic: 'app-counts-changelog', partition: 3, key: 'a', value: null, timestamp: 200 },
      { topic: 'app-counts-changelog', partition: 3, key: 'b', value: null, timestamp: 300 },
    ]);
  });

  it('logs putIfAbsent only when it wrote', async () => {
    const { store, logged } = await open();
    expect(await store.putIfAbsent(b('a'), b('1'))).toBeUndefined();
    expect((await store.putIfAbsent(b('a'), b('2')))?.toString()).toBe('1');
    expect(logged.map((l) => `${l.key}=${l.value}`)).toEqual(['a=1']);
  });

  it('timestamped: logs the plain value with the stored timestamp as record timestamp, a delete with the record\'s', async () => {
    const { store, logged, at } = await open(true);
    at(0, 999);
    await store.put(b('a'), withTimestamp(b('v'), 42));
    await store.put(b('a'), null);
    expect(logged.map((l) => [l.key, l.value, l.timestamp])).toEqual([['a', 'v', 42], ['a', null, 999]]);
  });

  it('writes a batch with a timestamp per entry (cache flushes)', async () => {
    const { store, logged, inner } = await open();
    await store.putAllWithTimestamps([{ key: b('x'), value: b('1'), timestamp: 5 }, { key: b('y'), value: null, timestamp: 6 }]);
    expect(logged.map((l) => [l.key, l.value, l.timestamp])).toEqual([['x', '1', 5], ['y', null, 6]]);
    expect((await inner.get(b('x')))?.toString()).toBe('1');
  });

  it('restores changelog records into the store below without logging them again, undoing the timestamped format', async () => {
    const plain = await open();
    await plain.store.restore([
      { key: b('a'), value: b('1'), timestamp: 1 },
      { key: b('b'), value: b('2'), timestamp: 2 },
      { key: b('a'), value: null, timestamp: 3 },
      { key: null, value: b('ignored'), timestamp: 4 },
    ]);
    expect(plain.logged).toEqual([]);
    expect(await plain.inner.get(b('a'))).toBeUndefined();
    expect((await plain.inner.get(b('b')))?.toString()).toBe('2');

    const timestamped = await open(true);
    await timestamped.store.restore([{ key: b('k'), value: b('v'), timestamp: 77 }]);
    expect((await timestamped.inner.get(b('k')))?.equals(withTimestamp(b('v'), 77))).toBe(true);
  });
});
