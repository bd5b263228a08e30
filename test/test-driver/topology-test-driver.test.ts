import { describe, expect, it } from 'vitest';
import { IllegalStateException, StreamsException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { Topology } from '../../src/topology/topology.js';

const strings = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };

function mapValues(f: (v: string) => string) {
  return (): Processor<string, string, string, string> => {
    let ctx: ProcessorContext<string, string>;
    return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r.withValue(f(r.value))) };
  };
}

/** in → filter (length > 5) → out: the seed's filter application, by hand. */
function filterTopology(): Topology {
  return new Topology()
    .addSource('src', 'stream_log')
    .addProcessor('filter', (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return { init: (c) => void (ctx = c), process: (r) => (r.value.length > 5 ? ctx.forward(r) : undefined) };
    }, 'src')
    .addSink('sink', 'stream_log_filter', 'filter');
}

describe('TopologyTestDriver', () => {
  it('pipes input and reads output with keys, values, timestamps and headers', async () => {
    await using driver = new TopologyTestDriver(filterTopology(), strings);
    const input = driver.createInputTopic('stream_log', Serdes.String(), Serdes.String());
    const output = driver.createOutputTopic('stream_log_filter', Serdes.String(), Serdes.String());
    await input.pipeInput('andy', 'hello', 1_000);
    await input.pipeInput('bob', 'hello world', 2_000);
    await input.pipeRecord({ key: 'carl', value: 'with headers', timestamp: 3_000, headers: [{ key: 'h', value: Buffer.from('x') }] });
    expect(output.getQueueSize()).toBe(2);
    expect(output.isEmpty()).toBe(false);
    expect(output.readRecord()).toEqual({ key: 'bob', value: 'hello world', timestamp: 2_000, headers: [] });
    expect(output.readRecordsToList()).toEqual([{ key: 'carl', value: 'with headers', timestamp: 3_000, headers: [{ key: 'h', value: Buffer.from('x') }] }]);
    expect(output.isEmpty()).toBe(true);
    expect(() => output.readKeyValue()).toThrow(IllegalStateException);
    expect(() => output.readValue()).toThrow('Empty topic: stream_log_filter');
  });

  it('auto-advances timestamps of records piped without one', async () => {
    const topology = new Topology().addSource('src', 'in').addSink('sink', 'out', 'src');
    await using driver = new TopologyTestDriver(topology, strings, 50_000);
    const fromClock = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    const stepped = driver.createInputTopic('in', Serdes.String(), Serdes.String(), { startTimestampMs: 1_000, autoAdvanceMs: 10 });
    const output = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    await fromClock.pipeInput('v0');
    await stepped.pipeInput('k', 'v1');
    await stepped.pipeInput('k', 'v2');
    await stepped.pipeInput('k', 'v3', 5);
    stepped.advanceTime(100);
    await stepped.pipeKeyValueList([{ key: 'a', value: 'v4' }, { key: 'b', value: 'v5' }]);
    await stepped.pipeKeyValueList([{ key: 'c', value: 'v6' }, { key: 'd', value: 'v7' }], 7_000, 3);
    await stepped.pipeValueList(['v8']);
    await stepped.pipeRecordList([{ key: 'e', value: 'v9' }, { key: 'f', value: 'v10', timestamp: 1 }]);
    expect(output.readRecordsToList().map((r) => [r.key, r.value, r.timestamp])).toEqual([
      [null, 'v0', 50_000],
      ['k', 'v1', 1_000],
      ['k', 'v2', 1_010],
      ['k', 'v3', 5],
      ['a', 'v4', 1_120],
      ['b', 'v5', 1_130],
      ['c', 'v6', 7_000],
      ['d', 'v7', 7_003],
      [null, 'v8', 1_140],
      ['e', 'v9', 1_150],
      ['f', 'v10', 1],
    ]);
  });

  it('pipes records written to repartition topics back in, so two sub-topologies run', async () => {
    const topology = new Topology()
      .addSource('src', 'words')
      .addProcessor('upper', mapValues((v) => v.toUpperCase()), 'src')
      .addSink('to-repartition', 'upper-repartition', 'upper')
      .addSource('from-repartition', 'upper-repartition')
      .addProcessor('exclaim', mapValues((v) => `${v}!`), 'from-repartition')
      .addSink('sink', 'shouted', 'exclaim')
      .markRepartitionTopic('upper-repartition');
    await using driver = new TopologyTestDriver(topology, { ...strings, 'application.id': 'shout' });
    await driver.createInputTopic('words', Serdes.String(), Serdes.String()).pipeInput('k', 'hi', 10);
    expect(driver.createOutputTopic('shouted', Serdes.String(), Serdes.String()).readRecordsToList()).toEqual([
      { key: 'k', value: 'HI!', timestamp: 10, headers: [] },
    ]);
    expect(driver.producedTopicNames()).toEqual(new Set(['shout-upper-repartition', 'shouted']));
    // The internal topic's records stay readable too, as in Kafka's driver.
    expect(driver.createOutputTopic('shout-upper-repartition', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['HI']);
  });

  it('also pipes back a user topic the topology both writes and reads', async () => {
    const topology = new Topology()
      .addSource('a', 'first')
      .addSink('to-second', 'second', 'a')
      .addSource('b', 'second')
      .addProcessor('tag', mapValues((v) => `${v} via second`), 'b')
      .addSink('to-third', 'third', 'tag');
    await using driver = new TopologyTestDriver(topology, strings);
    await driver.createInputTopic('first', Serdes.String(), Serdes.String()).pipeInput('k', 'x', 1);
    expect(driver.createOutputTopic('third', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'k', value: 'x via second' }]);
    expect(driver.createOutputTopic('second', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'k', value: 'x' }]);
  });

  it('readKeyValuesToMap keeps the last value per key and drops tombstones', async () => {
    const topology = new Topology().addSource('src', 'in').addSink('sink', 'out', 'src');
    await using driver = new TopologyTestDriver(topology, strings);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeKeyValueList([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'a', value: '3' }, { key: 'b', value: null }], 0, 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToMap()).toEqual(new Map([['a', '3']]));
  });

  it('throws on a topic the topology does not read, naming the topics it reads', async () => {
    await using driver = new TopologyTestDriver(filterTopology(), strings);
    const wrong = driver.createInputTopic('nope', Serdes.String(), Serdes.String());
    await expect(wrong.pipeInput('k', 'v')).rejects.toThrow(StreamsException);
    await expect(wrong.pipeInput('k', 'v')).rejects.toThrow('Unknown topic: nope. The topology reads [stream_log]');
  });

  it('surfaces processing errors as rejected pipes, and counts skipped records in metrics', async () => {
    const topology = new Topology()
      .addSource('src', 'in', { valueSerde: Serdes.Integer() })
      .addSink('sink', 'out', { valueSerde: Serdes.Integer() }, 'src');
    const failing = new TopologyTestDriver(topology, strings);
    const input = failing.createInputTopic('in', Serdes.String(), Serdes.String());
    await expect(input.pipeInput('k', 'not an int')).rejects.toThrow(/^Failed to deserialize the record at topic in partition 0 offset 0/);
    await failing.close();

    await using lenient = new TopologyTestDriver(topology, { ...strings, 'default.deserialization.exception.handler': 'logAndContinue' });
    await lenient.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'not an int');
    await lenient.createInputTopic('in', Serdes.String(), Serdes.Integer()).pipeInput('k', 7);
    expect(lenient.metric('skipped-records')).toBe(1);
    expect(lenient.metric('process')).toBe(1);
    expect(lenient.createOutputTopic('out', Serdes.String(), Serdes.Integer()).readValuesToList()).toEqual([7]);
  });

  it('defaults application.id and bootstrap.servers, and validates the rest of the config', () => {
    expect(() => new TopologyTestDriver(filterTopology())).toThrow(/No key serde for source src/);
    expect(() => new TopologyTestDriver(filterTopology(), { ...strings, 'commit.interval.ms': -1 })).toThrow(/commit.interval.ms/);
  });

  it('getKeyValueStore names a store the topology does not have', async () => {
    await using driver = new TopologyTestDriver(filterTopology(), strings);
    await driver.ready();
    expect(() => driver.getKeyValueStore('address')).toThrow(/No state store named address is open/);
  });

  it('rejects use after close, and closes processors once (also through Symbol.asyncDispose)', async () => {
    let closes = 0;
    const topology = new Topology().addSource('src', 'in').addProcessor('p', (): Processor<string, string> => ({ process: () => undefined, close: () => void closes++ }), 'src');
    {
      await using driver = new TopologyTestDriver(topology, strings);
      driver.createInputTopic('in', Serdes.String(), Serdes.String());
    }
    expect(closes).toBe(1);
    const driver = new TopologyTestDriver(topology, strings);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await driver.close();
    await driver.close();
    expect(closes).toBe(2);
    await expect(input.pipeInput('k', 'v')).rejects.toThrow('The TopologyTestDriver is closed');
    expect(() => driver.createOutputTopic('out', Serdes.String(), Serdes.String())).toThrow(IllegalStateException);
  });
});
