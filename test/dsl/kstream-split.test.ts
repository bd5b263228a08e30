import { describe, expect, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { Consumed } from '../../src/dsl/consumed.js';
import type { KStream } from '../../src/dsl/kstream.js';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

async function pipe(builder: StreamsBuilder, values: string[]): Promise<(topic: string) => string[]> {
  const driver = new TopologyTestDriver(builder.build(), stringDefaults);
  const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
  for (const [i, v] of values.entries()) await input.pipeInput(`k${i}`, v, i);
  const read = (topic: string) => driver.createOutputTopic(topic, Serdes.String(), Serdes.String()).readValuesToList() as string[];
  const results = new Map<string, string[]>();
  for (const topic of ['a', 'b', 'c', 'default']) results.set(topic, read(topic));
  await driver.close();
  return (topic) => results.get(topic) ?? [];
}

// As Kafka's KStreamSplitTest / BranchedKStreamImpl: first matching predicate wins, in the order
// branch() was called; the default branch takes the rest; without one, the rest is dropped.
describe('KStream.split', () => {
  it('sends each record to the first branch whose predicate matches (branch ordering)', async () => {
    const builder = new StreamsBuilder();
    const branches = builder.stream<string, string>('in').split()
      .branch((_k, v) => v.includes('x'))
      .branch((_k, v) => v.includes('y'))
      .noDefaultBranch();
    const [first, second] = Object.values(branches);
    first!.to('a');
    second!.to('b');
    const read = await pipe(builder, ['x', 'y', 'xy', 'yx', 'z']);
    expect(read('a')).toEqual(['x', 'xy', 'yx']);
    expect(read('b')).toEqual(['y']);
  });

  it('sends unmatched records to the default branch, or drops them without one', async () => {
    const builder = new StreamsBuilder();
    const withDefault = builder.stream<string, string>('in').split()
      .branch((_k, v) => v.startsWith('a'), Branched.withConsumer((s) => s.to('a')))
      .defaultBranch(Branched.withConsumer((s) => s.to('default')));
    expect(withDefault).toEqual({});
    const read = await pipe(builder, ['apple', 'banana', 'avocado', 'cherry']);
    expect(read('a')).toEqual(['apple', 'avocado']);
    expect(read('default')).toEqual(['banana', 'cherry']);
  });

  it('keys the result by <split name><branch name>, positions when unnamed (0 for the default)', () => {
    const builder = new StreamsBuilder();
    const named = builder.stream<string, string>('in').split(Named.as('lvl-'))
      .branch(() => true, Branched.as('error'))
      .branch(() => true)
      .defaultBranch();
    expect(Object.keys(named)).toEqual(['lvl-error', 'lvl-2', 'lvl-0']);
    const generated = builder.stream<string, string>('in2').split().branch(() => true).defaultBranch(Branched.as('rest'));
    // Indices so far: source 0, split 1, its three branches 2-4, source 5; so this split is 6.
    expect(Object.keys(generated)).toEqual(['KSTREAM-BRANCH-00000000061', 'KSTREAM-BRANCH-0000000006rest']);
  });

  it('puts the chain function\'s result in the map, or nothing when it returns nothing', async () => {
    const builder = new StreamsBuilder();
    const result = builder.stream<string, string>('in').split(Named.as('s-'))
      .branch((_k, v) => v.length < 3, Branched.withFunction((s) => s.mapValues((v) => v.toUpperCase()), 'short'))
      .branch((_k, v) => v.length < 6, Branched.withFunction((s) => void s.to('b'), 'medium'))
      .defaultBranch(Branched.withFunction((s: KStream<string, string>) => s, 'long'));
    expect(Object.keys(result)).toEqual(['s-short', 's-long']);
    result['s-short']!.to('a');
    result['s-long']!.to('c');
    const read = await pipe(builder, ['ab', 'abcd', 'abcdefg']);
    expect(read('a')).toEqual(['AB']);
    expect(read('b')).toEqual(['abcd']);
    expect(read('c')).toEqual(['abcdefg']);
  });

  it('keeps timestamps, and branches keep the source\'s serdes', async () => {
    const builder = new StreamsBuilder();
    const branches = builder.stream('in', Consumed.with(Serdes.String(), Serdes.Integer()))
      .split().branch((_k, v) => v > 10).noDefaultBranch();
    Object.values(branches)[0]!.to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.Integer());
    await input.pipeInput('k', 5, 1);
    await input.pipeInput('k', 50, 2);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.Integer()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['k', 50, 2]]);
  });

  it('draws one index per branch, as Kafka (children named <split><position>)', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').split()
      .branch(() => true, Branched.withConsumer((s) => s.to('a')))
      .defaultBranch(Branched.withConsumer((s) => s.filter(() => true).to('b')));
    expect(builder.build().nodes().map((n) => n.name)).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-BRANCH-0000000001',
      'KSTREAM-BRANCH-00000000011', // draws index 2
      'KSTREAM-SINK-0000000003',
      'KSTREAM-BRANCH-00000000010', // draws index 4
      'KSTREAM-FILTER-0000000005',
      'KSTREAM-SINK-0000000006',
    ]);
  });

  it('is closed after defaultBranch() / noDefaultBranch(), and checks its arguments', () => {
    const split = new StreamsBuilder().stream<string, string>('in').split();
    expect(() => split.branch('x' as never)).toThrow(/branch\(\): predicate must be a function/);
    expect(() => split.branch(() => true, { name: 'x' } as never)).toThrow(/branch\(\): branched must be a Branched/);
    split.noDefaultBranch();
    expect(() => split.branch(() => true)).toThrow('branch(): this split already ended with defaultBranch() or noDefaultBranch()');
    expect(() => split.defaultBranch()).toThrow(/defaultBranch\(\): this split already ended/);
  });
});
