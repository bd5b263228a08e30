import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateStoreException } from '../../src/errors.js';
import type { KeyValue, KeyValueStore } from '../../src/state/key-value-store.js';

/**
 * The one conformance suite of byte key-value stores: every implementation runs it through a
 * factory (as abstract-level's suite and Kafka Streams' AbstractKeyValueStoreTest do).
 */
export interface KeyValueStoreFactory {
  /** A new, unopened store; the same `location` reaches the same data when the store is persistent. */
  create(location: string): KeyValueStore<Buffer, Buffer>;
  /** A fresh location for one test. */
  newLocation(): Promise<string>;
  readonly supports: { readonly persistent: boolean };
}

type Bytes = KeyValueStore<Buffer, Buffer>;

const b = (text: string): Buffer => Buffer.from(text, 'utf8');
const x = (hex: string): Buffer => Buffer.from(hex, 'hex');

async function collect(entries: AsyncIterable<KeyValue<Buffer, Buffer>>): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for await (const { key, value } of entries) out.push([key.toString('utf8'), value.toString('utf8')]);
  return out;
}

async function keysOf(entries: AsyncIterable<KeyValue<Buffer, Buffer>>): Promise<string[]> {
  const out: string[] = [];
  for await (const { key } of entries) out.push(key.toString('hex'));
  return out;
}

/** An oracle for byte order that does not use Buffer.compare: hex strings sort as their bytes do. */
const byHex = (a: string, c: string): number => (a < c ? -1 : a > c ? 1 : 0);

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function keyValueStoreSuite(implementation: string, factory: KeyValueStoreFactory): void {
  describe(`${implementation} conforms to KeyValueStore`, () => {
    const opened: Bytes[] = [];
    async function open(location?: string): Promise<Bytes> {
      const store = factory.create(location ?? (await factory.newLocation()));
      await store.init();
      opened.push(store);
      return store;
    }
    async function withKeys(keys: readonly string[]): Promise<Bytes> {
      const store = await open();
      await store.putAll(keys.map((k) => ({ key: b(k), value: b(`v-${k}`) })));
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('lifecycle', () => {
      it('is closed until init() and after close(); close() is idempotent', async () => {
        const store = factory.create(await factory.newLocation());
        expect(store.isOpen).toBe(false);
        await store.init();
        expect(store.isOpen).toBe(true);
        expect(store.persistent).toBe(factory.supports.persistent);
        await store.close();
        expect(store.isOpen).toBe(false);
        await store.close();
      });

      it('rejects reads, writes and scans on a closed store with InvalidStateStoreException', async () => {
        const store = await open();
        await store.put(b('a'), b('1'));
        await store.close();
        await expect(store.get(b('a'))).rejects.toThrow(InvalidStateStoreException);
        await expect(store.put(b('a'), b('2'))).rejects.toThrow(/Store .* is currently closed/);
        await expect(store.getMany([b('a')])).rejects.toThrow(InvalidStateStoreException);
        await expect(store.approximateNumEntries()).rejects.toThrow(InvalidStateStoreException);
        expect(() => store.range()).toThrow(InvalidStateStoreException);
        expect(() => store.prefixScan(b('a'))).toThrow(InvalidStateStoreException);
      });

      it(factory.supports.persistent ? 'keeps its data across close() and reopen' : 'loses its data on close(), as Kafka Streams\' in-memory store', async () => {
        const location = await factory.newLocation();
        const first = factory.create(location);
        await first.init();
        await first.putAll([{ key: b('a'), value: b('1') }, { key: b('b'), value: b('2') }]);
        await first.put(b('c'), b('3'));
        await first.flush();
        await first.close();

        const again = await open(location);
        if (factory.supports.persistent) {
          expect(await again.get(b('a'))).toEqual(b('1'));
          expect(await collect(again.all())).toEqual([['a', '1'], ['b', '2'], ['c', '3']]);
          expect(await again.approximateNumEntries()).toBe(3);
        } else {
          expect(await again.get(b('a'))).toBeUndefined();
          expect(await collect(again.all())).toEqual([]);
          expect(await again.approximateNumEntries()).toBe(0);
        }
      });

      it('flush() keeps every write readable', async () => {
        const store = await open();
        await store.put(b('a'), b('1'));
        await store.put(b('b'), null);
        await store.flush();
        await store.flush();
        expect(await store.get(b('a'))).toEqual(b('1'));
      });
    });

    describe('point reads and writes', () => {
      it('returns undefined for an absent key', async () => {
        const store = await open();
        expect(await store.get(b('nope'))).toBeUndefined();
      });

      it('puts, overwrites and reads back', async () => {
        const store = await open();
        await store.put(b('k'), b('one'));
        expect(await store.get(b('k'))).toEqual(b('one'));
        await store.put(b('k'), b('two'));
        expect(await store.get(b('k'))).toEqual(b('two'));
      });

      it('stores an empty value, distinct from absent, and an empty key', async () => {
        const store = await open();
        await store.put(b('empty'), Buffer.alloc(0));
        await store.put(Buffer.alloc(0), b('empty key'));
        expect(await store.get(b('empty'))).toEqual(Buffer.alloc(0));
        expect(await store.get(Buffer.alloc(0))).toEqual(b('empty key'));
        expect(await keysOf(store.all())).toEqual(['', b('empty').toString('hex')]);
      });

      it('stores a 1 MiB value', async () => {
        const store = await open();
        const big = Buffer.alloc(1024 * 1024, 7);
        big[12345] = 1;
        await store.put(b('big'), big);
        expect((await store.get(b('big')))?.equals(big)).toBe(true);
      });

      it('is not affected when the caller later changes the Buffers it wrote', async () => {
        const store = await open();
        const key = b('key');
        const value = b('value');
        await store.put(key, value);
        value.fill(0x21);
        key.fill(0x21);
        expect(await store.get(b('key'))).toEqual(b('value'));
        expect(await store.get(b('!!!'))).toBeUndefined();
      });

      it('put(key, null) deletes the key (a tombstone)', async () => {
        const store = await open();
        await store.put(b('k'), b('v'));
        await store.put(b('k'), null);
        expect(await store.get(b('k'))).toBeUndefined();
        expect(await collect(store.all())).toEqual([]);
        await store.put(b('never-there'), null);
        expect(await store.approximateNumEntries()).toBe(0);
      });

      it('delete() returns the old value, then undefined', async () => {
        const store = await open();
        await store.put(b('k'), b('v'));
        expect(await store.delete(b('k'))).toEqual(b('v'));
        expect(await store.get(b('k'))).toBeUndefined();
        expect(await store.delete(b('k'))).toBeUndefined();
      });

      it('putIfAbsent() writes only when absent and returns what was there', async () => {
        const store = await open();
        expect(await store.putIfAbsent(b('k'), b('first'))).toBeUndefined();
        expect(await store.get(b('k'))).toEqual(b('first'));
        expect(await store.putIfAbsent(b('k'), b('second'))).toEqual(b('first'));
        expect(await store.get(b('k'))).toEqual(b('first'));
        await store.delete(b('k'));
        expect(await store.putIfAbsent(b('k'), b('third'))).toBeUndefined();
        expect(await store.get(b('k'))).toEqual(b('third'));
      });

      it('putAll() writes puts and null deletes in order; the last write of a key wins', async () => {
        const store = await open();
        await store.put(b('gone'), b('x'));
        await store.putAll([
          { key: b('a'), value: b('1') },
          { key: b('gone'), value: null },
          { key: b('b'), value: b('2') },
          { key: b('a'), value: b('3') },
          { key: b('c'), value: b('4') },
          { key: b('c'), value: null },
        ]);
        expect(await collect(store.all())).toEqual([['a', '3'], ['b', '2']]);
        await store.putAll([]);
        expect(await store.approximateNumEntries()).toBe(2);
      });

      it('getMany() answers in the order asked, undefined where absent', async () => {
        const store = await withKeys(['a', 'b', 'c']);
        const values = await store.getMany([b('c'), b('x'), b('a'), b('c')]);
        expect(values.map((v) => v?.toString())).toEqual(['v-c', undefined, 'v-a', 'v-c']);
        expect(await store.getMany([])).toEqual([]);
      });

      it('getMany() of a large batch (LevelDB reads it asynchronously) answers as a small one', async () => {
        const present = Array.from({ length: 40 }, (_, i) => `k${i}`);
        const store = await withKeys(present);
        const asked = [...present.map((k, i) => (i % 3 === 0 ? `absent-${i}` : k))].reverse();
        const values = await store.getMany(asked.map(b));
        expect(values.map((v) => v?.toString())).toEqual(asked.map((k) => (k.startsWith('absent') ? undefined : `v-${k}`)));
      });
    });

    describe('order: unsigned bytes of the key', () => {
      it('orders strings by their UTF-8 bytes, not by JavaScript string order', async () => {
        // '！' (U+FF01) is ef bc 81 in UTF-8, before '😀' (f0 9f 98 80); in UTF-16 it is after (ff01 > d83d).
        const keys = ['😀', '！', 'z', '2', '10', 'a', 'é', '中', '1', 'Z'];
        const store = await withKeys(keys);
        const expected = ['1', '10', '2', 'Z', 'a', 'z', 'é', '中', '！', '😀'];
        expect((await collect(store.all())).map(([k]) => k)).toEqual(expected);
        expect((await collect(store.reverseAll())).map(([k]) => k)).toEqual([...expected].reverse());
        expect([...keys].sort()).not.toEqual(expected); // the JavaScript order would differ
      });

      it('orders binary keys as unsigned bytes: 0x7f before 0x80 before 0xff, a prefix first', async () => {
        const store = await open();
        for (const hex of ['ff', '80', 'ff00', '00', '7f', '0000', '01ff', '7fff']) await store.put(x(hex), x(hex));
        expect(await keysOf(store.all())).toEqual(['00', '0000', '01ff', '7f', '7fff', '80', 'ff', 'ff00']);
        expect(await keysOf(store.range(x('7f'), x('ff')))).toEqual(['7f', '7fff', '80', 'ff']);
      });
    });

    describe('range and reverseRange', () => {
      const keys = ['a', 'b', 'c', 'd', 'e'];

      it('includes both bounds', async () => {
        const store = await withKeys(keys);
        expect(await collect(store.range(b('b'), b('d')))).toEqual([['b', 'v-b'], ['c', 'v-c'], ['d', 'v-d']]);
        expect((await collect(store.range(b('c'), b('c')))).map(([k]) => k)).toEqual(['c']);
      });

      it('accepts bounds that are not keys', async () => {
        const store = await withKeys(keys);
        expect((await collect(store.range(b('bb'), b('dd')))).map(([k]) => k)).toEqual(['c', 'd']);
        expect((await collect(store.range(b('0'), b('zz')))).map(([k]) => k)).toEqual(keys);
        expect(await collect(store.range(b('x'), b('z')))).toEqual([]);
      });

      it('leaves a missing bound open', async () => {
        const store = await withKeys(keys);
        expect((await collect(store.range(undefined, b('b')))).map(([k]) => k)).toEqual(['a', 'b']);
        expect((await collect(store.range(b('d')))).map(([k]) => k)).toEqual(['d', 'e']);
        expect((await collect(store.range())).map(([k]) => k)).toEqual(keys);
      });

      it('is empty when from is after to', async () => {
        const store = await withKeys(keys);
        expect(await collect(store.range(b('d'), b('b')))).toEqual([]);
        expect(await collect(store.reverseRange(b('d'), b('b')))).toEqual([]);
      });

      it('reverseRange() yields the same entries in descending order', async () => {
        const store = await withKeys(keys);
        expect((await collect(store.reverseRange(b('b'), b('d')))).map(([k]) => k)).toEqual(['d', 'c', 'b']);
        expect((await collect(store.reverseRange(undefined, b('b')))).map(([k]) => k)).toEqual(['b', 'a']);
        expect((await collect(store.reverseRange(b('d')))).map(([k]) => k)).toEqual(['e', 'd']);
        expect((await collect(store.reverseRange(b('bb'), b('dd')))).map(([k]) => k)).toEqual(['d', 'c']);
      });

      it('can be iterated again, seeing the store as it is then', async () => {
        const store = await withKeys(['a', 'b']);
        const scan = store.range();
        expect((await collect(scan)).map(([k]) => k)).toEqual(['a', 'b']);
        await store.put(b('c'), b('v-c'));
        expect((await collect(scan)).map(([k]) => k)).toEqual(['a', 'b', 'c']);
      });
    });

    describe('prefixScan', () => {
      it('yields exactly the keys that start with the prefix, in order', async () => {
        const store = await withKeys(['ab', 'a', 'abd', 'ac', 'abc', 'b', 'aa']);
        await store.put(Buffer.concat([b('ab'), x('ff')]), b('ff'));
        await store.put(Buffer.concat([b('ab'), x('ff00')]), b('ff00'));
        expect(await keysOf(store.prefixScan(b('ab')))).toEqual(['6162', '616263', '616264', '6162ff', '6162ff00']);
        expect(await keysOf(store.prefixScan(b('abc')))).toEqual(['616263']);
        expect(await keysOf(store.prefixScan(b('zz')))).toEqual([]);
      });

      it('handles prefixes ending in 0xff and prefixes of only 0xff', async () => {
        const store = await open();
        for (const hex of ['fe', 'feff', 'feff01', 'ff', 'ff00', 'ffff', 'ffff7f', '01']) await store.put(x(hex), x(hex));
        expect(await keysOf(store.prefixScan(x('feff')))).toEqual(['feff', 'feff01']);
        expect(await keysOf(store.prefixScan(x('ff')))).toEqual(['ff', 'ff00', 'ffff', 'ffff7f']);
        expect(await keysOf(store.prefixScan(x('ffff')))).toEqual(['ffff', 'ffff7f']);
      });

      it('with an empty prefix yields everything', async () => {
        const store = await withKeys(['b', 'a']);
        expect((await collect(store.prefixScan(Buffer.alloc(0)))).map(([k]) => k)).toEqual(['a', 'b']);
      });
    });

    describe('iterators', () => {
      it('opens no iterator until the loop starts', async () => {
        const store = await withKeys(['a', 'b']);
        const scan = store.range();
        expect(store.openIterators).toBe(0);
        const iterator = scan[Symbol.asyncIterator]();
        await iterator.next();
        expect(store.openIterators).toBe(1);
        await iterator.return?.();
        expect(store.openIterators).toBe(0);
      });

      it('releases the iterator when a loop breaks early, and close() then completes', async () => {
        const store = await open();
        await store.putAll(Array.from({ length: 3000 }, (_, i) => ({ key: b(`k${String(i).padStart(5, '0')}`), value: b('v') })));
        const scans = [store.all(), store.reverseAll(), store.range(b('k00100'), b('k02000')), store.reverseRange(b('k00100')), store.prefixScan(b('k01'))];
        for (const scan of scans) {
          let seen = 0;
          for await (const _ of scan) {
            expect(store.openIterators).toBe(1);
            if (++seen === 3) break;
          }
          expect(seen).toBe(3);
          expect(store.openIterators).toBe(0);
        }
        await expect(withTimeout(store.close(), 5_000)).resolves.toBeUndefined();
      });

      it('releases the iterator when the loop body throws', async () => {
        const store = await withKeys(['a', 'b', 'c']);
        await expect((async () => {
          for await (const _ of store.all()) throw new Error('boom');
        })()).rejects.toThrow('boom');
        expect(store.openIterators).toBe(0);
      });

      it('counts scans running at once', async () => {
        const store = await withKeys(['a', 'b', 'c']);
        const first = store.all()[Symbol.asyncIterator]();
        const second = store.range(b('b'))[Symbol.asyncIterator]();
        await first.next();
        await second.next();
        expect(store.openIterators).toBe(2);
        await first.return?.();
        expect(store.openIterators).toBe(1);
        for (;;) if ((await second.next()).done) break;
        expect(store.openIterators).toBe(0);
      });

      it('close() completes with a scan abandoned mid-way, and the store reopens', async () => {
        const location = await factory.newLocation();
        const store = factory.create(location);
        await store.init();
        await store.putAll(Array.from({ length: 100 }, (_, i) => ({ key: b(`k${i}`), value: b('v') })));
        const abandoned = store.all()[Symbol.asyncIterator]();
        await abandoned.next();
        expect(store.openIterators).toBe(1);
        await expect(withTimeout(store.close(), 5_000)).resolves.toBeUndefined();
        expect(store.openIterators).toBe(0);
        await expect(abandoned.next()).rejects.toThrow(InvalidStateStoreException);
        await store.init();
        opened.push(store);
        expect(store.openIterators).toBe(0);
        expect(await store.approximateNumEntries()).toBe(factory.supports.persistent ? 100 : 0);
      });

      it('survives writes during a scan: ascending, no repeats, every untouched key once', async () => {
        const store = await open();
        const key = (i: number): Buffer => b(`k${String(i).padStart(5, '0')}`);
        await store.putAll(Array.from({ length: 2000 }, (_, i) => ({ key: key(i * 2), value: b('v') })));
        const seen: string[] = [];
        let step = 0;
        for await (const entry of store.all()) {
          seen.push(entry.key.toString());
          step++;
          if (step % 50 === 0) {
            await store.put(key(step * 2 + 1), b('new')); // an odd key just ahead of the scan
            await store.delete(key(step * 2 + 40)); // an even key ahead of the scan
            await store.put(key(1), b('behind')); // a key already passed
          }
        }
        const sorted = [...seen].sort();
        expect(seen).toEqual(sorted);
        expect(new Set(seen).size).toBe(seen.length);
        const touched = new Set(Array.from({ length: 41 }, (_, i) => key((i + 1) * 50 * 2 + 40).toString()));
        for (let i = 0; i < 2000; i++) {
          const k = key(i * 2).toString();
          if (!touched.has(k)) expect(seen).toContain(k);
        }
      });
    });

    describe('approximateNumEntries', () => {
      it('counts entries and follows writes and deletes', async () => {
        const store = await open();
        expect(await store.approximateNumEntries()).toBe(0);
        await store.putAll(Array.from({ length: 100 }, (_, i) => ({ key: b(`k${i}`), value: b('v') })));
        expect(await store.approximateNumEntries()).toBe(100);
        await store.put(b('k1'), b('overwritten'));
        await store.delete(b('k2'));
        await store.put(b('k3'), null);
        expect(await store.approximateNumEntries()).toBe(98);
        await store.put(b('new'), b('v'));
        expect(await store.approximateNumEntries()).toBe(99);
      });
    });

    it('agrees with a simple model over 3,000 random writes, deletes and scans', async () => {
      const random = prng(42);
      const store = await open();
      const model = new Map<string, string>();
      const randomKey = (): Buffer => {
        const key = Buffer.alloc(1 + Math.floor(random() * 3));
        for (let i = 0; i < key.length; i++) key[i] = [0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff, 0x61][Math.floor(random() * 7)]!;
        return key;
      };
      for (let op = 0; op < 3000; op++) {
        const key = randomKey();
        const roll = random();
        if (roll < 0.6) {
          const value = `${op}`;
          await store.put(key, b(value));
          model.set(key.toString('hex'), value);
        } else if (roll < 0.8) {
          await store.delete(key);
          model.delete(key.toString('hex'));
        } else {
          const [lo, hi] = [randomKey().toString('hex'), randomKey().toString('hex')].sort(byHex) as [string, string];
          const expected = [...model.keys()].filter((k) => k >= lo && k <= hi).sort(byHex);
          expect(await keysOf(store.range(x(lo), x(hi)))).toEqual(expected);
          expect(await keysOf(store.reverseRange(x(lo), x(hi)))).toEqual([...expected].reverse());
          const prefix = randomKey().toString('hex').slice(0, 2);
          expect(await keysOf(store.prefixScan(x(prefix)))).toEqual([...model.keys()].filter((k) => k.startsWith(prefix)).sort(byHex));
        }
      }
      const all: Array<[string, string]> = [];
      for await (const { key, value } of store.all()) all.push([key.toString('hex'), value.toString()]);
      expect(all).toEqual([...model.entries()].sort(([a], [c]) => byHex(a, c)));
      expect(await store.approximateNumEntries()).toBe(model.size);
    });
  });
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
