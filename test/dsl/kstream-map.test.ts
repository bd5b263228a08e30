import { describe, expect, it } from 'vitest';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { KStream } from '../../src/dsl/kstream.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

type Row = [string | null, string | null, number];

async function run(build: (input: KStream<string | null, string | null>) => void, input: Row[]): Promise<Row[]> {
  const builder = new StreamsBuilder();
  build(builder.stream<string | null, string | null>('in'));
  await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
  const topic = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  for (const [k, v, ts] of input) await topic.pipeInput(k, v, ts);
  return driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
}

// As Kafka's KStreamMapTest / KStreamSelectKeyTest / KStreamMapValuesTest: one output per input,
// input timestamp kept (SEMANTICS §1.5).
describe('KStream.map', () => {
  it('replaces key and value with the mapper\'s { key, value }, keeping the timestamp', async () => {
    const out = await run(
      (s) => s.map((k, v) => ({ key: `${v}`, value: `${k}:${v}` })).to('out'),
      [['a', '1', 10], ['b', '2', 5]],
    );
    expect(out).toEqual([['1', 'a:1', 10], ['2', 'b:2', 5]]);
  });

  it('calls the mapper with null keys and values, and may produce them', async () => {
    const out = await run(
      (s) => s.map((k, v) => ({ key: v, value: k })).to('out'),
      [[null, 'v', 1], ['k', null, 2]],
    );
    expect(out).toEqual([['v', null, 1], [null, 'k', 2]]);
  });

  it('fails the record with a clear error when the mapper returns no pair', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').map(() => undefined as never).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await expect(driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1))
      .rejects.toThrow(/map\(\): the mapper must return \{ key, value \}, but returned: undefined/);
  });
});

describe('KStream.selectKey', () => {
  it('sets the key from key and value, keeping value and timestamp', async () => {
    const out = await run((s) => s.selectKey((k, v) => `${k}-${v}`).to('out'), [['a', 'x', 3], [null, 'y', 4]]);
    expect(out).toEqual([['a-x', 'x', 3], ['null-y', 'y', 4]]);
  });
});

describe('KStream.mapValues', () => {
  it('maps the value; the mapper takes (value, key)', async () => {
    const out = await run((s) => s.mapValues((v, k) => `${k}=${v?.toUpperCase()}`).to('out'), [['a', 'x', 3], ['b', 'y', 1]]);
    expect(out).toEqual([['a', 'a=X', 3], ['b', 'b=Y', 1]]);
  });

  it('works with a one-argument mapper and passes a null value to it', async () => {
    const out = await run((s) => s.mapValues((v) => (v === null ? 'was null' : v)).to('out'), [['a', null, 1]]);
    expect(out).toEqual([['a', 'was null', 1]]);
  });

  it('keeps a null key', async () => {
    const out = await run((s) => s.mapValues((v) => `${v}!`).to('out'), [[null, 'x', 2]]);
    expect(out).toEqual([[null, 'x!', 2]]);
  });
});
