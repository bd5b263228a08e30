import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigException, TopologyException } from '../../src/errors.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryWindowStore } from '../../src/state/in-memory-window-store.js';
import type { KeyValue } from '../../src/state/key-value-store.js';
import { LevelWindowStore } from '../../src/state/level-window-store.js';
import { Stores } from '../../src/state/stores.js';
import { TypedWindowStore } from '../../src/state/typed-window-store.js';
import type { WindowBytesStoreSupplier } from '../../src/state/window-store-builder.js';
import { TimeWindow, type Windowed } from '../../src/state/windowed.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-typed-window-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const opened: Array<TypedWindowStore<unknown, unknown>> = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let task = 0;
async function build<K, V>(supplier: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): Promise<TypedWindowStore<K, V>> {
  const store = Stores.windowStoreBuilder(supplier, keySerde, valueSerde).build({ taskDirectory: join(root, 'app', `0_${task++}`) });
  await store.init();
  opened.push(store as TypedWindowStore<unknown, unknown>);
  return store;
}

async function collect<K, V>(entries: AsyncIterable<KeyValue<Windowed<K>, V>>): Promise<Array<[K, number, number, V]>> {
  const out: Array<[K, number, number, V]> = [];
  for await (const { key, value } of entries) out.push([key.key(), key.window().start(), key.window().end(), value]);
  return out;
}

for (const [kind, supplierOf] of [
  ['persistent', Stores.persistentWindowStore],
  ['in-memory', Stores.inMemoryWindowStore],
] as const) {
  describe(`TypedWindowStore over a ${kind} store`, () => {
    it('reads and writes typed keys and values; scans yield Windowed keys with TimeWindows', async () => {
      const store = await build(supplierOf('counts-5s', 60_000, 5000), Serdes.String(), Serdes.Long());
      await store.put('andy', 1, 0);
      await store.put('andy', 3, 5000);
      await store.putAll([{ key: 'bob', value: 2, windowStartMs: 5000 }, { key: 'andy', value: null, windowStartMs: 0 }]);
      expect(await store.fetch('andy', 5000)).toBe(3);
      expect(await store.fetch('andy', 0)).toBeUndefined();
      const fetched: Array<[number, number]> = [];
      for await (const { key, value } of store.fetch('andy', 0, 10_000)) fetched.push([key, value]);
      expect(fetched).toEqual([[5000, 3]]);
      expect(await collect(store.fetchAll(0, 10_000))).toEqual([['andy', 5000, 10_000, 3], ['bob', 5000, 10_000, 2]]);
      expect(await collect(store.backwardFetchRange('a', 'az', 0, 10_000))).toEqual([['andy', 5000, 10_000, 3]]);
      expect(await collect(store.all())).toEqual(await collect(store.fetchRange(undefined, undefined, 0, Number.MAX_SAFE_INTEGER)));
      for await (const { key } of store.all()) {
        expect(key.window()).toBeInstanceOf(TimeWindow);
        expect(key.toString()).toMatch(/^\[(andy|bob)@5000\/10000\]$/);
      }
      // The bytes underneath are Kafka's: an 8-byte big-endian long.
      expect(await store.inner.fetch(Buffer.from('bob'), 5000)).toEqual(Buffer.from('0000000000000002', 'hex'));
      expect([store.retentionPeriodMs, store.windowSizeMs, store.retainDuplicates, store.persistent]).toEqual([60_000, 5000, false, kind === 'persistent']);
    });

    it('orders Integer keys by their big-endian bytes, negative after positive, as Kafka Streams does', async () => {
      const store = await build(supplierOf('ints', 60_000, 10), Serdes.Integer(), Serdes.String());
      for (const n of [5, -1, 0, 300, -300]) await store.put(n, String(n), 100);
      expect((await collect(store.fetchAll(0, 1000))).map(([k]) => k)).toEqual([0, 5, 300, -300, -1]);
      const reversed: number[] = [];
      for await (const { key } of store.backwardAll()) reversed.push(key.key());
      expect(reversed).toEqual([-1, -300, 300, 5, 0]);
    });

    it('keeps duplicates of a join buffer, in arrival order', async () => {
      const store = await build(supplierOf('join-this', 200, 100, true), Serdes.String(), Serdes.String());
      await store.put('k', 'A0', 10);
      await store.put('k', 'A0', 10);
      await store.put('k', 'A1', 10);
      const values: string[] = [];
      for await (const { value } of store.backwardFetch('k', 0, 100)) values.push(value);
      expect(values).toEqual(['A1', 'A0', 'A0']);
    });

    it('releases the byte iterator when a typed loop breaks early; rejects null keys', async () => {
      const store = await build(supplierOf('many', 100_000, 10), Serdes.Integer(), Serdes.Integer());
      await store.putAll(Array.from({ length: 300 }, (_, i) => ({ key: i % 10, value: i, windowStartMs: i })));
      let seen = 0;
      for await (const _ of store.fetch(3, 0, 1000)) if (++seen === 2) break;
      for await (const _ of store.fetchAll(0, 1000)) if (++seen === 4) break;
      expect(seen).toBe(4);
      expect(store.openIterators).toBe(0);
      expect(store.inner.openIterators).toBe(0);
      await expect(store.put(null as unknown as number, 1, 0)).rejects.toThrow(/keys cannot be null/);
      expect(() => store.fetch(undefined as unknown as number, 0, 5)).toThrow(TypeError);
    });
  });
}

describe('Stores window factories and windowStoreBuilder', () => {
  it('persistentWindowStore() puts one segmented LevelDB store per task under <taskDirectory>/<store>', async () => {
    const supplier = Stores.persistentWindowStore('counts', 120_000, 5000);
    expect(supplier).toMatchObject({ name: 'counts', persistent: true, metricsScope: 'level-window', retentionPeriodMs: 120_000, windowSizeMs: 5000, retainDuplicates: false, segmentIntervalMs: 60_000 });
    const taskDirectory = join(root, 'orders-app', '1_2');
    const inner = supplier.get({ taskDirectory });
    expect(inner).toBeInstanceOf(LevelWindowStore);
    expect((inner as LevelWindowStore).directory).toBe(join(taskDirectory, 'counts'));
    expect(supplier.get({ taskDirectory })).not.toBe(inner);
    expect(Stores.persistentWindowStore('day', 86_400_000, 3_600_000).segmentIntervalMs).toBe(43_200_000);
  });

  it('inMemoryWindowStore() makes a new in-memory store per task', () => {
    const supplier = Stores.inMemoryWindowStore('joins', 300, 200, true);
    expect(supplier).toMatchObject({ name: 'joins', persistent: false, metricsScope: 'in-memory-window', retentionPeriodMs: 300, windowSizeMs: 200, retainDuplicates: true });
    const store = supplier.get({ taskDirectory: root });
    expect(store).toBeInstanceOf(InMemoryWindowStore);
    expect(supplier.get({ taskDirectory: root })).not.toBe(store);
  });

  it('validates names and durations as Kafka Streams does', () => {
    expect(() => Stores.persistentWindowStore('bad/name', 10, 1)).toThrow(TopologyException);
    expect(() => Stores.inMemoryWindowStore('w', -1, 0)).toThrow(/retentionPeriodMs must be a non-negative integer/);
    expect(() => Stores.persistentWindowStore('w', 10, -1)).toThrow(RangeError);
    expect(() => Stores.persistentWindowStore('w', 10, 20)).toThrow('The retention period of the window store w must be no smaller than its window size. Got size=[20], retention=[10]');
    expect(() => Stores.inMemoryWindowStore('w', 1.5, 1)).toThrow(RangeError);
  });

  it('defaults to logging on, caching off; never caches a store that retains duplicates', () => {
    const builder = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('w', 100, 10), Serdes.String(), Serdes.Long());
    expect([builder.name, builder.loggingEnabled, builder.cachingEnabled, builder.logConfig, builder.retentionPeriodMs]).toEqual(['w', true, false, {}, 100]);
    expect(builder.withCachingEnabled().withLoggingEnabled({ 'retention.ms': '100' })).toBe(builder);
    expect([builder.cachingEnabled, builder.loggingEnabled, builder.logConfig]).toEqual([true, true, { 'retention.ms': '100' }]);
    builder.withLoggingDisabled().withCachingDisabled();
    expect([builder.cachingEnabled, builder.loggingEnabled, builder.logConfig]).toEqual([false, false, {}]);
    const duplicates = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('j', 100, 10, true)).withCachingEnabled();
    expect(duplicates.cachingEnabled).toBe(false);
  });

  it('takes default serdes at build time and names the missing one', async () => {
    const builder = Stores.windowStoreBuilder<string, number>(Stores.inMemoryWindowStore('w', 100, 10));
    expect(() => builder.build({ taskDirectory: root })).toThrow(ConfigException);
    expect(() => builder.build({ taskDirectory: root, defaultKeySerde: Serdes.String() as Serde<unknown> })).toThrow(/no value serde/);
    const store = builder.build({ taskDirectory: root, defaultKeySerde: Serdes.String() as Serde<unknown>, defaultValueSerde: Serdes.Long() as Serde<unknown> });
    await store.init();
    await store.put('k', 7, 0);
    expect(await store.fetch('k', 0)).toBe(7);
    await store.close();
  });

  it("calls serdes with the changelog topic '<application.id>-<store>-changelog'", async () => {
    const topics = new Set<string>();
    const recording: Serde<string> = {
      serialize: (topic, data) => (topics.add(topic), Serdes.String().serialize(topic, data)),
      deserialize: (topic, data) => (topics.add(topic), Serdes.String().deserialize(topic, data)),
    };
    const store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('counts', 100, 10), recording, recording).build({ taskDirectory: root, applicationId: 'app' });
    await store.init();
    await store.put('k', 'v', 0);
    expect(await collect(store.all())).toEqual([['k', 0, 10, 'v']]);
    await store.close();
    expect([...topics]).toEqual(['app-counts-changelog']);
  });
});
