import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidStateStoreException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { Record } from '../../src/processor/record.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { KeyValueStore } from '../../src/state/key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import type { TimestampedKeyValueStore } from '../../src/state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { Topology } from '../../src/topology/topology.js';

const strings = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };
const root = await mkdtemp(join(tmpdir(), 'kstreams-driver-state-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Counts words in a plain key-value store and forwards each new count. */
class WordCounter implements Processor<string, string, string, number> {
  #ctx!: ProcessorContext<string, number>;
  #store!: KeyValueStore<string, number>;

  init(ctx: ProcessorContext<string, number>): void {
    this.#ctx = ctx;
    this.#store = ctx.getStateStore<KeyValueStore<string, number>>('counts');
  }

  async process(record: Record<string, string>): Promise<void> {
    for (const word of record.value.split(' ')) {
      const count = ((await this.#store.get(word)) ?? 0) + 1;
      await this.#store.put(word, count);
      await this.#ctx.forward(new Record(word, count, record.timestamp));
    }
  }
}

function wordCount(inMemory = false): Topology {
  const supplier = inMemory ? Stores.inMemoryKeyValueStore('counts') : Stores.persistentKeyValueStore('counts');
  return new Topology()
    .addSource('lines', 'text')
    .addProcessor('count', () => new WordCounter(), 'lines')
    .addSink('sink', 'word-counts', { valueSerde: Serdes.Long() }, 'count')
    .addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.Long()), 'count');
}

/** The directory of the LevelDB store under a typed store (following the layers' `inner`). */
function directoryOf(store: object): string {
  for (let layer: unknown = store; typeof layer === 'object' && layer !== null; layer = (layer as { inner?: unknown }).inner) {
    const directory = (layer as { directory?: unknown }).directory;
    if (typeof directory === 'string') return directory;
  }
  throw new Error('not a LevelDB store');
}

describe('TopologyTestDriver with state stores', () => {
  it('runs a Processor-API word count on a persistent store, readable through getKeyValueStore, in a temporary state dir removed on close', async () => {
    const driver = new TopologyTestDriver(wordCount(), strings);
    const input = driver.createInputTopic('text', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('word-counts', Serdes.String(), Serdes.Long());
    await input.pipeInput('l1', 'a b a', 5);
    await input.pipeInput('l2', 'b', 6);
    expect(output.readKeyValuesToList()).toEqual([
      { key: 'a', value: 1 }, { key: 'b', value: 1 }, { key: 'a', value: 2 }, { key: 'b', value: 2 },
    ]);
    const store = driver.getKeyValueStore<string, number>('counts');
    expect(await store.get('a')).toBe(2);
    const all: string[] = [];
    for await (const { key, value } of store.all()) all.push(`${key}=${value}`);
    expect(all).toEqual(['a=2', 'b=2']);
    // Writes from the test are seen by the processor.
    await store.put('b', 10);
    await input.pipeInput('l3', 'b', 7);
    expect(output.readKeyValue()).toEqual({ key: 'b', value: 11 });

    const directory = directoryOf(driver.getStateStore('counts'));
    expect(directory).toContain(join('dummy-topology-test-driver-app-id', '0_0', 'counts'));
    expect((await stat(directory)).isDirectory()).toBe(true);
    // Every store update is also written to the changelog topic.
    expect(driver.producedTopicNames()).toEqual(new Set(['word-counts', 'dummy-topology-test-driver-app-id-counts-changelog']));
    const changelog = driver.createOutputTopic('dummy-topology-test-driver-app-id-counts-changelog', Serdes.String(), Serdes.Long());
    expect(changelog.readKeyValuesToList().map(({ key, value }) => `${key}=${value}`)).toEqual(['a=1', 'b=1', 'a=2', 'b=2', 'b=10', 'b=11']);
    await driver.close();
    await expect(stat(directory.split(join('dummy-topology-test-driver-app-id', '0_0'))[0] as string)).rejects.toThrow(/ENOENT/);
  });

  it('uses a given state.dir and cleans up the application\'s directory in it on close', async () => {
    const stateDir = join(root, 'given');
    const driver = new TopologyTestDriver(wordCount(), { ...strings, 'state.dir': stateDir, 'application.id': 'wc' });
    await driver.createInputTopic('text', Serdes.String(), Serdes.String()).pipeInput('k', 'x');
    expect(await readdir(join(stateDir, 'wc'))).toEqual(['0_0']);
    await driver.close();
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('commits after every record: the cache merges only the updates of one input record', async () => {
    const topology = new Topology()
      .addSource('lines', 'text')
      .addProcessor('count', () => new CachedCounter(), 'lines')
      .addSink('sink', 'word-counts', { valueSerde: Serdes.String() }, 'count')
      .addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.String(), Serdes.Long()).withCachingEnabled(), 'count');
    await using driver = new TopologyTestDriver(topology, strings);
    const input = driver.createInputTopic('text', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('word-counts', Serdes.String(), Serdes.String());
    await input.pipeInput('l1', 'a b a a', 5);
    expect(output.readKeyValuesToList()).toEqual([{ key: 'b', value: '1<-null' }, { key: 'a', value: '3<-null' }]);
    await input.pipeInput('l2', 'a', 6);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', '4<-3', 6]]);
  });

  it('shows a timestamped store with plain values through getKeyValueStore and with timestamps through getTimestampedKeyValueStore', async () => {
    const topology = new Topology()
      .addSource('lines', 'text')
      .addProcessor('count', () => new CachedCounter(), 'lines')
      .addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long()), 'count');
    await using driver = new TopologyTestDriver(topology, strings);
    await driver.createInputTopic('text', Serdes.String(), Serdes.String()).pipeInput('l1', 'a a', 42);
    expect(await driver.getKeyValueStore<string, number>('counts').get('a')).toBe(2);
    expect(await driver.getTimestampedKeyValueStore<string, number>('counts').get('a')).toEqual(ValueAndTimestamp.make(2, 42));
    expect(() => driver.getWindowStore('counts')).toThrow(InvalidStateStoreException);
    expect(() => driver.getTimestampedWindowStore('counts')).toThrow(/Store counts is not a timestamped window store/);
    expect(() => driver.getSessionStore('counts')).toThrow(/Store counts is not a session store/);
    expect(() => driver.getKeyValueStore('nope')).toThrow(/No state store named nope/);
  });

  it('reads a global store\'s topic into it at once; processors read it without connecting it', async () => {
    const topology = new Topology()
      .addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('addresses'), Serdes.String(), Serdes.String()),
        'address-source',
        'address',
        {},
        'address-updater',
        (): Processor<string, string, void, void> => {
          let store: KeyValueStore<string, string>;
          return {
            init: (ctx) => void (store = ctx.getStateStore<KeyValueStore<string, string>>('addresses')),
            process: (r) => store.put(r.key, r.value),
          };
        },
      )
      .addSource('orders', 'order')
      .addProcessor(
        'join',
        (): Processor<string, string, string, string> => {
          let ctx: ProcessorContext<string, string>;
          let addresses: KeyValueStore<string, string>;
          return {
            init: (c) => {
              ctx = c;
              addresses = c.getStateStore<KeyValueStore<string, string>>('addresses');
            },
            process: async (r) => ctx.forward(r.withValue(`${r.value} send to ${(await addresses.get(r.key)) ?? '?'}`)),
          };
        },
        'orders',
      )
      .addSink('out', 'order_join', 'join');
    await using driver = new TopologyTestDriver(topology, strings);
    const addresses = driver.createInputTopic('address', Serdes.String(), Serdes.String());
    const orders = driver.createInputTopic('order', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('order_join', Serdes.String(), Serdes.String());
    await addresses.pipeInput('andy', 'Berlin');
    await orders.pipeInput('andy', 'book');
    await orders.pipeInput('bob', 'pen');
    await addresses.pipeInput('andy', 'Paris');
    await orders.pipeInput('andy', 'cup');
    expect(output.readValuesToList()).toEqual(['book send to Berlin', 'pen send to ?', 'cup send to Paris']);
    expect(await driver.getKeyValueStore<string, string>('addresses').get('andy')).toBe('Paris');
    // A global store has no changelog: its topic is its changelog.
    expect(driver.producedTopicNames()).toEqual(new Set(['order_join']));
  });
});

/** Counts words of a line into a timestamped store; with a cache, forwards through the flush listener. */
class CachedCounter implements Processor<string, string, string, string> {
  #ctx!: ProcessorContext<string, string>;
  #store!: TimestampedKeyValueStore<string, number>;
  #cached = false;

  init(ctx: ProcessorContext<string, string>): void {
    this.#ctx = ctx;
    this.#store = ctx.getStateStore<TimestampedKeyValueStore<string, number>>('counts');
    this.#cached = this.#store.setFlushListener(
      (r) => this.#ctx.forward(new Record(r.key, `${r.newValue?.value ?? 'null'}<-${r.oldValue?.value ?? 'null'}`, r.timestamp)),
      true,
    );
  }

  async process(record: Record<string, string>): Promise<void> {
    for (const word of record.value.split(' ')) {
      const old = await this.#store.get(word);
      const next = (old?.value ?? 0) + 1;
      await this.#store.put(word, ValueAndTimestamp.make(next, record.timestamp));
      if (!this.#cached) await this.#ctx.forward(new Record(word, `${next}<-${old?.value ?? 'null'}`, record.timestamp));
    }
  }
}
