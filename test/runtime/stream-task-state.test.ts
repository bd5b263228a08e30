import { encodeTopicPartitionMetadata } from '../../src/runtime/topic-partition-metadata.js';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig, type StreamsConfigInput } from '../../src/config.js';
import { IllegalStateException, StreamsException } from '../../src/errors.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { Record } from '../../src/processor/record.js';
import { createStreamTask } from '../../src/runtime/stream-task.js';
import type { StreamTask, TaskEnvironment } from '../../src/runtime/task.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { StoreBuilder } from '../../src/state/store-builder.js';
import type { StateStore } from '../../src/state/state-store.js';
import { Stores } from '../../src/state/stores.js';
import type { TimestampedKeyValueStore } from '../../src/state/timestamped-key-value-store.js';
import { ValueAndTimestamp } from '../../src/state/value-and-timestamp.js';
import { Topology } from '../../src/topology/topology.js';
import { consumed } from './stream-task-helpers.js';

const root = await mkdtemp(join(tmpdir(), 'kstreams-task-state-'));
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let nextDir = 0;
const freshStateDir = (): string => join(root, `s${nextDir++}`);

const CHANGELOG = 'task-test-counts-changelog';

/**
 * Counts words per key in a timestamped store. With a cache it lets the cache forward; without,
 * it forwards each update itself. Forwards `new<-old` strings; the value 'DEL' deletes the key.
 */
class Counter implements Processor<string, string, string, string> {
  #ctx!: ProcessorContext<string, string>;
  #store!: TimestampedKeyValueStore<string, number>;
  #cached = false;

  init(ctx: ProcessorContext<string, string>): void {
    this.#ctx = ctx;
    this.#store = ctx.getStateStore<TimestampedKeyValueStore<string, number>>('counts');
    this.#cached = this.#store.setFlushListener(
      (r) => this.#ctx.forward(new Record(r.key, `${r.newValue?.value ?? 'null'}<-${r.oldValue?.value ?? 'null'}`, r.timestamp, r.headers)),
      true,
    );
  }

  async process(record: Record<string, string>): Promise<void> {
    const old = await this.#store.get(record.key);
    const next = record.value === 'DEL' ? null : (old?.value ?? 0) + 1;
    await this.#store.put(record.key, ValueAndTimestamp.make(next, record.timestamp));
    if (!this.#cached) this.#ctx.forward(new Record(record.key, `${next ?? 'null'}<-${old?.value ?? 'null'}`, record.timestamp));
  }
}

type CountsBuilder = StoreBuilder<StateStore>;
const persistentCounts = (): CountsBuilder => Stores.timestampedKeyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long());
const inMemoryCounts = (): CountsBuilder => Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('counts'), Serdes.String(), Serdes.Long());

/**
 * words → count (store 'counts') → where (records the input offset each output comes from;
 * optionally async) → sink 'out'.
 */
function countingTopology(builder: CountsBuilder, where: string[] = [], asyncWhere = false): Topology {
  return new Topology()
    .addSource('src', 'words')
    .addProcessor('count', () => new Counter(), 'src')
    .addProcessor(
      'where',
      (): Processor<string, string, string, string> => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (c) => void (ctx = c),
          process: (r) => {
            where.push(`${r.key}@${ctx.recordMetadata()?.offset ?? 'none'}`);
            if (!asyncWhere) return ctx.forward(r);
            return new Promise<void>((resolve) => setImmediate(resolve)).then(() => ctx.forward(r));
          },
        };
      },
      'count',
    )
    .addSink('sink', 'out', 'where')
    .addStateStore(builder, 'count');
}

function environment(config: Partial<StreamsConfigInput> = {}) {
  const sent: ProducerRecord[] = [];
  const acknowledged = new Map<string, number>();
  const env: TaskEnvironment = {
    config: resolveConfig({
      'application.id': 'task-test',
      'bootstrap.servers': 'localhost:9092',
      'default.key.serde': Serdes.String(),
      'default.value.serde': Serdes.String(),
      'state.dir': freshStateDir(),
      ...config,
    }),
    collector: {
      send: (r) => {
        sent.push(r);
        const id = `${r.topic}:${r.partition ?? 0}`;
        acknowledged.set(id, (acknowledged.get(id) ?? -1) + 1);
      },
      acknowledgedOffset: (topic, partition) => acknowledged.get(`${topic}:${partition}`),
    },
    clock: () => 0,
  };
  const outputs = (): string[] => sent.filter((r) => r.topic === 'out').map((r) => `${r.key?.toString()}=${r.value?.toString()}@${r.timestamp}`);
  const changelog = (): ProducerRecord[] => sent.filter((r) => r.topic === CHANGELOG);
  return { env, sent, outputs, changelog };
}

async function started(topology: Topology, env: TaskEnvironment, taskId = '0_2'): Promise<StreamTask> {
  const task = createStreamTask(topology, taskId, [{ topic: 'words', partition: Number(taskId.split('_')[1]) }], env);
  await task.initialize();
  if (task.restoring) await task.markRestored();
  return task;
}

async function feed(task: StreamTask, first: number, words: Array<[string, string, number]>): Promise<void> {
  const partition = task.partitions[0]!.partition;
  task.addRecords({ topic: 'words', partition }, words.map(([key, value, ts], i) => consumed('words', partition, first + i, value, ts, key)));
  while (await task.process(0)) { /* drain */ }
}

async function commit(task: StreamTask): Promise<void> {
  await task.prepareCommit();
  await task.postCommit();
}

describe('StreamTask with a cached store (SEMANTICS §5.3)', () => {
  it('forwards nothing before the commit, then each key once in last-update order with old values and the last update\'s context', async () => {
    const where: string[] = [];
    const { env, outputs } = environment();
    const task = await started(countingTopology(persistentCounts().withCachingEnabled(), where), env);
    await feed(task, 0, [['a', 'x', 10], ['b', 'x', 20], ['a', 'x', 30], ['c', 'x', 40], ['b', 'x', 50]]);
    expect(outputs()).toEqual([]);
    const offsets = await task.prepareCommit();
    expect(offsets).toEqual([{ topic: 'words', partition: 2, offset: 5, metadata: encodeTopicPartitionMetadata(50, new Map()) }]);
    expect(outputs()).toEqual(['a=2<-null@30', 'c=1<-null@40', 'b=2<-null@50']);
    expect(where).toEqual(['a@2', 'c@3', 'b@4']);
    await task.postCommit();

    await feed(task, 5, [['b', 'x', 60], ['a', 'x', 70], ['b', 'x', 80]]);
    await commit(task);
    expect(outputs().slice(3)).toEqual(['a=3<-2@70', 'b=4<-2@80']);
    await task.close(true);
  });

  it('forwards nothing for a key written and deleted within one commit interval, and a tombstone for a stored key', async () => {
    const { env, outputs } = environment();
    const task = await started(countingTopology(inMemoryCounts().withCachingEnabled()), env);
    await feed(task, 0, [['a', 'x', 1]]);
    await commit(task);
    await feed(task, 1, [['ghost', 'x', 2], ['ghost', 'DEL', 3], ['a', 'DEL', 4]]);
    await commit(task);
    expect(outputs()).toEqual(['a=1<-null@1', 'a=null<-1@4']);
    await task.close(true);
  });

  it('evicts and forwards before the commit when the cache exceeds statestore.cache.max.bytes', async () => {
    // An entry costs 45 bytes of bookkeeping + key 'kN' (2) + value (8 timestamp + 8 long) + topic 'words' (5) = 68.
    const { env, outputs } = environment({ 'statestore.cache.max.bytes': 3 * 68 });
    const task = await started(countingTopology(inMemoryCounts().withCachingEnabled()), env);
    const words: Array<[string, string, number]> = Array.from({ length: 7 }, (_, i) => [`k${i}`, 'x', i]);
    const expected = words.map(([k, , ts]) => `${k}=1<-null@${ts}`);
    await feed(task, 0, words);
    // k3 overflows the cache: evicting the dirty eldest (k0) flushes k0..k3; k4..k6 then evict clean entries only.
    expect(outputs()).toEqual(expected.slice(0, 4));
    await commit(task);
    expect(outputs()).toEqual(expected);
    await task.close(true);
  });

  it('evicts from inside an async processor to an async downstream processor without deadlock, keeping output order', async () => {
    const where: string[] = [];
    const { env, outputs } = environment({ 'statestore.cache.max.bytes': 3 * 68 });
    const task = await started(countingTopology(inMemoryCounts().withCachingEnabled(), where, true), env);
    const words: Array<[string, string, number]> = Array.from({ length: 7 }, (_, i) => [`k${i}`, 'x', i]);
    await feed(task, 0, words);
    expect(where).toEqual(['k0@0', 'k1@1', 'k2@2', 'k3@3']);
    await commit(task);
    expect(outputs()).toEqual(words.map(([k, , ts]) => `${k}=1<-null@${ts}`));
    expect(where.slice(4)).toEqual(['k4@4', 'k5@5', 'k6@6']);
    await task.close(true);
  });

  it('forwards every update at once when caching is off: statestore.cache.max.bytes = 0, or the builder\'s default', async () => {
    for (const [builder, config] of [
      [inMemoryCounts().withCachingEnabled(), { 'statestore.cache.max.bytes': 0 }],
      [inMemoryCounts(), {}],
    ] as const) {
      const { env, outputs } = environment(config);
      const task = await started(countingTopology(builder), env);
      await feed(task, 0, [['a', 'x', 1], ['a', 'x', 2]]);
      expect(outputs()).toEqual(['a=1<-null@1', 'a=2<-1@2']);
      await task.close(true);
    }
  });

  it('flushes on a clean close, and forwards nothing on a dirty one', async () => {
    const clean = environment();
    const task = await started(countingTopology(inMemoryCounts().withCachingEnabled()), clean.env);
    await feed(task, 0, [['a', 'x', 1]]);
    await task.close(true);
    expect(clean.outputs()).toEqual(['a=1<-null@1']);

    const dirty = environment();
    const lost = await started(countingTopology(inMemoryCounts().withCachingEnabled()), dirty.env);
    await feed(lost, 0, [['a', 'x', 1]]);
    await lost.close(false);
    expect(dirty.sent).toEqual([]);
  });
});

describe('StreamTask changelogs, checkpoints and restoration', () => {
  it('writes each store update to <application.id>-<store>-changelog, partition = task partition, plain value with its timestamp', async () => {
    const { env, changelog } = environment();
    const task = await started(countingTopology(inMemoryCounts()), env);
    await feed(task, 0, [['a', 'x', 10], ['a', 'x', 20], ['a', 'DEL', 30]]);
    expect(changelog().map((r) => [r.partition, r.key?.toString(), r.value?.toString('hex') ?? null, r.timestamp])).toEqual([
      [2, 'a', '0000000000000001', 10],
      [2, 'a', '0000000000000002', 20],
      [2, 'a', null, 30],
    ]);
    await task.close(true);
  });

  it('with caching, logs one changelog record per key and commit', async () => {
    const { env, changelog } = environment();
    const task = await started(countingTopology(inMemoryCounts().withCachingEnabled()), env);
    await feed(task, 0, [['a', 'x', 10], ['a', 'x', 20], ['b', 'x', 25]]);
    expect(changelog()).toEqual([]);
    await commit(task);
    expect(changelog().map((r) => `${r.key?.toString()}:${r.value?.readBigInt64BE(0)}@${r.timestamp}`)).toEqual(['a:2@20', 'b:1@25']);
    await task.close(true);
  });

  it('logs nothing with logging disabled, and then has no changelog partition to restore', async () => {
    const { env, changelog } = environment();
    const task = createStreamTask(countingTopology(inMemoryCounts().withLoggingDisabled()), '0_2', [{ topic: 'words', partition: 2 }], env);
    await task.initialize();
    expect(task.restoring).toBe(false);
    expect(task.changelogPartitions()).toEqual([]);
    await feed(task, 0, [['a', 'x', 10]]);
    expect(changelog()).toEqual([]);
    await task.close(true);
  });

  it('checkpoints acknowledged changelog offsets on commit and close; a reopened task restores only after them', async () => {
    const { env } = environment();
    const topology = countingTopology(persistentCounts());
    const task = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await task.initialize();
    expect(task.restoring).toBe(true);
    expect(task.changelogPartitions()).toEqual([{ topic: CHANGELOG, partition: 2, storeName: 'counts', checkpointOffset: undefined }]);
    await expect(task.process(0)).rejects.toThrow(IllegalStateException);
    await task.markRestored();
    await feed(task, 0, [['a', 'x', 1], ['b', 'x', 2], ['a', 'x', 3]]);
    await commit(task);
    const checkpointPath = join(env.config.stateDir, 'task-test', '0_2', '.checkpoint');
    expect(await readFile(checkpointPath, 'utf8')).toBe(`0\n1\n${CHANGELOG} 2 2\n`);
    await feed(task, 3, [['c', 'x', 4]]);
    await task.close(true);
    expect(await readFile(checkpointPath, 'utf8')).toBe(`0\n1\n${CHANGELOG} 2 3\n`);

    const again = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await again.initialize();
    expect(again.changelogPartitions()).toEqual([{ topic: CHANGELOG, partition: 2, storeName: 'counts', checkpointOffset: 3 }]);
    await again.markRestored();
    const store = again.store('counts') as TimestampedKeyValueStore<string, number>;
    expect((await store.get('a'))?.value).toBe(2);
    expect((await store.get('c'))?.value).toBe(1);
    await again.close(true);
  });

  it('rebuilds a store from changelog records with restoreBatch, bypassing cache and changelog, then processes on top', async () => {
    const { env, changelog, outputs } = environment();
    const topology = countingTopology(inMemoryCounts().withCachingEnabled());
    const task = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await task.initialize();
    const count = (n: number): Buffer => {
      const bytes = Buffer.alloc(8);
      bytes.writeBigInt64BE(BigInt(n));
      return bytes;
    };
    await task.restoreBatch(CHANGELOG, 2, [
      { topic: CHANGELOG, partition: 2, offset: 40, key: Buffer.from('a'), value: count(5), timestamp: 100, headers: [] },
      { topic: CHANGELOG, partition: 2, offset: 41, key: Buffer.from('b'), value: count(1), timestamp: 101, headers: [] },
    ]);
    await task.restoreBatch(CHANGELOG, 2, [{ topic: CHANGELOG, partition: 2, offset: 42, key: Buffer.from('b'), value: null, timestamp: 102, headers: [] }]);
    expect(task.changelogPartitions()[0]?.checkpointOffset).toBe(42);
    await expect(task.restoreBatch(CHANGELOG, 1, [])).rejects.toThrow(/no changelog partition .*-changelog-1/);
    await task.markRestored();
    expect(changelog()).toEqual([]);
    expect(outputs()).toEqual([]);
    const store = task.store('counts') as TimestampedKeyValueStore<string, number>;
    expect(await store.get('a')).toEqual(ValueAndTimestamp.make(5, 100));
    expect(await store.get('b')).toBeUndefined();
    await feed(task, 0, [['a', 'x', 200]]);
    await commit(task);
    expect(outputs()).toEqual(['a=6<-5@200']);
    await expect(task.restoreBatch(CHANGELOG, 2, [])).rejects.toThrow(IllegalStateException);
    await task.close(true);
  });

  it('locks the task directory: a second task with the same id cannot open its stores until the first closes', async () => {
    const { env } = environment();
    const topology = countingTopology(persistentCounts());
    const first = await started(topology, env);
    const second = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    const error = await second.initialize().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as StreamsException).code).toBe('STATE_DIR_LOCKED');
    await first.close(true);
    const third = await started(topology, env);
    await third.close(true);
  });

  it('under exactly-once: deletes the checkpoint once read, writes it on clean close, and wipes a persistent store that has none', async () => {
    const { env } = environment({ 'processing.guarantee': 'exactly_once_v2' });
    const topology = countingTopology(persistentCounts());
    const task = await started(topology, env);
    await feed(task, 0, [['a', 'x', 1]]);
    await commit(task);
    const taskDir = join(env.config.stateDir, 'task-test', '0_2');
    expect(await readdir(taskDir)).not.toContain('.checkpoint');
    await task.close(true);
    expect(await readFile(join(taskDir, '.checkpoint'), 'utf8')).toBe(`0\n1\n${CHANGELOG} 2 0\n`);

    const reopened = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await reopened.initialize();
    expect(reopened.changelogPartitions()[0]?.checkpointOffset).toBe(0);
    expect(await readdir(taskDir)).not.toContain('.checkpoint');
    await reopened.markRestored();
    expect((await (reopened.store('counts') as TimestampedKeyValueStore<string, number>).get('a'))?.value).toBe(1);
    // A crash now (dirty close): no checkpoint, so the next open must not trust the local store.
    await reopened.close(false);
    expect(await readdir(taskDir)).not.toContain('.checkpoint');
    const recovered = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await recovered.initialize();
    expect(recovered.changelogPartitions()[0]?.checkpointOffset).toBeUndefined();
    await recovered.markRestored();
    expect(await (recovered.store('counts') as TimestampedKeyValueStore<string, number>).get('a')).toBeUndefined();
    await recovered.close(true);
  });

  it('reports a corrupt checkpoint file instead of guessing', async () => {
    const { env } = environment();
    const topology = countingTopology(persistentCounts());
    const taskDir = join(env.config.stateDir, 'task-test', '0_2');
    const first = await started(topology, env);
    await first.close(true);
    await writeFile(join(taskDir, '.checkpoint'), '7\n1\nx 0 1\n');
    const task = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await expect(task.initialize()).rejects.toThrow(/Checkpoint file .* is corrupt \(unknown version 7\)/);
    // The failed open released the lock again.
    await rm(join(taskDir, '.checkpoint'));
    const retried = await started(topology, env);
    await retried.close(true);
  });
});

describe('ProcessorContext.getStateStore', () => {
  it('names the store and the processor when the store is not connected to it', async () => {
    const { env } = environment();
    const topology = countingTopology(inMemoryCounts()).addProcessor(
      'nosy',
      (): Processor<string, string> => ({ init: (ctx) => void ctx.getStateStore('counts'), process: () => undefined }),
      'src',
    );
    const task = createStreamTask(topology, '0_2', [{ topic: 'words', partition: 2 }], env);
    await task.initialize();
    await expect(task.markRestored()).rejects.toThrow(/Processor nosy has no access to StateStore counts as the store is not connected to the processor/);
  });
});
