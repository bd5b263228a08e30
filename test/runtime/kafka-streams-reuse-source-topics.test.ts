/**
 * `topology.optimization=reuse.ktable.source.topics` on the embedded backend: a materialized
 * `table('input')` writes no `<app>-t-changelog`; a restarted instance with a wiped state
 * directory restores the table from `input` up to the committed offset (Kafka's
 * `StoreChangelogReader` for source-topic changelogs) and processes what came after it once;
 * standbys follow `input`.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { applyResetPlan, planReset } from '../../src/cli/application-reset.js';
import type { StreamsConfigInput } from '../../src/config.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ConsumedRecord, ProducerRecord, TopicPartition } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { StateRestoreListener } from '../../src/runtime/state-restore-listener.js';
import { logger } from '../../src/logger.js';
import { Serdes } from '../../src/serde/serdes.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readAllWith, readKeyValueStore, sameEntries, sortedValues, streamsConfig } from './runtime-helpers.js';

const PARTITIONS = 2;
const STORE = 't';
const REUSE = { 'topology.optimization': 'reuse.ktable.source.topics' } as const;

const f = embeddedClusterPerTest('reuse', { topics: [{ name: 'input', partitions: PARTITIONS }, { name: 'out', partitions: PARTITIONS }] });

/** table('input') materialized as `t`, its updates copied to `out`. */
function instance(server: string, overrides: Partial<StreamsConfigInput> = {}): KafkaStreams {
  const config = streamsConfig(f.bootstrap, 'app', {
    ...REUSE,
    'application.server': server,
    'state.dir': join(f.stateDir, server.replace(':', '_')),
    'statestore.cache.max.bytes': 0,
    ...overrides,
  });
  const builder = new StreamsBuilder();
  builder.table('input', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>(STORE))
    .toStream()
    .to('out', Produced.with(Serdes.String(), Serdes.String()));
  const s = new KafkaStreams(builder.build(config), config);
  f.open.push(s);
  return s;
}

const records = (count: number, from = 0): ProducerRecord[] =>
  Array.from({ length: count }, (_, i) => ({ topic: 'input', key: Buffer.from(`k${(from + i) % 30}`), value: Buffer.from(`v${from + i}`) }));

/** The latest value per key of `count` records from `records(count)`. */
const latest = (count: number): Map<string, string> => {
  const m = new Map<string, string>();
  for (let i = 0; i < count; i++) m.set(`k${i % 30}`, `v${i}`);
  return m;
};

const readAll = (streams: KafkaStreams, stale = false, partition?: number): Promise<Map<string, string>> => readKeyValueStore<string>(streams, STORE, stale, partition);

const same = sameEntries<string>;

/** Runs host-a:1 until its table holds the first `count` records, then closes it (the run before a restart or a reset). */
async function runUntilTableHolds(count: number, overrides: Partial<StreamsConfigInput> = {}): Promise<void> {
  const first = instance('host-a:1', overrides);
  await first.start();
  await produce(f.client, records(count));
  await eventually(async () => same(await readAll(first), latest(count)), 15_000, 'the table holds the input');
  await first.close();
}

async function committed(): Promise<Map<number, number>> {
  return new Map((await f.admin.fetchCommittedOffsets('app', ['input'])).map((o) => [o.partition, o.offset]));
}

async function logEnds(): Promise<Map<number, number>> {
  return new Map((await f.admin.listOffsets('input')).map((o) => [o.partition, o.latest]));
}

describe('topology.optimization=reuse.ktable.source.topics', () => {
  it.each(['at_least_once', 'exactly_once_v2'] as const)('%s: creates no changelog; a wiped instance restores the table from the input topic up to the committed offset and processes the rest once', async (guarantee) => {
    await runUntilTableHolds(200, { 'processing.guarantee': guarantee });
    expect((await f.admin.listTopics()).filter((t) => t.startsWith('app-'))).toEqual([]);
    const committedBefore = await committed();
    expect([...committedBefore.values()].reduce((a, b) => a + b, 0)).toBe(200);
    expect(await logEnds()).toEqual(committedBefore);

    // Written after the last commit (while the application is down), into partitions' tails.
    await produce(f.client, records(2, 200));
    await rm(join(f.stateDir, 'host-a_1'), { recursive: true, force: true });

    const restores: Array<{ tp: TopicPartition; store: string; from: number; to: number; restored?: number }> = [];
    const listener: StateRestoreListener = {
      onRestoreStart: (tp, store, from, to) => void restores.push({ tp, store, from, to }),
      onBatchRestored: () => undefined,
      onRestoreEnd: (tp, _store, total) => {
        const r = restores.find((x) => x.tp.topic === tp.topic && x.tp.partition === tp.partition);
        if (r !== undefined) r.restored = total;
      },
    };
    const second = instance('host-a:1', { 'processing.guarantee': guarantee });
    second.setGlobalStateRestoreListener(listener);
    await second.start();
    await eventually(async () => second.state() === 'RUNNING' && same(await readAll(second), latest(202)), 15_000, 'restored and caught up');

    // Restored from `input` itself, from the start up to the committed offset of each partition (not the log end).
    const restored = restores.map((r) => ({ topic: r.tp.topic, partition: r.tp.partition, store: r.store, from: r.from, to: r.to, restored: r.restored })).sort((a, b) => a.partition - b.partition);
    expect(restored).toEqual([...committedBefore].filter(([, end]) => end > 0).sort(([a], [b]) => a - b).map(([partition, end]) => ({ topic: 'input', partition, store: STORE, from: 0, to: end, restored: end })));

    // Restoring forwards nothing; the two later records are processed once each.
    const readOut = (): Promise<ConsumedRecord[]> => readAllWith(f.client, f.admin, 'out', guarantee === 'exactly_once_v2');
    await eventually(async () => (await readOut()).length >= 202, 10_000, 'the later records output');
    expect(sortedValues(await readOut())).toEqual(Array.from({ length: 202 }, (_, i) => `v${i}`).sort());
    expect((await f.admin.listTopics()).filter((t) => t.startsWith('app-'))).toEqual([]);
  });

  it('checkpoints the committed input offsets: restarted with its state directory it restores nothing', async () => {
    await runUntilTableHolds(100);
    const restores: string[] = [];
    const second = instance('host-a:1');
    second.setGlobalStateRestoreListener({
      onRestoreStart: (tp, store, from, to) => void restores.push(`${tp.topic}-${tp.partition} ${store} ${from}..${to}`),
      onBatchRestored: () => undefined,
      onRestoreEnd: () => undefined,
    });
    await second.start();
    await produce(f.client, records(1, 100));
    await eventually(async () => same(await readAll(second), latest(101)), 15_000, 'the table after the restart');
    expect(restores).toEqual([]);
  });

  it('is reset by the application reset tool, which keeps the input topic (the changelog) and its records', async () => {
    await runUntilTableHolds(50);

    const plan = await planReset(f.admin, { applicationId: 'app', inputTopics: ['input'], stateDir: join(f.stateDir, 'host-a_1') });
    expect(plan.internalTopics).toEqual([]);
    expect(plan.offsetResets.map((r) => r.target)).toEqual([0, 0]);
    await applyResetPlan(f.admin, plan, join(f.stateDir, 'host-a_1'));
    expect(await f.admin.listTopics()).toContain('input');
    expect([...(await logEnds()).values()].reduce((a, b) => a + b, 0)).toBe(50);

    // Nothing committed below the start: nothing to restore; the table is rebuilt by processing `input` again.
    const second = instance('host-a:1');
    await second.start();
    await eventually(async () => same(await readAll(second), latest(50)), 15_000, 'the table rebuilt after the reset');
    await eventually(async () => (await readAllWith(f.client, f.admin, 'out', false)).length >= 100, 10_000, 'the input processed again');
    expect((await readAllWith(f.client, f.admin, 'out', false)).length).toBe(100);
  });

  it('keeps a standby of the table on the other instance, fed from the input topic, with its lag on the input topic', async () => {
    const a = instance('host-a:1', { 'num.standby.replicas': 1 });
    const b = instance('host-b:1', { 'num.standby.replicas': 1 });
    await Promise.all([a.start(), b.start()]);
    await eventually(() => {
      const meta = a.metadataForAllStreamsClients();
      return a.state() === 'RUNNING' && b.state() === 'RUNNING' && meta.length === 2 && meta.every((m) => m.topicPartitions.length === 1 && m.standbyTopicPartitions.length === 1);
    }, 15_000, 'both RUNNING with a standby each');
    await produce(f.client, records(300));
    const truth = latest(300);
    await eventually(async () => same(new Map([...(await readAll(a)), ...(await readAll(b))]), truth), 15_000, 'active tables');
    // Each instance's stale view is its active partition plus its standby of the other one.
    await eventually(async () => same(await readAll(a, true), truth) && same(await readAll(b, true), truth), 15_000, 'standbys caught up from the input topic');

    const ends = await logEnds();
    for (const s of [a, b]) {
      const lags = (await s.allLocalStorePartitionLags()).get(STORE);
      expect([...(lags?.keys() ?? [])].sort()).toEqual([0, 1]);
      for (const [partition, lag] of lags ?? []) {
        expect(lag.endOffsetPosition).toBe(ends.get(partition));
        expect(lag.offsetLag).toBe(0);
      }
    }
    expect((await f.admin.listTopics()).filter((t) => t.startsWith('app-'))).toEqual([]);
  });

  it('lets a standby apply the input topic only up to the committed offset', async () => {
    // No commit for a minute: the group has no committed offset, so the standbys apply nothing.
    const slow = { 'num.standby.replicas': 1, 'commit.interval.ms': 60_000 };
    const a = instance('host-a:1', slow);
    const b = instance('host-b:1', slow);
    await Promise.all([a.start(), b.start()]);
    await eventually(() => {
      const meta = a.metadataForAllStreamsClients();
      return a.state() === 'RUNNING' && b.state() === 'RUNNING' && meta.length === 2 && meta.every((m) => m.standbyTopicPartitions.length === 1);
    }, 15_000, 'both RUNNING with a standby each');
    await produce(f.client, records(300));
    await eventually(async () => same(new Map([...(await readAll(a)), ...(await readAll(b))]), latest(300)), 15_000, 'active tables');
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const s of [a, b]) {
      const standby = s.metadataForAllStreamsClients().find((m) => m.endpoint === (s === a ? 'host-a:1' : 'host-b:1'))?.standbyTopicPartitions[0]?.partition;
      expect(standby).toBeDefined();
      expect((await readAll(s, true, standby)).size).toBe(0);
    }
    expect(await committed()).toEqual(new Map([[0, -1], [1, -1]]));
  });

  it('reports the table\'s writes to change subscribers (GraphQL Subscription.changes) though it sends no changelog record', async () => {
    const a = instance('host-a:1');
    const changes: Array<{ store: string; key: string; value: string | null; timestamp: number }> = [];
    const unsubscribe = a.queryHost().subscribeChanges?.((c) => {
      // A timestamped store's change carries its stored form: 8 bytes of timestamp, then the value.
      changes.push({ store: c.store, key: c.key.toString(), value: c.value === null ? null : c.value.subarray(8).toString(), timestamp: c.timestamp });
    });
    expect(unsubscribe).toBeDefined();
    await a.start();
    await produce(f.client, [
      { topic: 'input', key: Buffer.from('k1'), value: Buffer.from('v1'), timestamp: 1_000 },
      { topic: 'input', key: Buffer.from('k2'), value: Buffer.from('v2'), timestamp: 2_000 },
      { topic: 'input', key: Buffer.from('k1'), value: null, timestamp: 3_000 },
    ]);
    await eventually(() => changes.length >= 3, 15_000, 'three changes reported');
    expect(changes.sort((x, y) => x.timestamp - y.timestamp)).toEqual([
      { store: STORE, key: 'k1', value: 'v1', timestamp: 1_000 },
      { store: STORE, key: 'k2', value: 'v2', timestamp: 2_000 },
      { store: STORE, key: 'k1', value: null, timestamp: 3_000 },
    ]);
    unsubscribe?.();
    expect((await f.admin.listTopics()).filter((t) => t.startsWith('app-'))).toEqual([]);
  });

  it('warns when the KafkaStreams config asks for it but the topology was built without it', () => {
    const warn = vi.fn();
    const fake = { warn, info: vi.fn(), debug: vi.fn(), error: vi.fn(), child: () => fake };
    const child = vi.spyOn(logger, 'child').mockReturnValue(fake as unknown as ReturnType<typeof logger.child>);
    try {
      const config = streamsConfig(f.bootstrap, 'app', { ...REUSE, 'state.dir': f.stateDir });
      const build = (withConfig: boolean) => {
        const builder = new StreamsBuilder();
        builder.table('input', Consumed.with(Serdes.String(), Serdes.String()), Materialized.as<string, string>(STORE));
        return withConfig ? builder.build(config) : builder.build();
      };
      new KafkaStreams(build(true), config);
      expect(warn).not.toHaveBeenCalled();
      new KafkaStreams(build(false), config);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]?.[1]).toBe('topology.optimization is set in the KafkaStreams config, but the topology was built without reuse.ktable.source.topics: it applies only when the topology is built; pass the config to StreamsBuilder.build(config)');
    } finally {
      child.mockRestore();
    }
  });
});
