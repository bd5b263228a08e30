import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

// As Kafka's KStreamFlatMapTest / KStreamFlatMapValuesTest: every output of one input carries
// the input's timestamp (SEMANTICS §1.5), in the iterable's order.
describe('KStream.flatMap', () => {
  it('fans one record out to the mapper\'s pairs, in order, each with the input timestamp', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in')
      .flatMap((k, v) => v.split(' ').map((word, i) => ({ key: `${k}${i}`, value: word })))
      .to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'one two three', 100);
    await input.pipeInput('b', 'four', 50);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['a0', 'one', 100], ['a1', 'two', 100], ['a2', 'three', 100], ['b0', 'four', 50],
    ]);
  });

  it('accepts any iterable (a generator here) and an empty one produces nothing', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in')
      .flatMap(function* (k, v) {
        for (let i = 0; i < Number(v); i++) yield { key: k, value: String(i) };
      })
      .to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('z', '0', 1);
    await input.pipeInput('t', '2', 2);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([
      { key: 't', value: '0' }, { key: 't', value: '1' },
    ]);
  });

  it('fails the record when the mapper returns something that is not iterable', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').flatMap(() => null as never).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await expect(driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1))
      .rejects.toThrow(/flatMap\(\): the mapper must return an iterable of \{ key, value \}, but returned: null/);
  });
});

describe('KStream.flatMapValues', () => {
  it('fans one value out to several, keeping the key and the timestamp', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').flatMapValues((v, k) => [`${k}:${v}`, v.toUpperCase()]).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'x', 9);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['k', 'k:x', 9], ['k', 'X', 9]]);
  });

  it('an empty result drops the record', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').flatMapValues((v) => (v === 'drop' ? [] : [v])).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'drop', 1);
    await input.pipeInput('b', 'keep', 2);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['keep']);
  });
});
