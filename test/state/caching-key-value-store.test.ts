import { describe, expect, it } from 'vitest';
import type { CacheFlushRecord } from '../../src/state/cache-flush-listener.js';
import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from '../../src/state/change-logging-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import type { RecordCache } from '../../src/state/record-cache.js';
import { fakeStoreTaskContext } from './fake-store-task-context.js';

const b = (s: string): Buffer => Buffer.from(s);
const text = (v: Buffer | null | undefined): string | null | undefined => (v === null || v === undefined ? v : v.toString());

async function open(cacheBytes = 1_000_000, sendOldValues = true) {
  const task = fakeStoreTaskContext(cacheBytes);
  const bytes = new InMemoryKeyValueStore('counts');
  const logging = new ChangeLoggingKeyValueStore(bytes, task.context, 'app-counts-changelog', false);
  const store = new CachingKeyValueStore(logging, task.context, task.context.cache as RecordCache);
  const forwarded: string[] = [];
  const records: CacheFlushRecord<Buffer, Buffer>[] = [];
  expect(
    store.setFlushListener((r) => {
      records.push(r);
      forwarded.push(`${r.key.toString()}:${text(r.newValue)}<-${text(r.oldValue)}@${r.timestamp}`);
    }, sendOldValues),
  ).toBe(true);
  await store.init();
  return { ...task, bytes, store, forwarded, records };
}

async function collect(scan: AsyncIterable<KeyValue<Buffer, Buffer>>): Promise<string[]> {
  const out: string[] = [];
  for await (const { key, value } of scan) out.push(`${key.toString()}=${value.toString()}`);
  return out;
}

describe('CachingKeyValueStore', () => {
  it('keeps writes in the cache until flush: reads see them, the store below and the changelog do not', async () => {
    const { store, bytes, logged, forwarded, at } = await open();
    at(0, 10);
    await store.put(b('a'), b('1'));
    expect(text(await store.get(b('a')))).toBe('1');
    expect(await bytes.get(b('a'))).toBeUndefined();
    expect(logged).toEqual([]);
    expect(forwarded).toEqual([]);
    await store.flush();
    expect(text(await bytes.get(b('a')))).toBe('1');
    expect(logged.map((l) => `${l.key}=${l.value}@${l.timestamp}`)).toEqual(['a=1@10']);
    expect(forwarded).toEqual(['a:1<-null@10']);
  });

  it('forwards each key once per flush, in last-update order, with the old value from the store and the last update\'s context', async () => {
    const { store, forwarded, forwardedUnder, logged, at } = await open();
    at(0, 10);
    await store.put(b('a'), b('1'));
    await store.flush();
    forwarded.length = 0;
    logged.length = 0;
    at(1, 20);
    await store.put(b('a'), b('2'));
    at(2, 30);
    await store.put(b('b'), b('1'));
    at(3, 40);
    await store.put(b('a'), b('3'));
    await store.flush();
    expect(forwarded).toEqual(['b:1<-null@30', 'a:3<-1@40']);
    expect(forwardedUnder.slice(-2).map((c) => c.offset)).toEqual([2, 3]);
    // The changelog gets one record per key too, with the timestamp of its last update.
    expect(logged.map((l) => `${l.key}=${l.value}@${l.timestamp}`)).toEqual(['b=1@30', 'a=3@40']);
  });

  it('does not read or send old values unless asked for', async () => {
    const { store, forwarded } = await open(1_000_000, false);
    await store.put(b('a'), b('1'));
    await store.flush();
    await store.put(b('a'), b('2'));
    await store.flush();
    expect(forwarded).toEqual(['a:1<-null@0', 'a:2<-null@0']);
  });

  it('forwards and logs nothing for a delete of a key the store does not hold; a delete of a stored key forwards a tombstone', async () => {
    const { store, forwarded, logged, bytes } = await open();
    await store.put(b('ghost'), b('1'));
    await store.delete(b('ghost'));
    await store.flush();
    expect(forwarded).toEqual([]);
    expect(logged).toEqual([]);
    await store.put(b('a'), b('1'));
    await store.flush();
    expect(text(await store.delete(b('a')))).toBe('1');
    expect(await store.get(b('a'))).toBeUndefined();
    await store.flush();
    expect(forwarded).toEqual(['a:1<-null@0', 'a:null<-1@0']);
    expect(await bytes.get(b('a'))).toBeUndefined();
  });

  it('evicts when the byte budget is exceeded: the eldest dirty key flushes with every other dirty key', async () => {
    // 45 bytes overhead + 1 key byte + 1 value byte + 2 topic bytes = 49 bytes per entry.
    const { store, forwarded, bytes, at } = await open(49 * 2);
    at(0, 1);
    await store.put(b('a'), b('1'));
    at(1, 2);
    await store.put(b('b'), b('1'));
    expect(forwarded).toEqual([]);
    at(2, 3);
    await store.put(b('c'), b('1'));
    expect(forwarded).toEqual(['a:1<-null@1', 'b:1<-null@2', 'c:1<-null@3']);
    expect(text(await bytes.get(b('c')))).toBe('1');
    expect(text(await store.get(b('a')))).toBe('1');
  });

  it('merges cache and store in scans: cached values win, cached deletes hide keys, bounds and order hold', async () => {
    const { store } = await open();
    for (const [k, v] of [['a', '1'], ['c', '1'], ['e', '1'], ['pa', '1'], ['pb', '1']]) await store.put(b(k as string), b(v as string));
    await store.flush();
    await store.put(b('b'), b('2'));
    await store.put(b('c'), b('2'));
    await store.delete(b('e'));
    await store.put(b('pc'), b('2'));
    expect(await collect(store.all())).toEqual(['a=1', 'b=2', 'c=2', 'pa=1', 'pb=1', 'pc=2']);
    expect(await collect(store.range(b('b'), b('e')))).toEqual(['b=2', 'c=2']);
    expect(await collect(store.reverseRange(b('a'), b('c')))).toEqual(['c=2', 'b=2', 'a=1']);
    expect(await collect(store.reverseAll())).toEqual(['pc=2', 'pb=1', 'pa=1', 'c=2', 'b=2', 'a=1']);
    expect(await collect(store.prefixScan(b('p')))).toEqual(['pa=1', 'pb=1', 'pc=2']);
    expect((await store.getMany([b('a'), b('e'), b('pc'), b('zz')])).map(text)).toEqual(['1', undefined, '2', undefined]);
  });

  it('releases the store\'s iterator when a merged scan breaks early', async () => {
    const { store, bytes } = await open();
    for (const k of ['a', 'b', 'c']) await store.put(b(k), b('1'));
    await store.flush();
    for await (const entry of store.all()) {
      expect(entry.key.toString()).toBe('a');
      break;
    }
    expect(bytes.openIterators).toBe(0);
  });

  it('drops unflushed writes on close (a clean close flushes first) and can be reopened', async () => {
    const { store, bytes, forwarded, context } = await open();
    await store.put(b('a'), b('1'));
    await store.close();
    expect(forwarded).toEqual([]);
    expect(context.cache?.sizeBytes).toBe(0);
    await store.init();
    expect(await store.get(b('a'))).toBeUndefined();
    expect(await bytes.get(b('a'))).toBeUndefined();
  });
});
