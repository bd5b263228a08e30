import { describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { committedOffsets, embeddedClusterPerTest } from './embedded-fixture.js';
import {
  compareOutput, eventually, expectedFilterOutput, filterInput, filterTopology, produce, readAll, sleep, sortedValues, streamsConfig, topicSize,
} from './runtime-helpers.js';

const f = embeddedClusterPerTest('runtime-group', { topics: [{ name: 'in', partitions: 6 }, { name: 'out', partitions: 2 }] });

function instance(server: string, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const s = new KafkaStreams(filterTopology('in', 'out'), streamsConfig(f.bootstrap, 'app', { 'application.server': server, ...overrides }));
  f.open.push(s);
  return s;
}

const partitionsOf = (streams: KafkaStreams, endpoint: string): string[] =>
  (streams.metadataForAllStreamsClients().find((m) => m.endpoint === endpoint)?.topicPartitions ?? []).map((tp) => `${tp.topic}-${tp.partition}`).sort();

const committed = (topic: string): Promise<number> => committedOffsets(f.admin, topic);

describe('KafkaStreams in a group', () => {
  it('splits partitions between two instances, and every instance knows the whole endpoint map', async () => {
    const a = instance('host-a:1');
    const b = instance('host-b:1');
    await a.start();
    await b.start();
    await eventually(() => a.state() === 'RUNNING' && b.state() === 'RUNNING' && partitionsOf(a, 'host-b:1').length > 0, 10_000, 'both RUNNING');
    const fromA = a.metadataForAllStreamsClients();
    expect(b.metadataForAllStreamsClients()).toEqual(fromA);
    const all = [...partitionsOf(a, 'host-a:1'), ...partitionsOf(a, 'host-b:1')].sort();
    expect(all).toEqual(['in-0', 'in-1', 'in-2', 'in-3', 'in-4', 'in-5']);
    expect(partitionsOf(a, 'host-a:1')).toHaveLength(3);

    await produce(f.client, filterInput('in', 600));
    await eventually(async () => (await topicSize(f.admin, 'out')) >= 300, 10_000, 'output');
    expect(sumMetric(a.metrics(), 'stream-thread-metrics', 'process-total')).toBeGreaterThan(0);
    expect(sumMetric(b.metrics(), 'stream-thread-metrics', 'process-total')).toBeGreaterThan(0);
    await a.close();
    await b.close();
    const result = compareOutput(expectedFilterOutput(600), sortedValues(await readAll(f.client, f.admin, 'out')));
    expect(result).toEqual({ missing: [], duplicates: 0, unexpected: [] });
  });

  it('hands a closing instance\'s partitions to the other, without loss or duplicates', async () => {
    const a = instance('host-a:1');
    const b = instance('host-b:1');
    await Promise.all([a.start(), b.start()]);
    await produce(f.client, filterInput('in', 600));
    await eventually(async () => (await topicSize(f.admin, 'out')) >= 300, 10_000, 'first output');
    await b.close();
    await eventually(() => partitionsOf(a, 'host-a:1').length === 6 && a.state() === 'RUNNING', 10_000, 'a owns all');
    expect(a.metadataForAllStreamsClients().map((m) => m.endpoint)).toEqual(['host-a:1']);
    await produce(f.client, filterInput('in', 600, 600));
    await eventually(async () => (await topicSize(f.admin, 'out')) >= 600, 10_000, 'second output');
    await a.close();
    expect(compareOutput(expectedFilterOutput(1_200), sortedValues(await readAll(f.client, f.admin, 'out')))).toEqual({ missing: [], duplicates: 0, unexpected: [] });
  });

  it('loses and duplicates nothing while instances join and leave during a continuous stream', async () => {
    const producing = (async () => {
      for (let i = 0; i < 20; i++) {
        await produce(f.client, filterInput('in', 200, i * 200));
        await sleep(20);
      }
    })();
    const a = instance('host-a:1');
    await a.start();
    const b = instance('host-b:1');
    await b.start();
    const c = instance('host-c:1');
    await c.start();
    await sleep(100);
    await b.close();
    const d = instance('host-d:1');
    await d.start();
    await c.close();
    await producing;
    await eventually(async () => (await topicSize(f.admin, 'out')) >= 2_000, 15_000, 'all output');
    await a.close();
    await d.close();
    const result = compareOutput(expectedFilterOutput(4_000), sortedValues(await readAll(f.client, f.admin, 'out')));
    expect(result).toEqual({ missing: [], duplicates: 0, unexpected: [] });
  });

  it('commits every commit.interval.ms while running', async () => {
    const a = instance('host-a:1', { 'commit.interval.ms': 200 });
    await a.start();
    await produce(f.client, filterInput('in', 300));
    await eventually(async () => (await committed('in')) === 300, 5_000, 'offsets committed');
    expect(a.state()).toBe('RUNNING');
    const commits = sumMetric(a.metrics(), 'stream-thread-metrics', 'commit-total');
    expect(commits).toBeGreaterThan(0);
    await sleep(500);
    // Nothing new to commit, yet the interval keeps ticking: idle commits do not spin.
    expect(sumMetric(a.metrics(), 'stream-thread-metrics', 'commit-total') - commits).toBeLessThanOrEqual(4);
  });

  it('commits nothing before the interval, and everything on close', async () => {
    const a = instance('host-a:1', { 'commit.interval.ms': 60_000 });
    await a.start();
    await produce(f.client, filterInput('in', 300));
    await eventually(async () => (await topicSize(f.admin, 'out')) === 150, 5_000, 'output');
    expect(await committed('in')).toBe(0);
    await a.close();
    expect(await committed('in')).toBe(300);
  });

  it('commits when a processor asks for it with context.commit()', async () => {
    const s = new KafkaStreams(
      filterTopology('in', 'out', (record, ctx) => { if (record.value === 'long-value-10') ctx.commit(); }),
      streamsConfig(f.bootstrap, 'app', { 'commit.interval.ms': 60_000 }),
    );
    f.open.push(s);
    await s.start();
    await produce(f.client, filterInput('in', 20));
    await eventually(async () => (await committed('in')) > 0, 5_000, 'requested commit');
    expect(sumMetric(s.metrics(), 'stream-thread-metrics', 'commit-total')).toBe(1);
  });
});
