/**
 * High availability on scale-out (KIP-441) on the embedded backend: a second instance joins an
 * instance holding a count store whose changelog is far more than `acceptable.recovery.lag`
 * ahead of the newcomer's (empty) state. The stateful tasks stay on the first instance; the
 * newcomer restores warm-up replicas (standbys) of them, at most `max.warmup.replicas` at a
 * time, and probing rebalances move each task once its warm-up caught up: the newcomer's active
 * tasks restore (almost) nothing, and counts are right throughout. The control: with the default
 * acceptable lag (10,000), the same tasks move at once and the active tasks restore everything.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import type { StreamsMetadata } from '../../src/runtime/streams-metadata.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { activeEntries, eventually, noWrongValue, produce, readKeyValueStore, sameEntries, streamsConfig } from './runtime-helpers.js';

const PARTITIONS = 4;
const KEYS = 40;
const RECORDS = 800;
const STORE = 'counts';
const ACCEPTABLE_LAG = 20;

const f = embeddedClusterPerTest('warmup', { topics: [{ name: 'in', partitions: PARTITIONS }] });

function instance(server: string, overrides: Record<string, unknown>): KafkaStreams {
  const builder = new StreamsBuilder();
  builder.stream('in', Consumed.with(Serdes.String(), Serdes.String())).groupByKey().count(Materialized.as<string, number>(STORE));
  const s = new KafkaStreams(builder.build(), streamsConfig(f.bootstrap, 'app', {
    'application.server': server,
    'state.dir': join(f.stateDir, server.replace(':', '_')),
    // No cache: every update reaches the changelog (200 records per partition here).
    'statestore.cache.max.bytes': 0,
    ...overrides,
  }));
  f.open.push(s);
  return s;
}

const input: ProducerRecord[] = Array.from({ length: RECORDS }, (_, i) => ({ topic: 'in', key: Buffer.from(`k${i % KEYS}`), value: Buffer.from('x') }));
const truth = new Map(Array.from({ length: KEYS }, (_, i) => [`k${i}`, RECORDS / KEYS]));

const of = (streams: KafkaStreams, endpoint: string): StreamsMetadata | undefined => streams.metadataForAllStreamsClients().find((m) => m.endpoint === endpoint);
const restoredByActives = (streams: KafkaStreams): number => sumMetric(streams.metrics(), 'stream-thread-metrics', 'restore-records-total');
const countsRight = async (a: KafkaStreams, b: KafkaStreams): Promise<boolean> =>
  sameEntries(new Map([...(await activeEntries<number>(a, STORE)), ...(await activeEntries<number>(b, STORE))]), truth);

async function firstInstanceWithState(overrides: Record<string, unknown>): Promise<KafkaStreams> {
  const a = instance('host-a:1', overrides);
  await a.start();
  await produce(f.client, input);
  await eventually(async () => a.state() === 'RUNNING' && sameEntries(await readKeyValueStore<number>(a, STORE), truth), 15_000, 'a counted everything');
  return a;
}

describe('warm-up replicas (acceptable.recovery.lag, max.warmup.replicas, probing rebalances)', () => {
  it('keep the tasks on the caught-up instance while the newcomer warms up, then move them restoring almost nothing', async () => {
    const config = { 'acceptable.recovery.lag': ACCEPTABLE_LAG, 'max.warmup.replicas': 1, 'probing.rebalance.interval.ms': 1_500 };
    const a = await firstInstanceWithState(config);
    const b = instance('host-b:1', config);
    await b.start();

    // First assignment: b runs nothing stateful yet; it warms up one task (max.warmup.replicas=1).
    await eventually(() => a.state() === 'RUNNING' && b.state() === 'RUNNING' && of(a, 'host-b:1') !== undefined, 15_000, 'b joined');
    const first = of(a, 'host-b:1')!;
    expect(first.topicPartitions).toEqual([]);
    expect(first.standbyTopicPartitions).toHaveLength(1);
    expect(of(a, 'host-a:1')!.topicPartitions).toHaveLength(PARTITIONS);
    expect(await countsRight(a, b)).toBe(true);

    // Probing rebalances move the tasks one warm-up at a time, until balance: two each.
    const seen = new Set<string>();
    await eventually(async () => {
      const bActive = of(a, 'host-b:1')?.topicPartitions ?? [];
      seen.add(bActive.map((tp) => tp.partition).sort().join(','));
      // No wrong count while tasks move.
      expect(await noWrongValue([a, b], STORE, truth)).toBe(true);
      return bActive.length === PARTITIONS / 2 && a.state() === 'RUNNING' && b.state() === 'RUNNING';
    }, 20_000, 'balanced after probing rebalances');
    // Moved one at a time: b held one task before it held two.
    expect([...seen].some((s) => s.split(',').length === 1 && s !== '')).toBe(true);
    const total = (await f.admin.listOffsets(`app-${STORE}-changelog`)).reduce((n, o) => n + o.latest, 0);
    const restored = restoredByActives(b);
    console.log(`[warm-up embedded] b's active tasks restored ${restored} records; the changelog of its two partitions holds ~${total / 2}`);
    expect(restored).toBeLessThanOrEqual(2 * ACCEPTABLE_LAG);
    expect(await countsRight(a, b)).toBe(true);
  });

  it('with the default acceptable.recovery.lag (10,000), the same state moves at once and the active tasks restore it all', async () => {
    const a = await firstInstanceWithState({});
    const b = instance('host-b:1', {});
    await b.start();
    await eventually(async () => b.state() === 'RUNNING' && (of(a, 'host-b:1')?.topicPartitions.length ?? 0) === PARTITIONS / 2 && countsRight(a, b), 15_000, 'moved at once');
    expect(of(a, 'host-b:1')!.standbyTopicPartitions).toEqual([]);
    const bPartitions = of(a, 'host-b:1')!.topicPartitions.map((tp) => tp.partition);
    const changelog = (await f.admin.listOffsets(`app-${STORE}-changelog`)).filter((o) => bPartitions.includes(o.partition)).reduce((n, o) => n + o.latest, 0);
    expect(changelog).toBeGreaterThan(2 * ACCEPTABLE_LAG);
    expect(restoredByActives(b)).toBe(changelog);
  });
});
