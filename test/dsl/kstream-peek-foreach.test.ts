import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

describe('KStream.peek', () => {
  it('runs the action for each record and passes the record on unchanged', async () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').peek((k, v) => void seen.push(`${k}=${v}`)).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', '1', 5);
    await input.pipeInput('b', '2', 6);
    expect(seen).toEqual(['a=1', 'b=2']);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['a', '1', 5], ['b', '2', 6]]);
  });

  it('awaits an async action before the record moves on', async () => {
    const events: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in')
      .peek(async (k) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`peek ${k}`);
      })
      .foreach((k) => void events.push(`after ${k}`));
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', '1', 1);
    await input.pipeInput('b', '2', 2);
    expect(events).toEqual(['peek a', 'after a', 'peek b', 'after b']);
  });
});

describe('KStream.foreach', () => {
  it('runs the action for each record, null keys and values included', async () => {
    const seen: [string | null, string | null, number][] = [];
    const builder = new StreamsBuilder();
    builder.stream<string | null, string | null>('in').foreach((k, v) => void seen.push([k, v, seen.length]));
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', '1', 1);
    await input.pipeInput(null, null, 2);
    expect(seen).toEqual([['a', '1', 0], [null, null, 1]]);
  });

  it('accepts an action that returns something other than a Promise (e.g. Array.push)', async () => {
    const seen: string[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').peek((k) => seen.push(`peek ${k}`)).foreach((k) => seen.push(`foreach ${k}`));
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('a', '1', 1);
    expect(seen).toEqual(['peek a', 'foreach a']);
  });

  it('is terminal: its node has no children', () => {
    const builder = new StreamsBuilder();
    const result = builder.stream<string, string>('in').foreach(() => undefined);
    expect(result).toBeUndefined();
    expect(builder.build().describe().toString()).toContain('Processor: KSTREAM-FOREACH-0000000001 (stores: [])\n      --> none\n');
  });

  it('reports an error thrown by the action for that record', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').foreach(() => {
      throw new Error('boom in foreach');
    });
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await expect(driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1)).rejects.toThrow(/boom in foreach/);
  });
});
