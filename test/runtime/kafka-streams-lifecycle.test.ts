import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigException, IllegalStateException, MissingSourceTopicException, TopologyException } from '../../src/errors.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import {
  eventually, expectedFilterOutput, filterInput, filterTopology, produce, readAll, recordStates, sleep, sortedValues, streamsConfig,
} from './runtime-helpers.js';

const f = embeddedClusterPerTest('runtime');

function streamsOf(topology: Topology, overrides: Parameters<typeof streamsConfig>[2] = {}): KafkaStreams {
  const s = new KafkaStreams(topology, streamsConfig(f.bootstrap, 'app', overrides));
  f.open.push(s);
  return s;
}

describe('KafkaStreams lifecycle', () => {
  it('goes CREATED → REBALANCING → RUNNING on start and PENDING_SHUTDOWN → NOT_RUNNING on close', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'out', partitions: 1 }]);
    const streams = streamsOf(filterTopology('in', 'out'));
    const states = recordStates(streams);
    expect(streams.state()).toBe('CREATED');
    await streams.start();
    expect(streams.state()).toBe('RUNNING');
    expect(states).toEqual(['REBALANCING', 'RUNNING']);
    await streams.close();
    expect(states).toEqual(['REBALANCING', 'RUNNING', 'PENDING_SHUTDOWN', 'NOT_RUNNING']);
    expect(streams.state()).toBe('NOT_RUNNING');
  });

  it('filters records from input to output', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 3 }, { name: 'out', partitions: 1 }]);
    await produce(f.client, filterInput('in', 300));
    const streams = streamsOf(filterTopology('in', 'out'));
    await streams.start();
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length >= 150, 10_000, 'output');
    await streams.close();
    expect(sortedValues(await readAll(f.client, f.admin, 'out'))).toEqual(expectedFilterOutput(300).sort());
    expect(sumMetric(streams.metrics(), 'stream-thread-metrics', 'process-total')).toBe(300);
    expect(sumMetric(streams.metrics(), 'stream-task-metrics', 'process-total')).toBe(300);
  });

  it('refuses a second start, a handler set after start, and closes a never-started client', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }]);
    const streams = streamsOf(filterTopology('in', 'out'));
    await streams.start();
    await expect(streams.start()).rejects.toThrow(IllegalStateException);
    expect(() => streams.setUncaughtExceptionHandler(() => 'REPLACE_THREAD')).toThrow(IllegalStateException);
    const idle = streamsOf(filterTopology('in', 'out'));
    const states = recordStates(idle);
    await idle.close();
    expect(states).toEqual(['PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });

  it('cleanUp() deletes state.dir/<application.id>, and only while not running', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }]);
    const stateDir = await mkdtemp(join(tmpdir(), 'kstreams-cleanup-'));
    try {
      await mkdir(join(stateDir, 'app', '0_0'), { recursive: true });
      await writeFile(join(stateDir, 'app', '0_0', '.checkpoint'), 'x');
      await mkdir(join(stateDir, 'other-app'));
      const streams = streamsOf(filterTopology('in', 'out'), { 'state.dir': stateDir });
      await streams.cleanUp();
      expect(await readdir(stateDir)).toEqual(['other-app']);
      await streams.start();
      await expect(streams.cleanUp()).rejects.toThrow(IllegalStateException);
      await streams.close();
      await streams.cleanUp();
    } finally {
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('does not spin while idle: an idle client with two threads uses little CPU', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 4 }]);
    const streams = streamsOf(filterTopology('in', 'out'), { 'num.stream.threads': 2, 'commit.interval.ms': 100 });
    await streams.start();
    await sleep(200);
    const before = process.cpuUsage();
    await sleep(1_000);
    const used = process.cpuUsage(before);
    // A busy loop would burn ~1 s of CPU here; sleeping threads wake ~10 times a second.
    expect((used.user + used.system) / 1_000).toBeLessThan(250);
    expect(streams.state()).toBe('RUNNING');
  });

  it('keeps iterations short with slow async processors, so close() (and revocation) does not wait for long', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 4 }, { name: 'out', partitions: 1 }]);
    await produce(f.client, filterInput('in', 1_000));
    const strings = { keySerde: Serdes.String(), valueSerde: Serdes.String() };
    let processed = 0;
    const topology = new Topology()
      .addSource('Source', 'in', strings)
      .addProcessor('Slow', () => ({
        process: async (): Promise<void> => {
          await sleep(10);
          processed++;
        },
      }), 'Source')
      .addSink('Sink', 'out', strings, 'Slow');
    const streams = streamsOf(topology);
    await streams.start();
    await eventually(() => processed >= 5, 5_000, 'slow processing to start');
    const started = performance.now();
    await streams.close();
    // One iteration is bounded by its ~15 ms budget plus one record per task, not 200 records per task.
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(processed).toBeLessThan(1_000);
  });

  it('implements Symbol.asyncDispose as close()', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }]);
    const streams = streamsOf(filterTopology('in', 'out'));
    await streams.start();
    await streams[Symbol.asyncDispose]();
    expect(streams.state()).toBe('NOT_RUNNING');
  });

  it('rejects start() when the signal aborts before RUNNING, and closes', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }]);
    const streams = streamsOf(filterTopology('in', 'out'));
    const controller = new AbortController();
    const started = streams.start({ signal: controller.signal });
    controller.abort(new Error('changed my mind'));
    await expect(started).rejects.toThrow('changed my mind');
    await eventually(() => streams.state() === 'NOT_RUNNING', 5_000, 'NOT_RUNNING');
  });

  it('fails start() with MissingSourceTopicException naming every missing topic, ending in ERROR', async () => {
    await f.admin.createTopics([{ name: 'present', partitions: 1 }]);
    const topology = new Topology()
      .addSource('A', ['present', 'absent-1'], { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addSource('B', 'absent-2', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addSink('Out', 'out', { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'A', 'B');
    const streams = streamsOf(topology);
    const states = recordStates(streams);
    const err = await streams.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingSourceTopicException);
    expect((err as MissingSourceTopicException).topics).toEqual(['absent-1', 'absent-2']);
    expect(states).toEqual(['REBALANCING', 'PENDING_ERROR', 'ERROR']);
    expect(streams.lastError()).toBe(err);
  });

  it('fails start() with a TopologyException when co-partitioned topics have 3 and 2 partitions', async () => {
    await f.admin.createTopics([{ name: 'order', partitions: 3 }, { name: 'address', partitions: 2 }]);
    const topology = new Topology()
      .addSource('Orders', 'order', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addSource('Addresses', 'address', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
      .addSink('Out', 'order_join', { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'Orders', 'Addresses')
      .addCopartitionGroup(['order', 'address']);
    const streams = streamsOf(topology);
    const err = await streams.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TopologyException);
    expect(String(err)).toMatch(/\[order\] \(3 partitions\).*\[address\] \(2 partitions\)/);
    expect(streams.state()).toBe('ERROR');
  });

  it('rejects start() when tasks cannot be created (no serde anywhere), ending in ERROR', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 1 }]);
    const topology = new Topology().addSource('Source', 'in').addSink('Sink', 'out', 'Source');
    const streams = streamsOf(topology);
    const err = await streams.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigException);
    expect(String(err)).toMatch(/default\.key\.serde/);
    expect(streams.state()).toBe('ERROR');
  });

  it('creates a repartition topic with the writer\'s source partition count and runs records through it', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 4 }, { name: 'out', partitions: 1 }]);
    const strings = { keySerde: Serdes.String(), valueSerde: Serdes.String() };
    const topology = new Topology()
      .addSource('In', 'in', strings)
      .addSink('ToRepartition', 'rekey-repartition', strings, 'In')
      .addSource('FromRepartition', 'rekey-repartition', strings)
      .addSink('Out', 'out', strings, 'FromRepartition')
      .markRepartitionTopic('rekey-repartition');
    await produce(f.client, filterInput('in', 40));
    const streams = streamsOf(topology);
    await streams.start();
    expect((await f.admin.describeTopics(['app-rekey-repartition'])).get('app-rekey-repartition')?.partitions).toBe(4);
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length >= 40, 10_000, 'output');
    expect((await readAll(f.client, f.admin, 'out')).length).toBe(40);
  });

  it('runs num.stream.threads threads that split the tasks', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 4 }, { name: 'out', partitions: 1 }]);
    await produce(f.client, filterInput('in', 400));
    const streams = streamsOf(filterTopology('in', 'out'), { 'num.stream.threads': 2 });
    await streams.start();
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length >= 200, 10_000, 'output');
    const perThread = streams.metrics().filter((m) => m.group === 'stream-thread-metrics' && m.name === 'process-total');
    expect(perThread.map((m) => m.tags['thread-id']).sort()).toEqual(['app-StreamThread-1', 'app-StreamThread-2']);
    for (const m of perThread) expect(m.value).toBeGreaterThan(0);
    const group = await f.admin.describeGroup('app');
    expect(group.members.map((m) => m.assignment.partitions.length)).toEqual([2, 2]);
    await streams.close();
    expect(sortedValues(await readAll(f.client, f.admin, 'out'))).toEqual(expectedFilterOutput(400).sort());
  });

  it('pauses partitions over buffered.records.per.partition and still processes everything', async () => {
    await f.admin.createTopics([{ name: 'in', partitions: 2 }, { name: 'out', partitions: 1 }]);
    await produce(f.client, filterInput('in', 3_000));
    const streams = streamsOf(filterTopology('in', 'out'), { 'buffered.records.per.partition': 10 });
    await streams.start();
    await eventually(async () => (await readAll(f.client, f.admin, 'out')).length >= 1_500, 15_000, 'output');
    await streams.close();
    expect(sortedValues(await readAll(f.client, f.admin, 'out'))).toEqual(expectedFilterOutput(3_000).sort());
  });
});
