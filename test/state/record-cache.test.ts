import { describe, expect, it } from 'vitest';
import type { RecordContext } from '../../src/processor/record-metadata.js';
import { RecordCache, type DirtyEntry } from '../../src/state/record-cache.js';

const ctx = (offset: number, timestamp = offset * 10): RecordContext => ({ topic: 'in', partition: 0, offset, timestamp, headers: [] });
const b = (s: string): Buffer => Buffer.from(s);
const show = (entries: readonly DirtyEntry[]): string[] => entries.map((e) => `${e.key.toString()}=${e.value?.toString() ?? 'null'}@${e.context.offset}`);

function recorder() {
  const flushed: string[][] = [];
  return { flushed, listener: async (entries: readonly DirtyEntry[]) => void flushed.push(show(entries)) };
}

describe('RecordCache', () => {
  it('flushes dirty keys once each, in the order of their last update, with the context of that update', async () => {
    const cache = new RecordCache(1_000_000);
    const { flushed, listener } = recorder();
    cache.register('0_0-s', listener);
    await cache.put('0_0-s', b('a'), b('1'), ctx(1));
    await cache.put('0_0-s', b('b'), b('1'), ctx(2));
    await cache.put('0_0-s', b('a'), b('2'), ctx(3));
    await cache.put('0_0-s', b('c'), null, ctx(4));
    expect(cache.dirtyCount('0_0-s')).toBe(3);
    await cache.flush('0_0-s');
    expect(flushed).toEqual([['b=1@2', 'a=2@3', 'c=null@4']]);
    // Flushed entries stay readable and clean; the delete left the cache.
    expect(cache.get('0_0-s', b('a'))).toEqual(expect.objectContaining({ dirty: false }));
    expect(cache.get('0_0-s', b('c'))).toBeUndefined();
    await cache.flush('0_0-s');
    expect(flushed).toHaveLength(1);
  });

  it('evicts least recently used entries of the cache being written; a dirty eldest flushes the whole named cache, eldest first', async () => {
    // Each entry: 45 bytes overhead + key 1 + value 1 + topic 2 = 49 bytes.
    const cache = new RecordCache(49 * 3);
    const { flushed, listener } = recorder();
    cache.register('t-s', listener);
    await cache.put('t-s', b('a'), b('1'), ctx(1));
    await cache.put('t-s', b('b'), b('1'), ctx(2));
    await cache.put('t-s', b('c'), b('1'), ctx(3));
    expect(cache.sizeBytes).toBe(147);
    cache.get('t-s', b('a')); // a is now the most recently used: b is the eldest
    await cache.put('t-s', b('d'), b('1'), ctx(4));
    expect(flushed).toEqual([['b=1@2', 'a=1@1', 'c=1@3', 'd=1@4']]);
    expect(cache.get('t-s', b('b'))).toBeUndefined();
    expect(cache.evictions).toBe(1);
    expect(cache.sizeBytes).toBe(147);
    expect(cache.size).toBe(3);
  });

  it('evicts clean entries without flushing and keeps dirty ones it cannot evict from another cache', async () => {
    const cache = new RecordCache(49 * 2);
    const first = recorder();
    const second = recorder();
    cache.register('t-one', first.listener);
    cache.register('t-two', second.listener);
    await cache.putClean('t-one', b('x'), b('1'));
    await cache.put('t-one', b('y'), b('1'), ctx(1));
    // Over budget while writing t-two: Kafka evicts only from the cache being written.
    await cache.put('t-two', b('z'), b('1'), ctx(2));
    expect(second.flushed).toEqual([['z=1@2']]);
    expect(first.flushed).toEqual([]);
    expect(cache.get('t-one', b('y'))?.dirty).toBe(true);
    // Writing t-one again evicts its clean eldest first (no flush needed).
    await cache.put('t-one', b('w'), b('1'), ctx(3));
    expect(cache.get('t-one', b('x'))).toBeUndefined();
  });

  it('sorts a range of cached entries by key bytes, deletes included, and drops a namespace without flushing', async () => {
    const cache = new RecordCache(1_000_000);
    const { flushed, listener } = recorder();
    cache.register('n', listener);
    for (const k of ['b', 'a', 'c', 'ab']) await cache.put('n', b(k), k === 'c' ? null : b(k.toUpperCase()), ctx(1));
    expect(cache.range('n', b('a'), b('b')).map((e) => `${e.key.toString()}:${e.value?.toString() ?? 'null'}`)).toEqual(['a:A', 'ab:AB', 'b:B']);
    expect(cache.range('n', undefined, undefined).map((e) => e.key.toString())).toEqual(['a', 'ab', 'b', 'c']);
    cache.unregister('n');
    expect(cache.sizeBytes).toBe(0);
    expect(flushed).toEqual([]);
    expect(() => cache.get('n', b('a'))).toThrow(/not registered/);
  });

  it('resized smaller, evicts down to the new budget at the next write (flushing the dirty eldest); resized larger, keeps more', async () => {
    const cache = new RecordCache(49 * 4);
    const { flushed, listener } = recorder();
    cache.register('t-s', listener);
    for (const [i, k] of ['a', 'b', 'c', 'd'].entries()) await cache.put('t-s', b(k), b('1'), ctx(i + 1));
    cache.resize(49 * 2);
    expect(cache.maxBytes).toBe(49 * 2);
    expect(cache.size).toBe(4);   // nothing evicted outside a task's write
    await cache.put('t-s', b('e'), b('1'), ctx(5));
    expect(flushed).toEqual([['a=1@1', 'b=1@2', 'c=1@3', 'd=1@4', 'e=1@5']]);
    expect(cache.sizeBytes).toBeLessThanOrEqual(49 * 2);
    cache.resize(49 * 10);
    for (const [i, k] of ['f', 'g', 'h', 'i', 'j'].entries()) await cache.put('t-s', b(k), b('1'), ctx(i + 6));
    expect(flushed).toHaveLength(1);
    expect(() => cache.resize(-1)).toThrow(RangeError);
  });

  it('refuses a second registration of a namespace and a negative budget', () => {
    const cache = new RecordCache(10);
    cache.register('n', async () => undefined);
    expect(() => cache.register('n', async () => undefined)).toThrow(/registered already/);
    expect(() => new RecordCache(-1)).toThrow(RangeError);
  });
});
