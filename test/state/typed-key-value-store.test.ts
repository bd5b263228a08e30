import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ConfigException, TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Serde } from '../../src/serde/serde.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import type { KeyValue, KeyValueStore } from '../../src/state/key-value-store.js';
import { LevelKeyValueStore } from '../../src/state/level-key-value-store.js';
import type { KeyValueBytesStoreSupplier } from '../../src/state/store-builder.js';
import { Stores } from '../../src/state/stores.js';
import { TypedKeyValueStore } from '../../src/state/typed-key-value-store.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-typed-store-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const opened: Array<KeyValueStore<unknown, unknown>> = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

let task = 0;
async function build<K, V>(supplier: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): Promise<TypedKeyValueStore<K, V>> {
  const store = Stores.keyValueStoreBuilder(supplier, keySerde, valueSerde).build({ taskDirectory: join(root, 'app', `0_${task++}`) });
  await store.init();
  opened.push(store as KeyValueStore<unknown, unknown>);
  return store;
}

async function collect<K, V>(entries: AsyncIterable<KeyValue<K, V>>): Promise<Array<[K, V]>> {
  const out: Array<[K, V]> = [];
  for await (const { key, value } of entries) out.push([key, value]);
  return out;
}

for (const [kind, supplierOf] of [
  ['persistent', Stores.persistentKeyValueStore],
  ['in-memory', Stores.inMemoryKeyValueStore],
] as const) {
  describe(`TypedKeyValueStore over a ${kind} store`, () => {
    it('reads and writes typed keys and values through the serdes', async () => {
      const store = await build(supplierOf('counts'), Serdes.String(), Serdes.Long());
      await store.put('andy', 3);
      expect(await store.get('andy')).toBe(3);
      expect(await store.get('nobody')).toBeUndefined();
      expect(await store.putIfAbsent('andy', 9)).toBe(3);
      expect(await store.putIfAbsent('bob', 1)).toBeUndefined();
      expect(await store.getMany(['bob', 'zed', 'andy'])).toEqual([1, undefined, 3]);
      expect(await store.delete('andy')).toBe(3);
      await store.putAll([{ key: 'c', value: 5 }, { key: 'bob', value: null }]);
      expect(await collect(store.all())).toEqual([['c', 5]]);
      await store.put('c', null);
      expect(await store.approximateNumEntries()).toBe(0);
      // The bytes underneath are Kafka's: an 8-byte big-endian long.
      await store.put('x', 258);
      expect(await store.inner.get(Buffer.from('x'))).toEqual(Buffer.from('0000000000000102', 'hex'));
    });

    it("orders by serialized key bytes: range('a', 'm') over String keys is UTF-8 byte order", async () => {
      const store = await build(supplierOf('words'), Serdes.String(), Serdes.String());
      for (const word of ['mango', 'apple', 'm', 'banana', 'Zebra', 'éclair', 'kiwi', 'a', '10', '2']) await store.put(word, word.toUpperCase());
      expect((await collect(store.range('a', 'm'))).map(([k]) => k)).toEqual(['a', 'apple', 'banana', 'kiwi', 'm']);
      expect((await collect(store.reverseRange('a', 'm'))).map(([k]) => k)).toEqual(['m', 'kiwi', 'banana', 'apple', 'a']);
      expect((await collect(store.range(undefined, '2'))).map(([k]) => k)).toEqual(['10', '2']);
      expect((await collect(store.range('m'))).map(([k]) => k)).toEqual(['m', 'mango', 'éclair']);
      expect(await store.get('éclair')).toBe('ÉCLAIR');
    });

    it('orders Integer keys by their big-endian bytes: negative numbers after positive, as in Kafka Streams', async () => {
      const store = await build(supplierOf('ints'), Serdes.Integer(), Serdes.String());
      for (const n of [5, -1, 0, 300, -300, 2 ** 31 - 1]) await store.put(n, String(n));
      expect((await collect(store.all())).map(([k]) => k)).toEqual([0, 5, 300, 2 ** 31 - 1, -300, -1]);
    });

    it('prefix-scans with the key serde or a prefix serde of its own', async () => {
      const store = await build(supplierOf('prefixed'), Serdes.String(), Serdes.Integer());
      for (const [i, key] of ['user:1', 'user:10', 'user:2', 'order:1', 'users'].entries()) await store.put(key, i);
      expect((await collect(store.prefixScan('user:'))).map(([k]) => k)).toEqual(['user:1', 'user:10', 'user:2']);
      expect((await collect(store.prefixScan(Buffer.from('order'), Serdes.ByteArray()))).map(([k]) => k)).toEqual(['order:1']);
    });

    it('releases the byte iterator when a typed loop breaks early', async () => {
      const store = await build(supplierOf('many'), Serdes.Integer(), Serdes.Integer());
      await store.putAll(Array.from({ length: 500 }, (_, i) => ({ key: i, value: i * i })));
      let seen = 0;
      for await (const { key, value } of store.range(10)) {
        expect(value).toBe(key * key);
        if (++seen === 2) break;
      }
      expect(store.openIterators).toBe(0);
      expect(store.inner.openIterators).toBe(0);
    });

    it('rejects null keys', async () => {
      const store = await build(supplierOf('strict'), Serdes.String(), Serdes.String());
      await expect(store.put(null as unknown as string, 'v')).rejects.toThrow(/keys cannot be null/);
      await expect(store.get(undefined as unknown as string)).rejects.toThrow(TypeError);
    });
  });
}

describe('TypedKeyValueStore serde topic', () => {
  it("calls serdes with the changelog topic '<application.id>-<store>-changelog' when the application id is known", async () => {
    const topics = new Set<string>();
    const recording: Serde<string> = {
      serialize: (topic, data) => (topics.add(topic), Serdes.String().serialize(topic, data)),
      deserialize: (topic, data) => (topics.add(topic), Serdes.String().deserialize(topic, data)),
    };
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('names'), recording, recording)
      .build({ taskDirectory: join(root, 'unused'), applicationId: 'orders-app' });
    await store.init();
    await store.put('k', 'v');
    expect(await store.get('k')).toBe('v');
    await store.close();
    expect([...topics]).toEqual(['orders-app-names-changelog']);
  });

  it('uses the store name when built without an application id', async () => {
    const topics: string[] = [];
    const recording: Serde<string> = { serialize: (topic, data) => (topics.push(topic), data === null ? null : Buffer.from(data)), deserialize: (_t, d) => d?.toString() ?? null };
    const store = new TypedKeyValueStore(new InMemoryKeyValueStore('plain'), recording, recording);
    await store.init();
    await store.put('k', 'v');
    await store.close();
    expect(topics).toEqual(['plain', 'plain']);
  });
});

describe('Stores', () => {
  it('persistentKeyValueStore() puts one LevelDB per task under <taskDirectory>/<store>', async () => {
    const supplier = Stores.persistentKeyValueStore('address');
    expect(supplier).toMatchObject({ name: 'address', persistent: true, metricsScope: 'level' });
    const taskDirectory = join(root, 'orders-app', '1_2');
    const inner = supplier.get({ taskDirectory });
    expect(inner).toBeInstanceOf(LevelKeyValueStore);
    expect((inner as LevelKeyValueStore).directory).toBe(join(taskDirectory, 'address'));
    await inner.init();
    await inner.close();
    expect((await stat(join(taskDirectory, 'address'))).isDirectory()).toBe(true);
    expect(supplier.get({ taskDirectory })).not.toBe(inner); // a new store per call
  });

  it('inMemoryKeyValueStore() supplies in-memory stores', () => {
    const supplier = Stores.inMemoryKeyValueStore('cache');
    expect(supplier).toMatchObject({ name: 'cache', persistent: false, metricsScope: 'in-memory' });
    expect(supplier.get({ taskDirectory: root })).toBeInstanceOf(InMemoryKeyValueStore);
  });

  it('rejects store names that cannot name a directory and a topic', () => {
    for (const bad of ['', '..', 'a/b', '../escape', 'with space', 'ünïcode']) {
      expect(() => Stores.persistentKeyValueStore(bad)).toThrow(TopologyException);
      expect(() => Stores.inMemoryKeyValueStore(bad)).toThrow(TopologyException);
    }
    expect(() => Stores.persistentKeyValueStore('ok.Name_1-2')).not.toThrow();
  });
});

describe('KeyValueStoreBuilder', () => {
  it('defaults as Kafka Streams: logging on, caching off; with* change and return the builder', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('s'), Serdes.String(), Serdes.String());
    expect(builder.name).toBe('s');
    expect([builder.loggingEnabled, builder.cachingEnabled, builder.logConfig]).toEqual([true, false, {}]);
    expect(builder.withCachingEnabled()).toBe(builder);
    expect(builder.cachingEnabled).toBe(true);
    expect(builder.withLoggingEnabled({ 'min.insync.replicas': '2' })).toBe(builder);
    expect(builder.logConfig).toEqual({ 'min.insync.replicas': '2' });
    builder.withLoggingDisabled().withCachingDisabled();
    expect([builder.loggingEnabled, builder.cachingEnabled, builder.logConfig]).toEqual([false, false, {}]);
  });

  it('builds a new typed store per call over the chosen byte store', () => {
    const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('p'), Serdes.String(), Serdes.Long());
    const a = builder.build({ taskDirectory: join(root, 'x', '0_0') });
    const b = builder.build({ taskDirectory: join(root, 'x', '0_1') });
    expect(a).not.toBe(b);
    expect(a.inner).toBeInstanceOf(LevelKeyValueStore);
    expect([a.name, a.persistent, a.isOpen]).toEqual(['p', true, false]);
  });

  it('takes default serdes from the build context, and says which serde is missing', async () => {
    const builder = Stores.keyValueStoreBuilder<string, number>(Stores.inMemoryKeyValueStore('d'));
    expect(() => builder.build({ taskDirectory: root })).toThrow(ConfigException);
    expect(() => builder.build({ taskDirectory: root, defaultKeySerde: Serdes.String() as Serde<unknown> })).toThrow(
      "Store d has no value serde: pass one to Stores.keyValueStoreBuilder() or set 'default.value.serde'",
    );
    const store = builder.build({ taskDirectory: root, defaultKeySerde: Serdes.String() as Serde<unknown>, defaultValueSerde: Serdes.Integer() as Serde<unknown> });
    await store.init();
    await store.put('one', 1);
    expect(await store.inner.get(Buffer.from('one'))).toEqual(Buffer.from('00000001', 'hex'));
    await store.close();
  });
});
