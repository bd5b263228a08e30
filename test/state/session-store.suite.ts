import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateStoreException } from '../../src/errors.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import type { SessionStore } from '../../src/state/session-store.js';
import type { SessionStoreOptions } from '../../src/state/session-store-options.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';

/**
 * The one conformance suite of byte session stores, run against every implementation through a
 * factory (as Kafka Streams' AbstractSessionBytesStoreTest).
 */
export interface SessionStoreFactory {
  /** A new, unopened store; the same `location` reaches the same data when the store is persistent. */
  create(location: string, options: SessionStoreOptions): SessionStore<Buffer, Buffer>;
  newLocation(): Promise<string>;
  /** The entries the store really holds, live or not (LevelDB: counted on disk, which may close the store). */
  countStoredEntries(store: SessionStore<Buffer, Buffer>, location: string): Promise<number>;
  readonly supports: { readonly persistent: boolean; readonly segments: boolean };
}

type Bytes = SessionStore<Buffer, Buffer>;

const b = (text: string): Buffer => Buffer.from(text, 'utf8');
const x = (hex: string): Buffer => Buffer.from(hex, 'hex');
const session = (key: Buffer, start: number, end: number): Windowed<Buffer> => new Windowed(key, new SessionWindow(start, end));

/** Sessions as [key hex, start, end, value]. */
async function sessions(entries: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): Promise<Array<[string, number, number, string]>> {
  const out: Array<[string, number, number, string]> = [];
  for await (const { key, value } of entries) {
    expect(key.window()).toBeInstanceOf(SessionWindow);
    out.push([key.key().toString('hex'), key.window().start(), key.window().end(), value.toString('utf8')]);
  }
  return out;
}

/** [start, end] pairs of one key's sessions. */
async function spans(entries: AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>>): Promise<Array<[number, number]>> {
  return (await sessions(entries)).map(([, start, end]) => [start, end]);
}

const byHex = (a: string, c: string): number => (a < c ? -1 : a > c ? 1 : 0);

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Keys whose bytes are prefixes of each other, and one that ends like stored session times would. */
const PREFIX_KEYS = ['', '61', '6100', '610000', '6101', '6162', '61ff', '62', Buffer.concat([x('61'), x('0000000000000005'), x('0000000000000001')]).toString('hex')];

export function sessionStoreSuite(implementation: string, factory: SessionStoreFactory): void {
  describe(`${implementation} conforms to SessionStore`, () => {
    const opened: Bytes[] = [];
    async function open(options: Partial<SessionStoreOptions> = {}, location?: string): Promise<Bytes> {
      const store = factory.create(location ?? (await factory.newLocation()), { retentionPeriodMs: 10_000, ...options });
      await store.init();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('lifecycle', () => {
      it('is closed until init() and after close(); close() is idempotent; reports its retention', async () => {
        const store = factory.create(await factory.newLocation(), { retentionPeriodMs: 700 });
        expect(store.isOpen).toBe(false);
        await store.init();
        expect(store.isOpen).toBe(true);
        expect(store.persistent).toBe(factory.supports.persistent);
        expect(store.retentionPeriodMs).toBe(700);
        await store.close();
        expect(store.isOpen).toBe(false);
        await store.close();
      });

      it('rejects reads, writes and scans on a closed store with InvalidStateStoreException', async () => {
        const store = await open();
        await store.put(session(b('a'), 0, 0), b('1'));
        await store.close();
        await expect(store.put(session(b('a'), 0, 0), b('2'))).rejects.toThrow(/Store .* is currently closed/);
        await expect(store.putAll([{ sessionKey: session(b('a'), 0, 0), aggregate: b('2') }])).rejects.toThrow(InvalidStateStoreException);
        await expect(store.remove(session(b('a'), 0, 0))).rejects.toThrow(InvalidStateStoreException);
        await expect(store.fetchSession(b('a'), 0, 0)).rejects.toThrow(InvalidStateStoreException);
        expect(() => store.findSessions(b('a'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.backwardFindSessions(b('a'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.findSessionsRange(b('a'), b('b'), 0, 10)).toThrow(InvalidStateStoreException);
        expect(() => store.fetch(b('a'))).toThrow(InvalidStateStoreException);
        expect(() => store.fetchRange(undefined, undefined)).toThrow(InvalidStateStoreException);
      });

      it(factory.supports.persistent ? 'keeps its sessions and its stream time across close() and reopen' : 'loses its data on close(), as Kafka Streams\' in-memory store', async () => {
        const location = await factory.newLocation();
        const options = { retentionPeriodMs: 1000, segmentIntervalMs: 500 };
        const first = factory.create(location, options);
        await first.init();
        await first.put(session(b('a'), 0, 100), b('1'));
        await first.putAll([{ sessionKey: session(b('a'), 800, 900), aggregate: b('2') }, { sessionKey: session(b('b'), 1500, 1500), aggregate: b('3') }]);
        await first.flush();
        await first.close();

        const again = await open(options, location);
        if (factory.supports.persistent) {
          // Session [0, 100] expired at stream time 1500 (100 <= 500) before the close and stays hidden;
          expect(await sessions(again.fetchRange(undefined, undefined))).toEqual([['61', 800, 900, '2'], ['62', 1500, 1500, '3']]);
          expect(await again.fetchSession(b('a'), 800, 900)).toEqual(b('2'));
          // stream time survived too: a session ending at 400 (<= 1500 - 1000) is skipped.
          await again.put(session(b('c'), 300, 400), b('late'));
          expect(await again.fetchSession(b('c'), 300, 400)).toBeUndefined();
        } else {
          expect(await sessions(again.fetchRange(undefined, undefined))).toEqual([]);
          await again.put(session(b('c'), 300, 400), b('early'));
          expect(await again.fetchSession(b('c'), 300, 400)).toEqual(b('early'));
        }
      });

      it('flush() keeps every write readable', async () => {
        const store = await open();
        await store.put(session(b('a'), 1, 5), b('1'));
        await store.flush();
        await store.flush();
        expect(await store.fetchSession(b('a'), 1, 5)).toEqual(b('1'));
      });
    });

    describe('put, fetchSession and remove', () => {
      it('puts, overwrites and removes sessions; sessions of one key are independent', async () => {
        const store = await open();
        expect(await store.fetchSession(b('k'), 0, 0)).toBeUndefined();
        await store.put(session(b('k'), 0, 0), b('point'));
        await store.put(session(b('k'), 0, 10), b('long'));
        await store.put(session(b('k'), 5, 10), b('late start'));
        expect(await store.fetchSession(b('k'), 0, 0)).toEqual(b('point'));
        expect(await store.fetchSession(b('k'), 0, 10)).toEqual(b('long'));
        expect(await store.fetchSession(b('k'), 5, 10)).toEqual(b('late start'));
        expect(await store.fetchSession(b('k'), 0, 5)).toBeUndefined();
        await store.put(session(b('k'), 0, 10), b('longer'));
        expect(await store.fetchSession(b('k'), 0, 10)).toEqual(b('longer'));
        await store.remove(session(b('k'), 0, 0));
        await store.put(session(b('k'), 5, 10), null);
        await store.remove(session(b('never'), 3, 4));
        expect(await sessions(store.fetch(b('k')))).toEqual([['6b', 0, 10, 'longer']]);
        expect(await store.fetchSession(b('k'), 10, 0)).toBeUndefined();
      });

      it('stores empty keys and empty aggregates; is not affected when the caller changes its Buffers', async () => {
        const store = await open();
        const key = b('key');
        const value = b('value');
        await store.put(session(key, 1, 2), value);
        key.fill(0x21);
        value.fill(0x21);
        await store.put(session(Buffer.alloc(0), 3, 3), Buffer.alloc(0));
        expect(await store.fetchSession(b('key'), 1, 2)).toEqual(b('value'));
        expect(await store.fetchSession(Buffer.alloc(0), 3, 3)).toEqual(Buffer.alloc(0));
        expect(await sessions(store.fetchRange(undefined, undefined))).toEqual([['', 3, 3, ''], ['6b6579', 1, 2, 'value']]);
      });

      it('putAll() applies puts and removals in order', async () => {
        const store = await open({ segmentIntervalMs: 1000 });
        await store.put(session(b('gone'), 5, 500), b('x'));
        await store.putAll([
          { sessionKey: session(b('a'), 0, 10), aggregate: b('1') },
          { sessionKey: session(b('gone'), 5, 500), aggregate: null },
          { sessionKey: session(b('a'), 2000, 2600), aggregate: b('2') },
          { sessionKey: session(b('a'), 0, 10), aggregate: b('3') },
          { sessionKey: session(b('c'), 70, 7000), aggregate: b('4') },
          { sessionKey: session(b('c'), 70, 7000), aggregate: null },
        ]);
        expect(await sessions(store.fetchRange(undefined, undefined))).toEqual([['61', 0, 10, '3'], ['61', 2000, 2600, '2']]);
        await store.putAll([]);
      });
    });

    describe('findSessions: the merge search (SEMANTICS §4.1)', () => {
      async function withSessions(): Promise<Bytes> {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 10 });
        // Written in no particular order, spread over several segments of session end.
        for (const [start, end] of [[15, 30], [6, 20], [0, 0], [10, 10], [3, 5], [0, 5]] as const) {
          await store.put(session(b('k'), start, end), b(`${start}-${end}`));
        }
        await store.put(session(b('other'), 6, 8), b('o'));
        return store;
      }

      it('yields sessions with end >= earliestEnd and start <= latestStart, by ascending (end, start)', async () => {
        const store = await withSessions();
        expect(await spans(store.findSessions(b('k'), 5, 10))).toEqual([[0, 5], [3, 5], [10, 10], [6, 20]]);
        expect(await spans(store.backwardFindSessions(b('k'), 5, 10))).toEqual([[6, 20], [10, 10], [3, 5], [0, 5]]);
        expect(await spans(store.findSessions(b('k'), 0, Number.MAX_SAFE_INTEGER))).toEqual([[0, 0], [0, 5], [3, 5], [10, 10], [6, 20], [15, 30]]);
        expect(await spans(store.fetch(b('k')))).toEqual([[0, 0], [0, 5], [3, 5], [10, 10], [6, 20], [15, 30]]);
        expect(await spans(store.backwardFetch(b('k')))).toEqual([[15, 30], [6, 20], [10, 10], [3, 5], [0, 5], [0, 0]]);
      });

      it('includes both bounds: end == earliestEnd and start == latestStart', async () => {
        const store = await withSessions();
        expect(await spans(store.findSessions(b('k'), 30, 15))).toEqual([[15, 30]]);
        expect(await spans(store.findSessions(b('k'), 31, 100))).toEqual([]);
        expect(await spans(store.findSessions(b('k'), 0, 0))).toEqual([[0, 0], [0, 5]]);
      });

      it('finds a session spanning the searched interval even when earliestEnd > latestStart', async () => {
        const store = await withSessions();
        // A record at 18 with gap 2 searches (16, 20): it falls inside [6, 20] and bridges to [15, 30].
        expect(await spans(store.findSessions(b('k'), 16, 20))).toEqual([[6, 20], [15, 30]]);
        expect(await spans(store.findSessions(b('k'), 19, 7))).toEqual([[6, 20]]);
      });

      it('follows SEMANTICS §4.4: after (A)@10 and (A)@12 with gap 5, a record at 14 finds [10, 12]', async () => {
        const store = await open();
        await store.put(session(b('A'), 10, 10), b('1'));
        expect(await spans(store.findSessions(b('A'), 12 - 5, 12 + 5))).toEqual([[10, 10]]);
        await store.remove(session(b('A'), 10, 10));
        await store.put(session(b('A'), 10, 12), b('2'));
        await store.put(session(b('A'), 30, 30), b('1'));
        expect(await spans(store.findSessions(b('A'), 14 - 5, 14 + 5))).toEqual([[10, 12]]);
        expect(await spans(store.findSessions(b('A'), 24 - 5, 24 + 5))).toEqual([]);
        expect(await spans(store.findSessions(b('A'), 26 - 5, 26 + 5))).toEqual([[30, 30]]);
      });

      it('yields only the key asked, even when other keys start with its bytes', async () => {
        const store = await open();
        for (const [i, hex] of PREFIX_KEYS.entries()) {
          for (const [start, end] of [[0, 1], [5, 5], [1, 7]]) await store.put(session(x(hex), start!, end!), b(`${hex}#${i}@${start}`));
        }
        for (const [i, hex] of PREFIX_KEYS.entries()) {
          expect(await sessions(store.findSessions(x(hex), 0, 10))).toEqual([[hex, 0, 1, `${hex}#${i}@0`], [hex, 5, 5, `${hex}#${i}@5`], [hex, 1, 7, `${hex}#${i}@1`]]);
          expect(await spans(store.backwardFetch(x(hex)))).toEqual([[1, 7], [5, 5], [0, 1]]);
          expect(await store.fetchSession(x(hex), 5, 5)).toEqual(b(`${hex}#${i}@5`));
        }
      });

      it('clamps negative and infinite bounds; rejects NaN', async () => {
        const store = await withSessions();
        expect(await spans(store.findSessions(b('k'), Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY))).toHaveLength(6);
        expect(await spans(store.findSessions(b('k'), 0, -1))).toEqual([]);
        expect(await spans(store.findSessions(b('k'), Number.POSITIVE_INFINITY, 100))).toEqual([]);
        expect(() => store.findSessions(b('k'), Number.NaN, 10)).toThrow(TypeError);
      });
    });

    describe('key ranges', () => {
      const binaryKeys = ['ff', '80', 'ff00', '00', '7f', '0000', '01ff', '7fff', ...PREFIX_KEYS];
      const spansOfEachKey: Array<[number, number]> = [[0, 0], [5, 40], [20, 30], [100, 100]];

      async function withBinaryKeys(): Promise<Bytes> {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 25 });
        for (const [start, end] of [...spansOfEachKey].reverse()) for (const hex of binaryKeys) await store.put(session(x(hex), start, end), b(`${hex}@${start}`));
        return store;
      }

      /** Sessions by (key bytes, end, start). */
      function expected(keys: readonly string[], chosen: ReadonlyArray<readonly [number, number]>): Array<[string, number, number, string]> {
        const ordered = [...chosen].sort((p, q) => p[1] - q[1] || p[0] - q[0]);
        return [...new Set(keys)].sort(byHex).flatMap((hex) => ordered.map(([s, e]): [string, number, number, string] => [hex, s, e, `${hex}@${s}`]));
      }

      it('orders by key bytes (unsigned, a prefix first), then by (end, start)', async () => {
        const store = await withBinaryKeys();
        const all = expected(binaryKeys, spansOfEachKey);
        expect(await sessions(store.fetchRange(undefined, undefined))).toEqual(all);
        expect(await sessions(store.backwardFetchRange(undefined, undefined))).toEqual([...all].reverse());
        expect(await sessions(store.findSessionsRange(undefined, undefined, 30, 20))).toEqual(expected(binaryKeys, [[20, 30], [5, 40]]));
      });

      it('includes both key bounds; a missing bound is open; keyFrom after keyTo is empty', async () => {
        const store = await withBinaryKeys();
        const inRange = binaryKeys.filter((k) => k >= '61' && k <= '6162');
        expect(await sessions(store.fetchRange(x('61'), x('6162')))).toEqual(expected(inRange, spansOfEachKey));
        expect(await sessions(store.findSessionsRange(x('61'), x('6162'), 1, 50))).toEqual(expected(inRange, [[5, 40], [20, 30]]));
        expect(await sessions(store.backwardFindSessionsRange(x('61'), x('6162'), 35, 99))).toEqual([...expected(inRange, [[5, 40]])].reverse());
        expect(await sessions(store.fetchRange(undefined, x('0000')))).toEqual(expected(['', '00', '0000'], spansOfEachKey));
        expect(await sessions(store.findSessionsRange(x('ff'), undefined, 100, 100))).toEqual(expected(['ff', 'ff00'], [[100, 100]]));
        expect(await sessions(store.fetchRange(x('80'), x('7f')))).toEqual([]);
        expect(await sessions(store.backwardFindSessionsRange(x('80'), x('7f'), 0, 100))).toEqual([]);
      });

      it('orders text keys by their UTF-8 bytes, not by JavaScript string order', async () => {
        const store = await open();
        const keys = ['😀', '！', 'z', '2', '10', 'a', 'é', '中', '1', 'Z'];
        for (const key of keys) await store.put(session(b(key), 0, 0), b(key));
        const seen: string[] = [];
        for await (const { key } of store.fetchRange(undefined, undefined)) seen.push(key.key().toString('utf8'));
        expect(seen).toEqual(['1', '10', '2', 'Z', 'a', 'z', 'é', '中', '！', '😀']);
      });
    });

    describe('retention', () => {
      it('hides and skips sessions with end <= observedStreamTime - retention (SEMANTICS §4)', async () => {
        const store = await open({ retentionPeriodMs: 100 });
        await store.put(session(b('k'), 0, 0), b('a'));
        await store.put(session(b('k'), 10, 50), b('b'));
        await store.put(session(b('k'), 60, 99), b('c'));
        expect(await spans(store.fetch(b('k')))).toEqual([[0, 0], [10, 50], [60, 99]]);
        await store.put(session(b('other'), 70, 100), b('x')); // stream time is the store's, moved by any key
        expect(await spans(store.fetch(b('k')))).toEqual([[10, 50], [60, 99]]);
        expect(await spans(store.findSessions(b('k'), 0, 1000))).toEqual([[10, 50], [60, 99]]);
        expect(await store.fetchSession(b('k'), 0, 0)).toBeUndefined();
        await store.put(session(b('k'), 0, 0), b('late')); // expired: skipped
        expect(await store.fetchSession(b('k'), 0, 0)).toBeUndefined();
        await store.put(session(b('k'), 0, 1), b('just in time')); // 1 > 100 - 100
        expect(await spans(store.fetch(b('k')))).toEqual([[0, 1], [10, 50], [60, 99]]);
        await store.remove(session(b('z'), 300, 300)); // removals move stream time too
        expect(await sessions(store.fetchRange(undefined, undefined))).toEqual([]);
      });

      it('deletes expired data, not only hides it', async () => {
        const location = await factory.newLocation();
        const store = factory.create(location, { retentionPeriodMs: 1000, segmentIntervalMs: 500 });
        await store.init();
        opened.push(store);
        for (let end = 0; end <= 9900; end += 100) {
          for (const key of ['a', 'b', 'c']) await store.put(session(b(key), Math.max(0, end - 150), end), b(`${end}`));
        }
        // Stream time 9900: live sessions end after 8900: 10 ends x 3 keys.
        const live = await sessions(store.fetchRange(undefined, undefined));
        expect(live).toHaveLength(30);
        expect(live[0]).toEqual(['61', 8850, 9000, '9000']);
        // Segmented stores keep the partly expired segment of ends [8500, 9000) whole: 5 more ends.
        expect(await factory.countStoredEntries(store, location)).toBe(factory.supports.segments ? 45 : 30);
      });

      it('lets a running scan finish while retention expires what it reads', async () => {
        const store = await open({ retentionPeriodMs: 1000, segmentIntervalMs: 500 });
        for (let end = 0; end < 1000; end += 10) await store.put(session(b('k'), end, end), b(`${end}`));
        const seen: number[] = [];
        for await (const { key } of store.fetchRange(undefined, undefined)) {
          seen.push(key.window().end());
          if (seen.length === 3) await store.put(session(b('k'), 50_000, 50_000), b('far'));
        }
        expect(seen.slice(0, 3)).toEqual([0, 10, 20]);
        expect(seen).toEqual([...seen].sort((p, q) => p - q));
        expect(store.openIterators).toBe(0);
        expect(await spans(store.fetch(b('k')))).toEqual([[50_000, 50_000]]);
      });
    });

    describe('iterators', () => {
      it('opens no iterator until the loop starts and releases it when the loop breaks or throws', async () => {
        const store = await open({ retentionPeriodMs: 100_000, segmentIntervalMs: 10_000 });
        await store.putAll(Array.from({ length: 3000 }, (_, i) => ({ sessionKey: session(b(`k${i % 7}`), i * 10, i * 10 + 5), aggregate: b('v') })));
        const scans: Array<AsyncIterable<unknown>> = [
          store.findSessions(b('k1'), 0, 30_000), store.backwardFindSessions(b('k1'), 0, 30_000), store.findSessionsRange(b('k1'), b('k5'), 0, 30_000),
          store.backwardFindSessionsRange(undefined, b('k3'), 0, 30_000), store.fetch(b('k2')), store.backwardFetch(b('k2')),
          store.fetchRange(undefined, undefined), store.backwardFetchRange(b('k0'), undefined),
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
          for await (const _ of store.fetchRange(undefined, undefined)) throw new Error('boom');
        })()).rejects.toThrow('boom');
        expect(store.openIterators).toBe(0);
      });

      it('close() completes with a scan abandoned mid-way; the scan then fails as closed', async () => {
        const location = await factory.newLocation();
        const store = factory.create(location, { retentionPeriodMs: 100_000, segmentIntervalMs: 1000 });
        await store.init();
        await store.putAll(Array.from({ length: 200 }, (_, i) => ({ sessionKey: session(b(`k${i}`), i * 100, i * 100 + 50), aggregate: b('v') })));
        const abandoned = store.fetchRange(undefined, undefined)[Symbol.asyncIterator]();
        await abandoned.next();
        expect(store.openIterators).toBe(1);
        await expect(withTimeout(store.close(), 5_000)).resolves.toBeUndefined();
        expect(store.openIterators).toBe(0);
        await expect(abandoned.next()).rejects.toThrow(InvalidStateStoreException);
        await store.init();
        opened.push(store);
        expect((await sessions(store.fetchRange(undefined, undefined))).length).toBe(factory.supports.persistent ? 200 : 0);
      });
    });

    it('agrees with a simple model over 2,000 random puts, removals and searches with retention', async () => {
      const random = prng(11);
      const retention = 500;
      const store = await open({ retentionPeriodMs: retention, segmentIntervalMs: 200 });
      const model = new Map<string, { hex: string; start: number; end: number; value: string }>();
      let streamTime = -1;
      let clock = 0;
      const alphabet = [0x00, 0x01, 0x61, 0x7f, 0x80, 0xff];
      const randomKey = (): string => {
        const key = Buffer.alloc(Math.floor(random() * 3));
        for (let i = 0; i < key.length; i++) key[i] = alphabet[Math.floor(random() * alphabet.length)]!;
        return key.toString('hex');
      };
      type Entry = { hex: string; start: number; end: number; value: string };
      const visible = (): Entry[] =>
        [...model.values()].filter((s) => s.end > streamTime - retention).sort((p, q) => byHex(p.hex, q.hex) || p.end - q.end || p.start - q.start);
      const row = (s: Entry): [string, number, number, string] => [s.hex, s.start, s.end, s.value];
      for (let op = 0; op < 2000; op++) {
        clock += Math.floor(random() * 12);
        const roll = random();
        const hex = randomKey();
        const end = Math.max(0, clock - Math.floor(random() * 700));
        const start = Math.max(0, end - Math.floor(random() * 3) * Math.floor(random() * 100));
        if (roll < 0.75) {
          const value = roll < 0.6 ? `${op}` : null;
          await store.put(session(x(hex), start, end), value === null ? null : b(value));
          streamTime = Math.max(streamTime, end);
          if (end > streamTime - retention) {
            if (value === null) model.delete(`${hex}|${start}|${end}`);
            else model.set(`${hex}|${start}|${end}`, { hex, start, end, value });
          }
        } else {
          const earliestEnd = clock - Math.floor(random() * 800);
          const latestStart = earliestEnd + Math.floor(random() * 600) - 200;
          const found = visible().filter((s) => s.end >= earliestEnd && s.start <= latestStart);
          const ofKey = found.filter((s) => s.hex === hex).map(row);
          expect(await sessions(store.findSessions(x(hex), earliestEnd, latestStart))).toEqual(ofKey);
          expect(await sessions(store.backwardFindSessions(x(hex), earliestEnd, latestStart))).toEqual([...ofKey].reverse());
          const [lo, hi] = [randomKey(), randomKey()].sort(byHex) as [string, string];
          const ranged = found.filter((s) => s.hex >= lo && s.hex <= hi).map(row);
          expect(await sessions(store.findSessionsRange(x(lo), x(hi), earliestEnd, latestStart))).toEqual(ranged);
          expect(await sessions(store.backwardFindSessionsRange(x(lo), x(hi), earliestEnd, latestStart))).toEqual([...ranged].reverse());
          expect(await sessions(store.fetch(x(hex)))).toEqual(visible().filter((s) => s.hex === hex).map(row));
          const point = visible().find((s) => s.hex === hex && s.start === start && s.end === end);
          expect((await store.fetchSession(x(hex), start, end))?.toString()).toBe(point?.value);
        }
      }
      expect(await sessions(store.fetchRange(undefined, undefined))).toEqual(visible().map(row));
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
