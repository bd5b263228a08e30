/**
 * Standby replicas on the embedded backend: with `num.standby.replicas: 1` each instance keeps a
 * warm copy of the other's count store, fed from the changelog; the copy answers stale reads
 * with its lag; when one instance closes, the other promotes its standbys and restores (almost)
 * nothing, and every count is right.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readKeyValueStore, sameEntries, streamsConfig } from './runtime-helpers.js';

const PARTITIONS = 4;
const KEYS = 40;
const STORE = 'counts';

const f = embeddedClusterPerTest('standby', { topics: [{ name: 'in', partitions: PARTITIONS }] });

function instance(server: string, inMemory = false): KafkaStreams {
  const builder = new StreamsBuilder();
  const materialized = inMemory ? Materialized.as<string, number>(Stores.inMemoryKeyValueStore(STORE)) : Materialized.as<string, number>(STORE);
  builder.stream('in', Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(materialized);
  const s = new KafkaStreams(builder.build(), streamsConfig(f.bootstrap, 'app', {
    'application.server': server,
    'state.dir': join(f.stateDir, server.replace(':', '_')),
    'num.standby.replicas': 1,
    // No cache: every update reaches the changelog, so there is a real changelog to (not) restore.
    'statestore.cache.max.bytes': 0,
    'default.key.serde': Serdes.String(),
    'default.value.serde': Serdes.String(),
  }));
  f.open.push(s);
  return s;
}

const input = (count: number, from = 0): ProducerRecord[] =>
  Array.from({ length: count }, (_, i) => ({ topic: 'in', key: Buffer.from(`k${(from + i) % KEYS}`), value: Buffer.from('x') }));

const expected = (records: number): Map<string, number> => {
  const m = new Map<string, number>();
  for (let i = 0; i < records; i++) m.set(`k${i % KEYS}`, (m.get(`k${i % KEYS}`) ?? 0) + 1);
  return m;
};

const readAll = (streams: KafkaStreams, stale: boolean, partition?: number): Promise<Map<string, number>> => readKeyValueStore<number>(streams, STORE, stale, partition);

const same = sameEntries<number>;

const partitions = (tps: readonly { partition: number }[]): number[] => tps.map((tp) => tp.partition).sort();

describe('standby replicas (num.standby.replicas=1)', () => {
  it('keep a warm copy on the other instance that follows the active, answers stale reads, and takes over restoring almost nothing', async () => {
    const a = instance('host-a:1');
    const b = instance('host-b:1');
    await Promise.all([a.start(), b.start()]);
    await eventually(() => {
      const meta = a.metadataForAllStreamsClients();
      return a.state() === 'RUNNING' && b.state() === 'RUNNING' && meta.length === 2 && meta.every((m) => m.topicPartitions.length === 2 && m.standbyTopicPartitions.length === 2);
    }, 15_000, 'both RUNNING with standbys');

    // Every instance learns the standbys: each one's standby partitions are the other's active ones.
    const meta = new Map(b.metadataForAllStreamsClients().map((m) => [m.endpoint, m]));
    expect(partitions(meta.get('host-a:1')!.standbyTopicPartitions)).toEqual(partitions(meta.get('host-b:1')!.topicPartitions));
    expect(partitions(meta.get('host-b:1')!.standbyTopicPartitions)).toEqual(partitions(meta.get('host-a:1')!.topicPartitions));
    const keyMeta = a.queryMetadataForKey(STORE, 'k7');
    expect(keyMeta.standbyHosts).toHaveLength(1);
    expect(keyMeta.standbyHosts[0]).not.toBe(keyMeta.activeHost);

    await produce(f.client, input(2_000));
    const truth = expected(2_000);
    // Active stores of both instances together hold the truth.
    await eventually(async () => {
      const merged = new Map([...(await readAll(a, false)), ...(await readAll(b, false))]);
      return same(merged, truth);
    }, 15_000, 'active counts');
    // Each instance's stale view (its active plus its standby partitions) holds all of it too.
    await eventually(async () => same(await readAll(a, true), truth) && same(await readAll(b, true), truth), 15_000, 'standby copies caught up');
    const aActive = partitions(meta.get('host-a:1')!.topicPartitions);
    const standbyOnB = await readAll(b, true, aActive[0]);
    expect(standbyOnB.size).toBeGreaterThan(0);
    expect(() => b.store(StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore<string, number>()).withPartition(aActive[0]!))).not.toThrow();
    await expect(readAll(b, false, aActive[0])).rejects.toThrow(/only standby replicas/);

    // Lags: b's standby partitions are caught up (lag 0) and positioned at the changelog's end.
    const lags = await b.allLocalStorePartitionLags();
    const storeLags = lags.get(STORE)!;
    expect([...storeLags.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const p of aActive) {
      const lag = storeLags.get(p)!;
      expect(lag.offsetLag).toBe(0);
      expect(lag.currentOffsetPosition).toBe(lag.endOffsetPosition);
      expect(lag.endOffsetPosition).toBeGreaterThan(0);
    }

    // a leaves: b promotes its standbys and restores only what it had not applied yet.
    const changelog = await f.admin.listOffsets(`app-${STORE}-changelog`);
    const changelogOfA = changelog.filter((o) => aActive.includes(o.partition)).reduce((n, o) => n + o.latest - o.earliest, 0);
    const restoredBefore = sumMetric(b.metrics(), 'stream-thread-metrics', 'restore-records-total');
    await a.close();
    await eventually(() => b.state() === 'RUNNING' && partitions(b.metadataForAllStreamsClients()[0]?.topicPartitions ?? []).length === PARTITIONS, 15_000, 'b owns all');
    await produce(f.client, input(400, 2_000));
    const truth2 = expected(2_400);
    await eventually(async () => same(await readAll(b, false), truth2), 15_000, 'counts after failover');
    const restored = sumMetric(b.metrics(), 'stream-thread-metrics', 'restore-records-total') - restoredBefore;
    // Without the standby b would restore all of a's changelog partitions; with it, at most what a wrote while closing.
    console.log(`[standby embedded] promotion restored ${restored} of the ${changelogOfA} changelog records of the moved partitions`);
    expect(changelogOfA).toBeGreaterThan(100);
    expect(restored).toBeLessThan(changelogOfA / 10);

    // The counter does count restores: an instance with an empty state dir restores the whole changelog.
    await b.close();
    const fresh = instance('host-c:1');
    await fresh.start();
    await eventually(async () => same(await readAll(fresh, false), truth2), 15_000, 'counts restored on a fresh instance');
    const total = (await f.admin.listOffsets(`app-${STORE}-changelog`)).reduce((n, o) => n + o.latest - o.earliest, 0);
    expect(sumMetric(fresh.metrics(), 'stream-thread-metrics', 'restore-records-total')).toBe(total);
  });

  it('hands a warm in-memory standby store to the promoted active task, which restores only the remainder', async () => {
    const a = instance('host-a:1', true);
    const b = instance('host-b:1', true);
    // Restored records per changelog partition on b, counted from a's close on. (Eager rebalancing
    // also closes b's own active tasks, and their in-memory stores restore in full: not counted.)
    const restoredOnB = new Map<number, number>();
    let counting = false;
    b.setGlobalStateRestoreListener({
      onRestoreStart: () => undefined,
      onBatchRestored: (tp, _store, _end, n) => {
        if (counting) restoredOnB.set(tp.partition, (restoredOnB.get(tp.partition) ?? 0) + n);
      },
      onRestoreEnd: () => undefined,
    });
    await Promise.all([a.start(), b.start()]);
    await eventually(() => {
      const meta = a.metadataForAllStreamsClients();
      return a.state() === 'RUNNING' && b.state() === 'RUNNING' && meta.length === 2 && meta.every((m) => m.topicPartitions.length === 2 && m.standbyTopicPartitions.length === 2);
    }, 15_000, 'both RUNNING with standbys');
    const aActive = partitions(new Map(b.metadataForAllStreamsClients().map((m) => [m.endpoint, m])).get('host-a:1')!.topicPartitions);

    await produce(f.client, input(2_000));
    const truth = expected(2_000);
    await eventually(async () => same(await readAll(a, true), truth) && same(await readAll(b, true), truth), 15_000, 'standby copies caught up');

    const changelog = await f.admin.listOffsets(`app-${STORE}-changelog`);
    const changelogOfA = changelog.filter((o) => aActive.includes(o.partition)).reduce((n, o) => n + o.latest - o.earliest, 0);
    counting = true;
    await a.close();
    await eventually(() => b.state() === 'RUNNING' && partitions(b.metadataForAllStreamsClients()[0]?.topicPartitions ?? []).length === PARTITIONS, 15_000, 'b owns all');
    // Every count is there before any new input: a's partitions from the adopted stores (plus the remainder).
    expect(same(await readAll(b, false), truth)).toBe(true);
    await produce(f.client, input(400, 2_000));
    const truth2 = expected(2_400);
    await eventually(async () => same(await readAll(b, false), truth2), 15_000, 'counts after failover');
    const restoredOfA = aActive.reduce((n, p) => n + (restoredOnB.get(p) ?? 0), 0);
    // An in-memory store recreated empty would restore all of a's changelog partitions again.
    console.log(`[standby embedded, in-memory] promotion restored ${restoredOfA} of the ${changelogOfA} changelog records of the moved partitions`);
    expect(changelogOfA).toBeGreaterThan(100);
    expect(restoredOfA).toBeLessThan(changelogOfA / 10);
    // b's own partitions did restore (their tasks were closed by the rebalance): the listener counts.
    expect([0, 1, 2, 3].filter((p) => !aActive.includes(p)).reduce((n, p) => n + (restoredOnB.get(p) ?? 0), 0)).toBeGreaterThan(0);
  });
});
