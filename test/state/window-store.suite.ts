import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateStoreException } from '../../src/errors.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import type { WindowStore } from '../../src/state/window-store.js';
import type { WindowStoreOptions } from '../../src/state/window-store-options.js';
import { TimeWindow, type Windowed } from '../../src/state/windowed.js';

/**
 * The one conformance suite of byte window stores, run against every implementation through a
 * factory (as the key-value suite, and Kafka Streams' AbstractWindowBytesStoreTest).
 */
export interface WindowStoreFactory {
  /** A new, unopened store; the same `location` reaches the same data when the store is persistent. */
  create(location: string, options: WindowStoreOptions): WindowStore<Buffer, Buffer>;
  /** A fresh location for one test. */
  newLocation(): Promise<string>;
  /**
   * The entries the store really holds, live or not (for LevelDB: counted in the segment
   * databases on disk, which may close the store first). Shows that retention deletes data.
   */
  countStoredEntries(store: WindowStore<Buffer, Buffer>, location: string): Promise<number>;
  readonly supports: {
    readonly persistent: boolean;
    /** Retention deletes whole segments of `segmentIntervalMs` rather than each window. */
    readonly segments: boolean;
  };
}

type Bytes = WindowStore<Buffer, Buffer>;

const b = (text: string): Buffer => Buffer.from(text, 'utf8');
const x = (hex: string): Buffer => Buffer.from(hex, 'hex');

async function times(entries: AsyncIterable<KeyValue<number, Buffer>>): Promise<Array<[number, string]>> {
  const out: Array<[number, string]> = [];
  for await (const { key, value } of entries) out.push([key, value.toString('utf8')]);
  return out;
}

/** Windowed entries as [key hex, start, end, value]. */
async function windows(entries: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): Promise<Array<[string, number, number, string]>> {
  const out: Array<[string, number, number, string]> = [];
  for await (const { key, value } of entries) {
    expect(key.window()).toBeInstanceOf(TimeWindow);
    out.push([key.key().toString('hex'), key.window().start(), key.window().end(), value.toString('utf8')]);
  }
  return out;
}

/** Byte order oracle without Buffer.compare: hex strings sort as their bytes do. */
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

/** Keys whose bytes are prefixes of each other, and a key that ends like a stored window start would. */
const PREFIX_KEYS = ['', '61', '6100', '610000', '6101', '6162', '61ff', '62', Buffer.concat([x('61'), x('0000000000000005'), x('00000000')]).toString('hex')];

export function windowStoreSuite(implementation: string, factory: WindowStoreFactory): void {
  describe(`${implementation} conforms to WindowStore`, () => {
    const opened: Bytes[] = [];
    async function open(options: Partial<WindowStoreOptions> = {}, location?: string): Promise<Bytes> {
      const store = factory.create(location ?? (await factory.newLocation()), { retentionPeriodMs: 10_000, windowSizeMs: 10, ...options });
      await store.init();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('lifecycle', () => {
      it('is closed until init() and after close(); close() is idempotent; reports its options', async () => {
        const store = factory.create(await factory.newLocation(), { retentionPeriodMs: 500, windowSizeMs: 100, retainDuplicates: true });
        expect(store.isOpen).toBe(false);
        await store.init();
        expect(store.isOpen).toBe(true);
        expect(store.persistent).toBe(factory.supports.persistent);
        expect([store.retentionPeriodMs, store.windowSizeMs, store.retainDuplicates]).toEqual([500, 100, true]);
        await store.close();
        expect(store.isOpen).toBe(false);
        await store.close();
      });

      it('rejects reads, writes and scans on a closed store with InvalidStateStoreException', async () => {
        const store = await open();
        await store.put(b('a'), b('1'), 0);
        await store.close();
        await expect(store.put(b('a'), b('2'), 0)).rejects.toThrow(/Store .* is currently closed/);
        await expect(store.putAll([{ key: b('a'), value: b('2'), windowStartMs: 0 }])).rejects.toThrow(InvalidStateStoreException);
        await expect(store.fetch(b('a'), 0)).rejects.toThrow(InvalidStateStoreException);
        expect(() => store.fetch(b('a'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.backwardFetch(b('a'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.fetchRange(b('a'), b('b'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.fetchAll(0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.all()).toThrow(InvalidStateStoreException);
        expect(() => store.backwardAll()).toThrow(InvalidStateStoreException);
      });

      it(factory.supports.persistent ? 'keeps its windows and its stream time across close() and reopen' : 'loses its data on close(), as Kafka Streams\' in-memory store', async () => {
        const location = await factory.newLocation();
        const options = { retentionPeriodMs: 1000, windowSizeMs: 100, segmentIntervalMs: 500 };
        const first = factory.create(location, options);
        await first.init();
        await first.put(b('a'), b('1'), 0);
        await first.putAll([{ key: b('a'), value: b('2'), windowStartMs: 900 }, { key: b('b'), value: b('3'), windowStartMs: 1500 }]);
        await first.flush();
        await first.close();

        const again = await open(options, location);
        if (factory.supports.persistent) {
          // Window 0 expired at stream time 1500 before the close and stays hidden;
          expect(await times(again.fetch(b('a'), 0, 2000))).toEqual([[900, '2']]);
          expect(await windows(again.all())).toEqual([['61', 900, 1000, '2'], ['62', 1500, 1600, '3']]);
          // stream time survived too: a put at 400 (<= 1500 - 1000) is still skipped as expired.
          await again.put(b('c'), b('late'), 400);
          expect(await again.fetch(b('c'), 400)).toBeUndefined();
        } else {
          expect(await windows(again.all())).toEqual([]);
          await again.put(b('c'), b('early'), 400);
          expect(await again.fetch(b('c'), 400)).toEqual(b('early'));
        }
      });

      it('flush() keeps every write readable', async () => {
        const store = await open();
        await store.put(b('a'), b('1'), 5);
        await store.put(b('b'), null, 5);
        await store.flush();
        await store.flush();
        expect(await store.fetch(b('a'), 5)).toEqual(b('1'));
      });
    });

    describe('put and point fetch', () => {
      it('puts, overwrites, deletes with null; windows of one key are independent', async () => {
        const store = await open();
        expect(await store.fetch(b('k'), 0)).toBeUndefined();
        await store.put(b('k'), b('one'), 0);
        await store.put(b('k'), b('ten'), 10);
        expect(await store.fetch(b('k'), 0)).toEqual(b('one'));
        await store.put(b('k'), b('uno'), 0);
        expect(await store.fetch(b('k'), 0)).toEqual(b('uno'));
        expect(await store.fetch(b('k'), 10)).toEqual(b('ten'));
        expect(await store.fetch(b('k'), 5)).toBeUndefined();
        await store.put(b('k'), null, 0);
        expect(await store.fetch(b('k'), 0)).toBeUndefined();
        expect(await times(store.fetch(b('k'), 0, 100))).toEqual([[10, 'ten']]);
        await store.put(b('never'), null, 20);
        expect(await windows(store.all())).toEqual([['6b', 10, 20, 'ten']]);
      });

      it('stores empty keys and empty values', async () => {
        const store = await open();
        await store.put(Buffer.alloc(0), b('empty key'), 3);
        await store.put(b('e'), Buffer.alloc(0), 3);
        expect(await store.fetch(Buffer.alloc(0), 3)).toEqual(b('empty key'));
        expect(await store.fetch(b('e'), 3)).toEqual(Buffer.alloc(0));
        expect(await windows(store.all())).toEqual([['', 3, 13, 'empty key'], ['65', 3, 13, '']]);
      });

      it('is not affected when the caller later changes the Buffers it wrote', async () => {
        const store = await open();
        const key = b('key');
        const value = b('value');
        await store.put(key, value, 7);
        key.fill(0x21);
        value.fill(0x21);
        expect(await store.fetch(b('key'), 7)).toEqual(b('value'));
        expect(await store.fetch(b('!!!'), 7)).toBeUndefined();
      });

      it('rejects window starts that are negative or not integers, and a bad batch writes nothing', async () => {
        const store = await open();
        await expect(store.put(b('k'), b('v'), -1)).rejects.toThrow(RangeError);
        await expect(store.put(b('k'), b('v'), 1.5)).rejects.toThrow(RangeError);
        await expect(store.put(b('k'), b('v'), Number.NaN)).rejects.toThrow(RangeError);
        await expect(store.putAll([{ key: b('ok'), value: b('v'), windowStartMs: 1 }, { key: b('k'), value: b('v'), windowStartMs: -5 }])).rejects.toThrow(RangeError);
        expect(await windows(store.all())).toEqual([]);
        expect(await store.fetch(b('k'), -1)).toBeUndefined();
        expect(await store.fetch(b('k'), 1.5)).toBeUndefined();
      });

      it('putAll() applies puts and null deletes in order, across segments', async () => {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 1000 });
        await store.put(b('gone'), b('x'), 500);
        await store.putAll([
          { key: b('a'), value: b('1'), windowStartMs: 0 },
          { key: b('gone'), value: null, windowStartMs: 500 },
          { key: b('a'), value: b('2'), windowStartMs: 2500 },
          { key: b('a'), value: b('3'), windowStartMs: 0 },
          { key: b('c'), value: b('4'), windowStartMs: 7000 },
          { key: b('c'), value: null, windowStartMs: 7000 },
        ]);
        expect(await windows(store.all())).toEqual([['61', 0, 10, '3'], ['61', 2500, 2510, '2']]);
        await store.putAll([]);
      });
    });

    describe('fetch(key, timeFrom, timeTo)', () => {
      it('yields the key\'s windows with a start in [from, to], ascending; backwardFetch descending', async () => {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 1000 });
        for (const start of [3000, 0, 999, 1000, 2500, 10]) await store.put(b('k'), b(`v${start}`), start);
        await store.put(b('other'), b('o'), 1000);
        expect(await times(store.fetch(b('k'), 0, 3000))).toEqual([[0, 'v0'], [10, 'v10'], [999, 'v999'], [1000, 'v1000'], [2500, 'v2500'], [3000, 'v3000']]);
        expect(await times(store.fetch(b('k'), 10, 1000))).toEqual([[10, 'v10'], [999, 'v999'], [1000, 'v1000']]);
        expect(await times(store.fetch(b('k'), 11, 998))).toEqual([]);
        expect(await times(store.backwardFetch(b('k'), 10, 2500))).toEqual([[2500, 'v2500'], [1000, 'v1000'], [999, 'v999'], [10, 'v10']]);
        expect(await times(store.fetch(b('k'), 1000, 1000))).toEqual([[1000, 'v1000']]);
      });

      it('is empty when from is after to; clamps negative and infinite bounds', async () => {
        const store = await open();
        await store.put(b('k'), b('a'), 0);
        await store.put(b('k'), b('b'), 50);
        expect(await times(store.fetch(b('k'), 50, 0))).toEqual([]);
        expect(await times(store.backwardFetch(b('k'), 50, 0))).toEqual([]);
        expect(await times(store.fetch(b('k'), -100, Number.POSITIVE_INFINITY))).toEqual([[0, 'a'], [50, 'b']]);
        expect(await times(store.fetch(b('k'), Number.NEGATIVE_INFINITY, -1))).toEqual([]);
        expect(() => store.fetch(b('k'), Number.NaN, 10)).toThrow(TypeError);
      });

      it('yields only the key asked, even when other keys start with its bytes', async () => {
        const store = await open();
        for (const [i, hex] of PREFIX_KEYS.entries()) {
          for (const start of [0, 5, 7]) await store.put(x(hex), b(`${hex}@${start}#${i}`), start);
        }
        for (const [i, hex] of PREFIX_KEYS.entries()) {
          expect(await times(store.fetch(x(hex), 0, 10))).toEqual([0, 5, 7].map((s) => [s, `${hex}@${s}#${i}`]));
          expect(await times(store.backwardFetch(x(hex), 5, 5))).toEqual([[5, `${hex}@5#${i}`]]);
          expect(await store.fetch(x(hex), 5)).toEqual(b(`${hex}@5#${i}`));
        }
      });
    });

    describe('fetchRange, fetchAll and all', () => {
      const binaryKeys = ['ff', '80', 'ff00', '00', '7f', '0000', '01ff', '7fff', ...PREFIX_KEYS];

      async function withBinaryKeys(): Promise<Bytes> {
        const store = await open({ retentionPeriodMs: 100_000, windowSizeMs: 10, segmentIntervalMs: 100 });
        // Starts spread over several segments, written newest first so no order comes from writing.
        for (const start of [250, 120, 0]) for (const hex of binaryKeys) await store.put(x(hex), b(`${hex}@${start}`), start);
        return store;
      }

      function expected(keys: readonly string[], starts: readonly number[]): Array<[string, number, number, string]> {
        const sortedKeys = [...new Set(keys)].sort(byHex);
        return sortedKeys.flatMap((hex) => starts.map((s): [string, number, number, string] => [hex, s, s + 10, `${hex}@${s}`]));
      }

      it('orders by key bytes (unsigned, a prefix first), then by window start', async () => {
        const store = await withBinaryKeys();
        const all = expected(binaryKeys, [0, 120, 250]);
        expect(await windows(store.all())).toEqual(all);
        expect(await windows(store.backwardAll())).toEqual([...all].reverse());
        expect(await windows(store.fetchAll(0, 300))).toEqual(all);
        expect(await windows(store.fetchAll(100, 250))).toEqual(expected(binaryKeys, [120, 250]));
        expect(await windows(store.backwardFetchAll(0, 119))).toEqual([...expected(binaryKeys, [0])].reverse());
      });

      it('includes both key bounds and both time bounds; bounds need not be keys', async () => {
        const store = await withBinaryKeys();
        const inRange = binaryKeys.filter((k) => k >= '61' && k <= '6162');
        expect(await windows(store.fetchRange(x('61'), x('6162'), 120, 250))).toEqual(expected(inRange, [120, 250]));
        expect(await windows(store.backwardFetchRange(x('61'), x('6162'), 120, 250))).toEqual([...expected(inRange, [120, 250])].reverse());
        expect(await windows(store.fetchRange(x('7f'), x('7f'), 0, 0))).toEqual(expected(['7f'], [0]));
        const between = binaryKeys.filter((k) => k > '0001' && k < '7f01');
        expect(await windows(store.fetchRange(x('0001'), x('7f01'), 0, 1000))).toEqual(expected(between, [0, 120, 250]));
      });

      it('leaves a missing key bound open; is empty when keyFrom is after keyTo', async () => {
        const store = await withBinaryKeys();
        expect(await windows(store.fetchRange(undefined, x('0000'), 0, 300))).toEqual(expected(['', '00', '0000'], [0, 120, 250]));
        expect(await windows(store.fetchRange(x('ff'), undefined, 100, 200))).toEqual(expected(['ff', 'ff00'], [120]));
        expect(await windows(store.fetchRange(undefined, undefined, 250, 250))).toEqual(expected(binaryKeys, [250]));
        expect(await windows(store.fetchRange(x('80'), x('7f'), 0, 300))).toEqual([]);
        expect(await windows(store.backwardFetchRange(x('80'), x('7f'), 0, 300))).toEqual([]);
      });

      it('orders text keys by their UTF-8 bytes, not by JavaScript string order', async () => {
        const store = await open();
        const keys = ['😀', '！', 'z', '2', '10', 'a', 'é', '中', '1', 'Z'];
        for (const key of keys) await store.put(b(key), b(key), 0);
        const expectedOrder = ['1', '10', '2', 'Z', 'a', 'z', 'é', '中', '！', '😀'];
        const seen: string[] = [];
        for await (const { key } of store.fetchAll(0, 0)) seen.push(key.key().toString('utf8'));
        expect(seen).toEqual(expectedOrder);
        expect([...keys].sort()).not.toEqual(expectedOrder);
      });

      it('builds each window as [start, start + windowSize)', async () => {
        const store = await open({ windowSizeMs: 5000 });
        await store.put(b('k'), b('v'), 10_000);
        for await (const { key } of store.all()) {
          expect(key.window().start()).toBe(10_000);
          expect(key.window().end()).toBe(15_000);
          expect(key.window().startTime()).toEqual(new Date(10_000));
          expect(key.window().endTime()).toEqual(new Date(15_000));
        }
      });
    });

    describe('duplicates (retainDuplicates, stream-stream join buffers)', () => {
      it('keeps every put as its own entry, in arrival order within a window start', async () => {
        const store = await open({ retainDuplicates: true });
        await store.put(b('k'), b('first'), 5);
        await store.put(b('k'), b('second'), 5);
        await store.put(b('k'), b('early'), 1);
        await store.put(b('k'), b('second'), 5);
        await store.putAll([{ key: b('k'), value: b('third'), windowStartMs: 5 }, { key: b('j'), value: b('j'), windowStartMs: 5 }]);
        expect(await times(store.fetch(b('k'), 0, 10))).toEqual([[1, 'early'], [5, 'first'], [5, 'second'], [5, 'second'], [5, 'third']]);
        expect(await times(store.backwardFetch(b('k'), 0, 10))).toEqual([[5, 'third'], [5, 'second'], [5, 'second'], [5, 'first'], [1, 'early']]);
        expect(await windows(store.fetchAll(5, 5))).toEqual([
          ['6a', 5, 15, 'j'], ['6b', 5, 15, 'first'], ['6b', 5, 15, 'second'], ['6b', 5, 15, 'second'], ['6b', 5, 15, 'third'],
        ]);
        expect(await store.fetch(b('k'), 5)).toEqual(b('third'));
      });

      it('ignores null puts (Kafka Streams: a delete is a no-op in a duplicates store)', async () => {
        const store = await open({ retainDuplicates: true });
        await store.put(b('k'), b('v'), 5);
        await store.put(b('k'), null, 5);
        await store.putAll([{ key: b('k'), value: null, windowStartMs: 5 }]);
        expect(await times(store.fetch(b('k'), 0, 10))).toEqual([[5, 'v']]);
      });
    });

    describe('retention', () => {
      it('hides and skips windows with start <= observedStreamTime - retention (SEMANTICS §2.5)', async () => {
        const store = await open({ retentionPeriodMs: 100, windowSizeMs: 10 });
        await store.put(b('k'), b('0'), 0);
        await store.put(b('k'), b('50'), 50);
        await store.put(b('k'), b('99'), 99);
        // Stream time 99: window 0 is live (0 > 99 - 100).
        expect(await times(store.fetch(b('k'), 0, 200))).toEqual([[0, '0'], [50, '50'], [99, '99']]);
        await store.put(b('other'), b('x'), 100); // stream time is the store's, moved by any key
        expect(await times(store.fetch(b('k'), 0, 200))).toEqual([[50, '50'], [99, '99']]);
        expect(await store.fetch(b('k'), 0)).toBeUndefined();
        await store.put(b('k'), b('late'), 0); // expired: skipped
        expect(await store.fetch(b('k'), 0)).toBeUndefined();
        await store.put(b('k'), b('1'), 1); // 1 > 100 - 100: still accepted
        expect(await times(store.fetch(b('k'), 0, 200))).toEqual([[1, '1'], [50, '50'], [99, '99']]);
        await store.put(b('k'), null, 250); // deletes move stream time too
        expect(await windows(store.all())).toEqual([]);
        expect(await windows(store.fetchAll(0, 1000))).toEqual([]);
        expect(await windows(store.fetchRange(b('k'), b('k'), 0, 1000))).toEqual([]);
      });

      it('deletes expired data, not only hides it', async () => {
        const location = await factory.newLocation();
        const store = factory.create(location, { retentionPeriodMs: 1000, windowSizeMs: 100, segmentIntervalMs: 500 });
        await store.init();
        opened.push(store);
        for (let start = 0; start <= 9900; start += 100) {
          for (const key of ['a', 'b', 'c']) await store.put(b(key), b(`${start}`), start);
        }
        // Stream time 9900: live windows start after 8900, 10 starts x 3 keys.
        const live = await windows(store.all());
        expect(live).toHaveLength(30);
        expect(live[0]).toEqual(['61', 9000, 9100, '9000']);
        // Segmented stores keep the partly expired segment [8500, 9000) whole: 5 more starts.
        expect(await factory.countStoredEntries(store, location)).toBe(factory.supports.segments ? 45 : 30);
      });

      it('lets a running scan finish while retention expires what it reads', async () => {
        const store = await open({ retentionPeriodMs: 1000, windowSizeMs: 10, segmentIntervalMs: 500 });
        for (let start = 0; start < 1000; start += 10) await store.put(b('k'), b(`${start}`), start);
        const seen: number[] = [];
        for await (const { key } of store.fetchAll(0, 1000)) {
          seen.push(key.window().start());
          if (seen.length === 3) await store.put(b('k'), b('far'), 50_000); // expires every window read here
        }
        expect(seen.slice(0, 3)).toEqual([0, 10, 20]);
        expect(seen).toEqual([...seen].sort((p, q) => p - q));
        expect(store.openIterators).toBe(0);
        expect(await windows(store.all())).toEqual([['6b', 50_000, 50_010, 'far']]);
      });
    });

    describe('iterators', () => {
      it('opens no iterator until the loop starts and releases it when the loop breaks or throws', async () => {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 10_000 });
        await store.putAll(Array.from({ length: 3000 }, (_, i) => ({ key: b(`k${i % 7}`), value: b('v'), windowStartMs: i * 10 })));
        const scans: Array<AsyncIterable<unknown>> = [
          store.fetch(b('k1'), 0, 30_000), store.backwardFetch(b('k1'), 0, 30_000), store.fetchRange(b('k1'), b('k5'), 0, 30_000),
          store.backwardFetchRange(undefined, b('k3'), 0, 30_000), store.fetchAll(0, 30_000), store.backwardFetchAll(100, 20_000), store.all(), store.backwardAll(),
        ];
        for (const scan of scans) {
          expect(store.openIterators).toBe(0);
          let seen = 0;
          for await (const _ of scan) {
            expect(store.openIterators).toBe(1);
            if (++seen === 3) break;
          }
          expect(seen).toBe(3);
          expect(store.openIterators).toBe(0);
        }
        await expect((async () => {
          for await (const _ of store.all()) throw new Error('boom');
        })()).rejects.toThrow('boom');
        expect(store.openIterators).toBe(0);
      });

      it('close() completes with a scan abandoned mid-way; the scan then fails as closed', async () => {
        const location = await factory.newLocation();
        const store = factory.create(location, { retentionPeriodMs: 100_000, windowSizeMs: 10, segmentIntervalMs: 1000 });
        await store.init();
        await store.putAll(Array.from({ length: 200 }, (_, i) => ({ key: b(`k${i}`), value: b('v'), windowStartMs: i * 100 })));
        const abandoned = store.all()[Symbol.asyncIterator]();
        await abandoned.next();
        expect(store.openIterators).toBe(1);
        await expect(withTimeout(store.close(), 5_000)).resolves.toBeUndefined();
        expect(store.openIterators).toBe(0);
        await expect(abandoned.next()).rejects.toThrow(InvalidStateStoreException);
        await store.init();
        opened.push(store);
        expect((await windows(store.all())).length).toBe(factory.supports.persistent ? 200 : 0);
      });
    });

    it('agrees with a simple model over 2,000 random puts, deletes and queries with retention', async () => {
      const random = prng(7);
      const retention = 500;
      const size = 50;
      const store = await open({ retentionPeriodMs: retention, windowSizeMs: size, segmentIntervalMs: 200 });
      const model = new Map<string, { hex: string; start: number; value: string }>();
      let streamTime = -1;
      let clock = 0;
      const alphabet = [0x00, 0x01, 0x61, 0x7f, 0x80, 0xff];
      const randomKey = (): string => {
        const key = Buffer.alloc(Math.floor(random() * 3));
        for (let i = 0; i < key.length; i++) key[i] = alphabet[Math.floor(random() * alphabet.length)]!;
        return key.toString('hex');
      };
      const visible = (): Array<{ hex: string; start: number; value: string }> =>
        [...model.values()].filter((w) => w.start > streamTime - retention).sort((p, q) => byHex(p.hex, q.hex) || p.start - q.start);
      for (let op = 0; op < 2000; op++) {
        clock += Math.floor(random() * 12);
        const roll = random();
        const hex = randomKey();
        const start = Math.max(0, clock - Math.floor(random() * 700));
        if (roll < 0.75) {
          const value = roll < 0.6 ? `${op}` : null;
          await store.put(x(hex), value === null ? null : b(value), start);
          streamTime = Math.max(streamTime, start);
          if (start > streamTime - retention) {
            if (value === null) model.delete(`${hex}|${start}`);
            else model.set(`${hex}|${start}`, { hex, start, value });
          }
        } else {
          const from = clock - Math.floor(random() * 800);
          const to = from + Math.floor(random() * 600);
          const inTime = visible().filter((w) => w.start >= Math.max(from, 0) && w.start <= to);
          const ofKey = inTime.filter((w) => w.hex === hex).map((w): [number, string] => [w.start, w.value]);
          expect(await times(store.fetch(x(hex), from, to))).toEqual(ofKey);
          expect(await times(store.backwardFetch(x(hex), from, to))).toEqual([...ofKey].reverse());
          const [lo, hi] = [randomKey(), randomKey()].sort(byHex) as [string, string];
          const ranged = inTime.filter((w) => w.hex >= lo && w.hex <= hi).map((w): [string, number, number, string] => [w.hex, w.start, w.start + size, w.value]);
          expect(await windows(store.fetchRange(x(lo), x(hi), from, to))).toEqual(ranged);
          expect(await windows(store.backwardFetchRange(x(lo), x(hi), from, to))).toEqual([...ranged].reverse());
          const point = visible().find((w) => w.hex === hex && w.start === start);
          expect((await store.fetch(x(hex), start))?.toString()).toBe(point?.value);
        }
      }
      expect(await windows(store.all())).toEqual(visible().map((w) => [w.hex, w.start, w.start + size, w.value]));
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
