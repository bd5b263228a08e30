import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigException, TopologyException } from '../../src/errors.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemorySessionStore } from '../../src/state/in-memory-session-store.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import { LevelSessionStore } from '../../src/state/level-session-store.js';
import type { SessionBytesStoreSupplier } from '../../src/state/session-store-builder.js';
import { Stores } from '../../src/state/stores.js';
import type { TypedSessionStore } from '../../src/state/typed-session-store.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-typed-session-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const opened: Array<TypedSessionStore<unknown, unknown>> = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let task = 0;
async function build<K, V>(supplier: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): Promise<TypedSessionStore<K, V>> {
  const store = Stores.sessionStoreBuilder(supplier, keySerde, valueSerde).build({ taskDirectory: join(root, 'app', `0_${task++}`) });
  await store.init();
  opened.push(store as TypedSessionStore<unknown, unknown>);
  return store;
}

async function collect<K, V>(entries: AsyncIterable<KeyValue<Windowed<K>, V>>): Promise<Array<[K, number, number, V]>> {
  const out: Array<[K, number, number, V]> = [];
  for await (const { key, value } of entries) out.push([key.key(), key.window().start(), key.window().end(), value]);
  return out;
}

const session = <K>(key: K, start: number, end: number): Windowed<K> => new Windowed(key, new SessionWindow(start, end));

for (const [kind, supplierOf] of [
  ['persistent', Stores.persistentSessionStore],
  ['in-memory', Stores.inMemorySessionStore],
] as const) {
  describe(`TypedSessionStore over a ${kind} store`, () => {
    it('reads and writes typed keys and aggregates; scans yield Windowed keys with SessionWindows', async () => {
      const store = await build(supplierOf('sessions', 10_000), Serdes.String(), Serdes.Long());
      await store.put(session('andy', 10, 10), 1);
      await store.remove(session('andy', 10, 10));
      await store.put(session('andy', 10, 12), 2);
      await store.putAll([{ sessionKey: session('bob', 5, 5), aggregate: 1 }, { sessionKey: session('andy', 30, 30), aggregate: 1 }]);
      expect(await store.fetchSession('andy', 10, 12)).toBe(2);
      expect(await store.fetchSession('andy', 10, 10)).toBeUndefined();
      expect(await collect(store.findSessions('andy', 14 - 5, 14 + 5))).toEqual([['andy', 10, 12, 2]]);
      expect(await collect(store.backwardFindSessions('andy', 0, 100))).toEqual([['andy', 30, 30, 1], ['andy', 10, 12, 2]]);
      expect(await collect(store.fetch('andy'))).toEqual([['andy', 10, 12, 2], ['andy', 30, 30, 1]]);
      expect(await collect(store.backwardFetch('bob'))).toEqual([['bob', 5, 5, 1]]);
      expect(await collect(store.fetchRange(undefined, undefined))).toEqual([['andy', 10, 12, 2], ['andy', 30, 30, 1], ['bob', 5, 5, 1]]);
      expect(await collect(store.backwardFetchRange('b', undefined))).toEqual([['bob', 5, 5, 1]]);
      expect(await collect(store.findSessionsRange('a', 'z', 12, 12))).toEqual([['andy', 10, 12, 2]]);
      expect(await collect(store.backwardFindSessionsRange(undefined, 'b', 0, 100))).toEqual([['andy', 30, 30, 1], ['andy', 10, 12, 2]]);
      for await (const { key } of store.fetch('andy')) expect(key.window()).toBeInstanceOf(SessionWindow);
      expect(await store.inner.fetchSession(Buffer.from('bob'), 5, 5)).toEqual(Buffer.from('0000000000000001', 'hex'));
      expect([store.retentionPeriodMs, store.persistent]).toEqual([10_000, kind === 'persistent']);
    });

    it('releases the byte iterator when a typed loop breaks early; rejects null keys', async () => {
      const store = await build(supplierOf('many', 100_000), Serdes.Integer(), Serdes.Integer());
      await store.putAll(Array.from({ length: 100 }, (_, i) => ({ sessionKey: session(i % 5, i, i + 1), aggregate: i })));
      let seen = 0;
      for await (const _ of store.fetchRange(undefined, undefined)) if (++seen === 2) break;
      expect(store.openIterators).toBe(0);
      expect(store.inner.openIterators).toBe(0);
      await expect(store.put(session(null as unknown as number, 0, 0), 1)).rejects.toThrow(/keys cannot be null/);
      expect(() => store.fetch(undefined as unknown as number)).toThrow(TypeError);
    });
  });
}

describe('Stores session factories and sessionStoreBuilder', () => {
  it('persistentSessionStore() puts one segmented LevelDB store per task; inMemorySessionStore() one in memory', () => {
    const persistent = Stores.persistentSessionStore('sessions', 7_000);
    expect(persistent).toMatchObject({ name: 'sessions', persistent: true, metricsScope: 'level-session', retentionPeriodMs: 7_000, segmentIntervalMs: 60_000 });
    const store = persistent.get({ taskDirectory: join(root, 'a', '0_0') });
    expect(store).toBeInstanceOf(LevelSessionStore);
    expect((store as LevelSessionStore).directory).toBe(join(root, 'a', '0_0', 'sessions'));
    const memory = Stores.inMemorySessionStore('sessions', 7_000);
    expect(memory).toMatchObject({ persistent: false, metricsScope: 'in-memory-session', retentionPeriodMs: 7_000 });
    expect(memory.get({ taskDirectory: root })).toBeInstanceOf(InMemorySessionStore);
  });

  it('validates names and retention', () => {
    expect(() => Stores.persistentSessionStore('', 10)).toThrow(TopologyException);
    expect(() => Stores.inMemorySessionStore('s', -1)).toThrow(RangeError);
  });

  it('defaults to logging on, caching off, and takes default serdes at build time', async () => {
    const builder = Stores.sessionStoreBuilder<string, number>(Stores.inMemorySessionStore('s', 100));
    expect([builder.name, builder.loggingEnabled, builder.cachingEnabled, builder.retentionPeriodMs]).toEqual(['s', true, false, 100]);
    expect(builder.withCachingEnabled().withLoggingDisabled()).toBe(builder);
    expect([builder.cachingEnabled, builder.loggingEnabled]).toEqual([true, false]);
    expect(() => builder.build({ taskDirectory: root })).toThrow(ConfigException);
    const store = builder.build({ taskDirectory: root, applicationId: 'app', defaultKeySerde: Serdes.String() as Serde<unknown>, defaultValueSerde: Serdes.Long() as Serde<unknown> });
    await store.init();
    await store.put(session('k', 1, 2), 3);
    expect(await store.fetchSession('k', 1, 2)).toBe(3);
    await store.close();
  });
});
