import { describe, expect, it } from 'vitest';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

// Behaviour as Kafka's KStreamFilterTest: the predicate sees key and value; filterNot inverts it.
describe('KStream.filter / filterNot', () => {
  async function run(build: (builder: StreamsBuilder) => void, input: [string | null, string | null, number][]) {
    const builder = new StreamsBuilder();
    build(builder);
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const topic = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    for (const [k, v, ts] of input) await topic.pipeInput(k, v, ts);
    return driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList().map((r) => [r.key, r.value, r.timestamp]);
  }

  it('keeps the records the predicate accepts, with their timestamps, in order', async () => {
    const out = await run(
      (b) => b.stream<string, string>('in').filter((_k, v) => v.length > 5).to('out'),
      [['a', 'short', 1], ['b', 'long enough', 2], ['c', 'tiny', 3], ['d', 'another long one', 4]],
    );
    expect(out).toEqual([['b', 'long enough', 2], ['d', 'another long one', 4]]);
  });

  it('filterNot keeps the records the predicate rejects', async () => {
    const out = await run(
      (b) => b.stream<string, string>('in').filterNot((_k, v) => v.length > 5).to('out'),
      [['a', 'short', 1], ['b', 'long enough', 2], ['c', 'tiny', 3]],
    );
    expect(out).toEqual([['a', 'short', 1], ['c', 'tiny', 3]]);
  });

  it('passes the key to the predicate', async () => {
    const out = await run(
      (b) => b.stream<string, string>('in').filter((k) => k.startsWith('keep')).to('out'),
      [['keep-1', 'x', 1], ['drop', 'y', 2], ['keep-2', 'z', 3]],
    );
    expect(out).toEqual([['keep-1', 'x', 1], ['keep-2', 'z', 3]]);
  });

  it('hands null keys and null values to the predicate unchanged (nothing is dropped for being null)', async () => {
    const seen: [string | null, string | null][] = [];
    const out = await run(
      (b) => b.stream<string | null, string | null>('in').filter((k, v) => {
        seen.push([k, v]);
        return true;
      }).to('out'),
      [[null, 'v', 1], ['k', null, 2]],
    );
    expect(seen).toEqual([[null, 'v'], ['k', null]]);
    expect(out).toEqual([[null, 'v', 1], ['k', null, 2]]);
  });

  it('keeps headers', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').filter(() => true).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String())
      .pipeRecord({ key: 'k', value: 'v', timestamp: 7, headers: [{ key: 'h', value: Buffer.from('1') }] });
    const [record] = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect(record?.headers).toEqual([{ key: 'h', value: Buffer.from('1') }]);
  });

  it('names the node KSTREAM-FILTER-<n>, or the Named name', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>('in');
    stream.filter(() => true).to('a');
    stream.filterNot(() => true, Named.as('not-this')).to('b');
    const names = builder.build().nodes().map((n) => n.name);
    expect(names).toEqual(['KSTREAM-SOURCE-0000000000', 'KSTREAM-FILTER-0000000001', 'KSTREAM-SINK-0000000002', 'not-this', 'KSTREAM-SINK-0000000004']);
  });

  it('rejects a predicate that is not a function', () => {
    const stream = new StreamsBuilder().stream<string, string>('in');
    expect(() => stream.filter(undefined as never)).toThrow(new TypeError('filter(): predicate must be a function, but got: undefined'));
    expect(() => stream.filterNot('x' as never)).toThrow(/filterNot\(\): predicate must be a function, but got: "x"/);
    expect(() => stream.filter(() => true, 'name' as never)).toThrow(/filter\(\): named must be a Named/);
  });
});
