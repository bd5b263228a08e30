/**
 * Adding and removing stream threads on a running client (KIP-663) on the embedded backend:
 * `addStreamThread()` joins a new thread to the group, which spreads the tasks over both threads;
 * `removeStreamThread()` makes one leave, and the other takes its tasks over; names take the
 * smallest free index; the record cache budget is split over the live threads; nothing counted is
 * lost or counted twice; and `metadataForLocalThreads()` tells which thread holds which tasks.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { ThreadMetadata } from '../../src/runtime/thread-metadata.js';
import { Serdes } from '../../src/serde/serdes.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readKeyValueStore, sameEntries, streamsConfig } from './runtime-helpers.js';

const PARTITIONS = 4;
const KEYS = 40;
const STORE = 'counts';
const CACHE = 1_000_000;

const f = embeddedClusterPerTest('threads', { topics: [{ name: 'in', partitions: PARTITIONS }] });

function instance(threads = 1): KafkaStreams {
  const builder = new StreamsBuilder();
  builder.stream('in', Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as<string, number>(STORE));
  const s = new KafkaStreams(builder.build(), streamsConfig(f.bootstrap, 'app', {
    'state.dir': join(f.stateDir, 'a'),
    'num.stream.threads': threads,
    'statestore.cache.max.bytes': CACHE,
    'commit.interval.ms': 100,
  }));
  f.open.push(s);
  return s;
}

const input = (count: number, from: number): ProducerRecord[] =>
  Array.from({ length: count }, (_, i) => ({ topic: 'in', key: Buffer.from(`k${(from + i) % KEYS}`), value: Buffer.from('x') }));
const truth = (records: number): Map<string, number> => {
  const m = new Map<string, number>();
  for (let i = 0; i < records; i++) m.set(`k${i % KEYS}`, (m.get(`k${i % KEYS}`) ?? 0) + 1);
  return m;
};
const tasksOf = (t: ThreadMetadata): string[] => t.activeTasks.map((task) => task.taskId).sort();
/** Every thread RUNNING, holding its share of the tasks, each task once. */
const balancedOver = (s: KafkaStreams, threads: number): boolean => {
  const meta = s.metadataForLocalThreads();
  const all = meta.flatMap(tasksOf);
  return s.state() === 'RUNNING' && meta.length === threads && meta.every((t) => t.threadState === 'RUNNING' && t.activeTasks.length === PARTITIONS / threads)
    && new Set(all).size === PARTITIONS;
};
describe('addStreamThread / removeStreamThread (KIP-663)', () => {
  it('a thread added to a running client takes half the tasks; removing one gives them back; counts stay exact', async () => {
    const s = instance(1);
    expect(s.addStreamThread()).toBeUndefined();   // not running yet
    await s.start();
    await produce(f.client, input(400, 0));
    await eventually(async () => balancedOver(s, 1) && sameEntries(await readKeyValueStore<number>(s, STORE), truth(400)), 15_000, 'one thread counted');

    expect(s.addStreamThread()).toBe('app-StreamThread-2');
    await eventually(() => balancedOver(s, 2), 15_000, 'two threads with two tasks each');
    const [one, two] = s.metadataForLocalThreads();
    expect(one!.threadName).toBe('app-StreamThread-1');
    expect(two!.activeTasks[0]!.topicPartitions).toEqual([{ topic: 'in', partition: Number(two!.activeTasks[0]!.taskId.split('_')[1]) }]);
    await produce(f.client, input(400, 400));
    await eventually(async () => sameEntries(await readKeyValueStore<number>(s, STORE), truth(800)), 15_000, 'counted over two threads');

    // Thread 1 leaves; thread 2 takes its tasks over; index 1 is free again.
    expect(await s.removeStreamThread()).toBe('app-StreamThread-1');
    expect(s.metadataForLocalThreads().map((t) => t.threadName)).toEqual(['app-StreamThread-2']);
    await eventually(() => balancedOver(s, 1), 15_000, 'one thread with every task');
    await produce(f.client, input(400, 800));
    await eventually(async () => sameEntries(await readKeyValueStore<number>(s, STORE), truth(1_200)), 15_000, 'counted after the removal');
    expect(s.addStreamThread()).toBe('app-StreamThread-1');
    await eventually(() => balancedOver(s, 2), 15_000, 'two threads again');
  });

  it('splits the record cache budget over the live threads as they come and go', async () => {
    const s = instance(2);
    await s.start();
    await eventually(() => balancedOver(s, 2), 15_000, 'two threads');
    const budgets = (): number[] => [...s.threadCacheBudgets().values()];
    expect(budgets()).toEqual([CACHE / 2, CACHE / 2]);
    s.addStreamThread();
    expect(budgets()).toEqual([333_333, 333_333, 333_333]);
    await s.removeStreamThread();
    await s.removeStreamThread();
    expect(budgets()).toEqual([CACHE]);
  });

  it('removing the last thread leaves a running client that processes nothing until a thread is added; a stopped client adds and removes none', async () => {
    const s = instance(1);
    await s.start();
    await eventually(() => balancedOver(s, 1), 15_000, 'one thread');
    expect(await s.removeStreamThread()).toBe('app-StreamThread-1');
    expect(await s.removeStreamThread()).toBeUndefined();
    expect(s.metadataForLocalThreads()).toEqual([]);
    await produce(f.client, input(100, 0));
    expect(s.addStreamThread()).toBe('app-StreamThread-1');
    await eventually(async () => balancedOver(s, 1) && sameEntries(await readKeyValueStore<number>(s, STORE), truth(100)), 15_000, 'the new thread counted what arrived meanwhile');
    await s.close();
    expect(s.addStreamThread()).toBeUndefined();
    expect(await s.removeStreamThread()).toBeUndefined();
  });
});
