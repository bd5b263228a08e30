import { describe, expect, it } from 'vitest';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import type { KafkaStreamsState } from '../../src/runtime/streams-state.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import {
  compareOutput, eventually, expectedFilterOutput, filterInput, filterTopology, produce, readAll, recordStates, sortedValues, streamsConfig,
} from './runtime-helpers.js';

const f = embeddedClusterPerTest('runtime-errors', { topics: [{ name: 'in', partitions: 2 }, { name: 'out', partitions: 1 }] });

const POISON = { topic: 'in', partition: 1, key: Buffer.from('bad'), value: Buffer.from('poison-pill') };

/** A filter whose processor throws on the poison value, `times` times in total (across tasks and threads). */
function poisonTopology(times = Infinity): { topology: Topology; thrown: () => number } {
  let thrown = 0;
  const topology = filterTopology('in', 'out', (record) => {
    if (record.value === 'poison-pill' && thrown < times) {
      thrown++;
      throw new Error('cannot digest this');
    }
  });
  return { topology, thrown: () => thrown };
}

function streamsOf(topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const s = new KafkaStreams(topology, streamsConfig(f.bootstrap, 'app', overrides));
  f.open.push(s);
  return s;
}

describe('KafkaStreams uncaught exception handling', () => {
  it('shuts the client down by default: RUNNING → PENDING_ERROR → ERROR, with the error naming where', async () => {
    const streams = streamsOf(poisonTopology().topology);
    const states = recordStates(streams);
    await streams.start();
    await produce(f.client, [...filterInput('in', 10), POISON]);
    await eventually(() => streams.state() === 'ERROR', 5_000, 'ERROR');
    expect(states.slice(-2)).toEqual(['PENDING_ERROR', 'ERROR']);
    expect(streams.lastError()?.message).toMatch(/topic in.*partition 1.*offset \d+/s);
    await streams.close();
    expect(streams.state()).toBe('ERROR');
  });

  it('replaces the thread on REPLACE_THREAD and goes on processing', async () => {
    const { topology, thrown } = poisonTopology(1);
    const streams = streamsOf(topology);
    const seen: Error[] = [];
    streams.setUncaughtExceptionHandler((e) => {
      seen.push(e);
      return 'REPLACE_THREAD';
    });
    await streams.start();
    await produce(f.client, [POISON, ...filterInput('in', 100)]);
    await eventually(async () => compareOutput(expectedFilterOutput(100), sortedValues(await readAll(f.client, f.admin, 'out'))).missing.length === 0, 10_000, 'all output');
    expect(thrown()).toBe(1);
    expect(seen).toHaveLength(1);
    await eventually(() => streams.state() === 'RUNNING', 5_000, 'RUNNING again');
    const threads = streams.metrics().filter((m) => m.group === 'stream-thread-metrics' && m.name === 'process-total').map((m) => m.tags['thread-id']);
    expect(threads).toContain('app-StreamThread-2');
  });

  it('shuts down every instance of the application on SHUTDOWN_APPLICATION', async () => {
    const a = streamsOf(poisonTopology().topology, { 'application.server': 'a:1' });
    const b = streamsOf(poisonTopology().topology, { 'application.server': 'b:1' });
    for (const s of [a, b]) s.setUncaughtExceptionHandler(() => 'SHUTDOWN_APPLICATION');
    const statesA = recordStates(a);
    const statesB = recordStates(b);
    await Promise.all([a.start(), b.start()]);
    await eventually(() => a.metadataForAllStreamsClients().length === 2, 5_000, 'both in the group');
    await produce(f.client, [...filterInput('in', 10), POISON]);
    await eventually(() => a.state() === 'ERROR' && b.state() === 'ERROR', 10_000, 'both in ERROR');
    const last = (states: KafkaStreamsState[]): KafkaStreamsState[] => states.slice(-2);
    expect(last(statesA)).toEqual(['PENDING_ERROR', 'ERROR']);
    expect(last(statesB)).toEqual(['PENDING_ERROR', 'ERROR']);
    const messages = [a, b].map((s) => s.lastError()?.message ?? '');
    // One instance failed on the poison record; the other was told by the group leader.
    expect(messages.some((m) => /cannot digest this|offset/.test(m))).toBe(true);
    expect(messages.some((m) => /requested the whole application to shut down/.test(m))).toBe(true);
  });

  it('shuts the client down when the handler itself throws', async () => {
    const streams = streamsOf(poisonTopology().topology);
    streams.setUncaughtExceptionHandler(() => { throw new Error('handler bug'); });
    await streams.start();
    await produce(f.client, [POISON]);
    await eventually(() => streams.state() === 'ERROR', 5_000, 'ERROR');
  });

  it('fails the thread when the producer cannot send (sink topic missing)', async () => {
    const streams = streamsOf(filterTopology('in', 'no-such-topic'));
    await streams.start();
    await produce(f.client, filterInput('in', 10));
    await eventually(() => streams.state() === 'ERROR', 5_000, 'ERROR');
    expect(streams.lastError()?.message).toMatch(/Error sending \d+ record\(s\) \(first to topic no-such-topic\)/);
  });

  it('counts records the deserialization handler skipped (logAndContinue) in metrics()', async () => {
    const topology = new Topology()
      .addSource('Numbers', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
      .addSink('Out', 'out', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() }, 'Numbers');
    const streams = streamsOf(topology, { 'default.deserialization.exception.handler': 'logAndContinue' });
    await streams.start();
    const int = (n: number): Buffer => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
    await produce(f.client, [
      { topic: 'in', partition: 0, key: Buffer.from('a'), value: int(1) },
      { topic: 'in', partition: 0, key: Buffer.from('b'), value: Buffer.from('xyz') },
      { topic: 'in', partition: 0, key: Buffer.from('c'), value: int(3) },
    ]);
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length === 2, 5_000, 'output');
    await eventually(() => sumMetric(streams.metrics(), 'stream-task-metrics', 'skipped-records-total') === 1, 5_000, 'skipped metric');
    expect(streams.state()).toBe('RUNNING');
  });
});
