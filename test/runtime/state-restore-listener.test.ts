/**
 * `KafkaStreams.setGlobalStateRestoreListener` on the embedded backend: after a run whose local
 * state is then deleted, a restart restores the aggregation's changelog and the global table,
 * and the listener hears each partition's start (offsets), its batches (summing to the total)
 * and its end, as Kafka Streams' StateRestoreListener does.
 */
import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { IllegalStateException } from '../../src/errors.js';
import type { TopicPartition } from '../../src/kafka/port.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { StateRestoreListener } from '../../src/runtime/state-restore-listener.js';
import { Serdes } from '../../src/serde/serdes.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce } from './runtime-helpers.js';

const INPUT = 'words';
const GLOBAL = 'regions';
const APP = 'restore-listener-app';
const CHANGELOG = `${APP}-counts-changelog`;

const f = embeddedClusterPerTest('restore-listener', { topics: [{ name: INPUT, partitions: 2 }, { name: GLOBAL, partitions: 2 }] });

function streamsOf(): KafkaStreams {
  const builder = new StreamsBuilder();
  builder.stream<string, string>(INPUT).groupByKey().count(Materialized.as('counts'));
  builder.globalTable<string, string>(GLOBAL, Materialized.as('regions-store'));
  const s = new KafkaStreams(builder.build(), {
    'application.id': APP, 'bootstrap.servers': f.bootstrap, 'state.dir': f.stateDir, 'commit.interval.ms': 100,
    'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
  });
  f.open.push(s);
  return s;
}

type Event =
  | { kind: 'start'; tp: TopicPartition; store: string; from: number; to: number }
  | { kind: 'batch'; tp: TopicPartition; store: string; end: number; n: number }
  | { kind: 'end'; tp: TopicPartition; store: string; total: number };

function recordingListener(events: Event[]): StateRestoreListener {
  return {
    onRestoreStart: (tp, store, from, to) => events.push({ kind: 'start', tp, store, from, to }),
    onBatchRestored: (tp, store, end, n) => events.push({ kind: 'batch', tp, store, end, n }),
    onRestoreEnd: (tp, store, total) => events.push({ kind: 'end', tp, store, total }),
  };
}

async function countsTotal(streams: KafkaStreams): Promise<number> {
  const store = streams.store(StoreQueryParameters.fromNameAndType('counts', QueryableStoreTypes.keyValueStore<string, number>()));
  let sum = 0;
  for await (const { value } of store.all()) sum += value;
  return sum;
}

describe('KafkaStreams.setGlobalStateRestoreListener', () => {
  it('reports start, batches and end of every changelog partition and global partition restored after the local state was deleted', async () => {
    const words = Array.from({ length: 400 }, (_, i) => ({ topic: INPUT, key: Buffer.from(`w${i % 37}`), value: Buffer.from('x') }));
    await produce(f.client, words);
    await produce(f.client, Array.from({ length: 30 }, (_, i) => ({ topic: GLOBAL, partition: i % 2, key: Buffer.from(`r${i}`), value: Buffer.from(`region-${i}`) })));

    const first = streamsOf();
    await first.start();
    await eventually(async () => (await countsTotal(first)) === words.length, 10_000, 'all words counted');
    await first.close();
    await first.cleanUp();

    const changelog = await f.admin.listOffsets(CHANGELOG);
    const global = await f.admin.listOffsets(GLOBAL);
    const events: Event[] = [];
    const second = streamsOf();
    second.setGlobalStateRestoreListener(recordingListener(events));
    await second.start();
    expect(await countsTotal(second)).toBe(words.length);

    const expectations = [
      ...changelog.filter((o) => o.latest > o.earliest).map((o) => ({ topic: CHANGELOG, store: 'counts', ...o })),
      ...global.filter((o) => o.latest > o.earliest).map((o) => ({ topic: GLOBAL, store: 'regions-store', ...o })),
    ];
    expect(expectations.length).toBe(4);
    for (const x of expectations) {
      const mine = events.filter((e) => e.tp.topic === x.topic && e.tp.partition === x.partition);
      expect(mine[0], `${x.topic}-${x.partition}`).toEqual({ kind: 'start', tp: { topic: x.topic, partition: x.partition }, store: x.store, from: x.earliest, to: x.latest });
      const batches = mine.filter((e): e is Extract<Event, { kind: 'batch' }> => e.kind === 'batch');
      expect(batches.length).toBeGreaterThan(0);
      // Batch end offsets are inclusive and grow; the last one is the last record before the end.
      expect(batches.map((b) => b.end)).toEqual([...batches.map((b) => b.end)].sort((a, b) => a - b));
      expect(batches.at(-1)!.end).toBe(x.latest - 1);
      const total = batches.reduce((n, b) => n + b.n, 0);
      expect(total).toBeLessThanOrEqual(x.latest - x.earliest);
      expect(mine.at(-1)).toEqual({ kind: 'end', tp: { topic: x.topic, partition: x.partition }, store: x.store, total });
      expect(mine).toHaveLength(batches.length + 2);
    }
    // Global stores are restored before the stream threads start theirs (Kafka Streams' bootstrap).
    const lastGlobal = events.findLastIndex((e) => e.tp.topic === GLOBAL);
    const firstChangelog = events.findIndex((e) => e.tp.topic === CHANGELOG);
    expect(lastGlobal).toBeLessThan(firstChangelog);

    // The progress snapshot describes the last restoration (the stream thread's, after the global
    // bootstrap ended) and agrees with what the listener heard of it.
    const progress = second.restorationProgress();
    expect(progress.partitions).toBe(0);
    const changelogRestored = events.filter((e) => e.kind === 'batch' && e.tp.topic === CHANGELOG).reduce((n, e) => n + (e as { n: number }).n, 0);
    expect(progress.restored).toBe(changelogRestored);
    expect(progress.total).toBe(changelogRestored);
  });

  it('restores nothing on a clean restart: the listener hears nothing', async () => {
    await produce(f.client, Array.from({ length: 50 }, (_, i) => ({ topic: INPUT, key: Buffer.from(`w${i % 5}`), value: Buffer.from('x') })));
    const first = streamsOf();
    await first.start();
    await eventually(async () => (await countsTotal(first)) === 50, 10_000, 'all words counted');
    await first.close();

    const events: Event[] = [];
    const second = streamsOf();
    second.setGlobalStateRestoreListener(recordingListener(events));
    await second.start();
    expect(await countsTotal(second)).toBe(50);
    expect(events).toEqual([]);
  });

  it('can only be set before start()', async () => {
    const streams = streamsOf();
    await streams.start();
    expect(() => streams.setGlobalStateRestoreListener(recordingListener([]))).toThrow(IllegalStateException);
  });
});
