/**
 * `topology.optimization=single.store.self.join` (KIP-862; Kafka's
 * `InternalStreamsBuilder.rewriteSingleStoreSelfJoin`, `StreamStreamJoinNode.setSelfJoin`,
 * `KStreamKStreamSelfJoin`): which joins are rewritten (the cases of Kafka's
 * `InternalStreamsBuilderTest`), what `describe()` shows, and that the rewritten join emits
 * exactly what the two-store join emits (as Kafka's `KStreamKStreamSelfJoinTest` checks).
 */
import { describe, expect, it } from 'vitest';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import type { KStream } from '../../src/dsl/kstream.js';
import { StreamJoined } from '../../src/dsl/stream-joined.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import type { Topology } from '../../src/topology/topology.js';
import { readAll, type KeyValueTimestamp } from './stateful-helpers.js';
import { stringDefaults } from './string-config.js';

const SELF_JOIN = { 'topology.optimization': 'single.store.self.join' };
const joiner = (l: string | null, r: string | null): string => `${l}+${r}`;
const within100 = JoinWindows.ofTimeDifferenceWithNoGrace(100);

/** Builds `program` twice: without the optimization and with `config`. */
function both(program: (builder: StreamsBuilder) => void, config: { 'topology.optimization': string } = SELF_JOIN): [plain: Topology, optimized: Topology] {
  const plain = new StreamsBuilder();
  program(plain);
  const optimized = new StreamsBuilder();
  program(optimized);
  return [plain.build(), optimized.build(config)];
}

const describeOf = (topology: Topology): string => topology.describe().toString();
const storesOf = (topology: Topology): string[] => topology.subtopologyPlan(0, 'app').stores.map((s) => s.builder.name).sort();
const changelogsOf = (topology: Topology): string[] => topology.metadata('app').internalTopics.filter((t) => t.kind === 'changelog').map((t) => t.name).sort();

const PLAIN_SELF_JOIN =
  'Topologies:\n' +
  '   Sub-topology: 0\n' +
  '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
  '      --> KSTREAM-WINDOWED-0000000001, KSTREAM-WINDOWED-0000000002\n' +
  '    Processor: KSTREAM-WINDOWED-0000000001 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n' +
  '      --> KSTREAM-JOINTHIS-0000000003\n' +
  '      <-- KSTREAM-SOURCE-0000000000\n' +
  '    Processor: KSTREAM-WINDOWED-0000000002 (stores: [KSTREAM-JOINOTHER-0000000004-store])\n' +
  '      --> KSTREAM-JOINOTHER-0000000004\n' +
  '      <-- KSTREAM-SOURCE-0000000000\n' +
  '    Processor: KSTREAM-JOINOTHER-0000000004 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n' +
  '      --> KSTREAM-MERGE-0000000005\n' +
  '      <-- KSTREAM-WINDOWED-0000000002\n' +
  '    Processor: KSTREAM-JOINTHIS-0000000003 (stores: [KSTREAM-JOINOTHER-0000000004-store])\n' +
  '      --> KSTREAM-MERGE-0000000005\n' +
  '      <-- KSTREAM-WINDOWED-0000000001\n' +
  '    Processor: KSTREAM-MERGE-0000000005 (stores: [])\n' +
  '      --> KSTREAM-SINK-0000000006\n' +
  '      <-- KSTREAM-JOINTHIS-0000000003, KSTREAM-JOINOTHER-0000000004\n' +
  '    Sink: KSTREAM-SINK-0000000006 (topic: out)\n' +
  '      <-- KSTREAM-MERGE-0000000005\n' +
  '\n';

// Kafka writes the self-join as one processor under this side's windowed node, named as the merge
// node (`KStreamImplJoin`: `new ProcessorParameters<>(selfJoin, joinMergeName)`), reading the
// this-side store; the other windowed node is removed from the graph. The names drawn are the same.
const OPTIMIZED_SELF_JOIN =
  'Topologies:\n' +
  '   Sub-topology: 0\n' +
  '    Source: KSTREAM-SOURCE-0000000000 (topics: [topic])\n' +
  '      --> KSTREAM-WINDOWED-0000000001\n' +
  '    Processor: KSTREAM-WINDOWED-0000000001 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n' +
  '      --> KSTREAM-MERGE-0000000005\n' +
  '      <-- KSTREAM-SOURCE-0000000000\n' +
  '    Processor: KSTREAM-MERGE-0000000005 (stores: [KSTREAM-JOINTHIS-0000000003-store])\n' +
  '      --> KSTREAM-SINK-0000000006\n' +
  '      <-- KSTREAM-WINDOWED-0000000001\n' +
  '    Sink: KSTREAM-SINK-0000000006 (topic: out)\n' +
  '      <-- KSTREAM-MERGE-0000000005\n' +
  '\n';

describe('single.store.self.join: which joins are rewritten', () => {
  it('a stream joined with itself: one windowed node, the join as one processor, one store and changelog', () => {
    const [plain, optimized] = both((b) => {
      const s = b.stream<string, string>('topic');
      s.join(s, joiner, within100).to('out');
    });
    expect(describeOf(plain)).toBe(PLAIN_SELF_JOIN);
    expect(describeOf(optimized)).toBe(OPTIMIZED_SELF_JOIN);
    expect(storesOf(plain)).toEqual(['KSTREAM-JOINOTHER-0000000004-store', 'KSTREAM-JOINTHIS-0000000003-store']);
    expect(storesOf(optimized)).toEqual(['KSTREAM-JOINTHIS-0000000003-store']);
    expect(changelogsOf(optimized)).toEqual(['app-KSTREAM-JOINTHIS-0000000003-store-changelog']);
  });

  it("two stream() calls on one topic (merged into one source), as Kafka's shouldMarkStreamStreamJoinAsSelfJoinTwoStreams", () => {
    const [, optimized] = both((b) => {
      b.stream<string, string>('topic').join(b.stream<string, string>('topic'), joiner, within100).to('out');
    });
    // The second source's name (KSTREAM-SOURCE-1) stays drawn, so the names shift by one.
    expect(describeOf(optimized)).toBe(OPTIMIZED_SELF_JOIN.replace(/(\d{10})/g, (n) => (Number(n) === 0 ? n : String(Number(n) + 1).padStart(10, '0'))));
  });

  it('a merge joined with itself, and a stream with an unrelated filter branch, are self-joins', () => {
    const [, merged] = both((b) => {
      const s = b.stream<string, string>('a').merge(b.stream<string, string>('b'));
      s.join(s, joiner, within100).to('out');
    });
    expect(storesOf(merged)).toEqual(['KSTREAM-JOINTHIS-0000000005-store']);
    const [, filtered] = both((b) => {
      const s1 = b.stream<string, string>('t1');
      s1.filter(() => true);
      s1.join(b.stream<string, string>('t1'), joiner, within100).to('out');
    });
    expect(storesOf(filtered)).toEqual(['KSTREAM-JOINTHIS-0000000005-store']);
  });

  it('a stream with a key change joined with itself: both sides share the repartition topic, so it is a self-join', () => {
    const [plain, optimized] = both((b) => {
      const s = b.stream<string, string>('topic').selectKey((_k, v) => v);
      s.join(s, joiner, within100).to('out');
    });
    expect(plain.describe().subtopologies).toHaveLength(2);
    // Both sides draw repartition names (2-4, 5-7) though they share the first repartition node.
    expect(optimized.subtopologyPlan(1, 'app').stores.map((s) => s.builder.name)).toEqual(['KSTREAM-JOINTHIS-0000000010-store']);
  });

  it('with a StreamJoined store name or store suppliers, the this-side store stays', () => {
    const [, named] = both((b) => {
      const s = b.stream<string, string>('topic');
      s.join(s, joiner, within100, StreamJoined.as<string, string, string>('pairs').withName('pj')).to('out');
    });
    expect(storesOf(named)).toEqual(['pairs-this-join-store']);
    expect(describeOf(named)).toContain('    Processor: pj-merge (stores: [pairs-this-join-store])\n      --> KSTREAM-SINK-0000000006\n      <-- pj-this-windowed\n');
    const [, supplied] = both((b) => {
      const s = b.stream<string, string>('topic');
      const supplier = (name: string) => Stores.inMemoryWindowStore(name, 200, 200, true);
      s.join(s, joiner, within100, StreamJoined.withStoreSuppliers<string, string, string>(supplier('mine'), supplier('theirs'))).to('out');
    });
    expect(storesOf(supplied)).toEqual(['mine']);
  });

  const unchanged: [string, (b: StreamsBuilder) => void][] = [
    ['leftJoin of a stream with itself', (b) => { const s = b.stream<string, string>('topic'); s.leftJoin(s, joiner, within100).to('out'); }],
    ['outerJoin of a stream with itself', (b) => { const s = b.stream<string, string>('topic'); s.outerJoin(s, joiner, within100).to('out'); }],
    ['join of two topics', (b) => { b.stream<string, string>('t1').join(b.stream<string, string>('t2'), joiner, within100).to('out'); }],
    ['join with a filter on one side', (b) => { const s = b.stream<string, string>('t1'); s.filter(() => true).join(s, joiner, within100).to('out'); }],
    ['join with mapValues on one side, the other a second stream() of the topic', (b) => { b.stream<string, string>('t1').mapValues((v) => v).join(b.stream<string, string>('t1'), joiner, within100).to('out'); }],
    ['join with each side repartitioned under its own StreamJoined name', (b) => { const s = b.stream<string, string>('t1').selectKey((_k, v) => v); s.join(s, joiner, within100, StreamJoined.as<string, string, string>('x').withName('n')).to('out'); }],
  ];
  it.each(unchanged)('not rewritten: %s', (_name, program) => {
    const [plain, optimized] = both(program);
    expect(describeOf(optimized)).toBe(describeOf(plain));
    expect(optimized.metadata('app').internalTopics).toEqual(plain.metadata('app').internalTopics);
  });

  it('not rewritten without the optimization (none, or reuse.ktable.source.topics only)', () => {
    const program = (b: StreamsBuilder): void => { const s = b.stream<string, string>('topic'); s.join(s, joiner, within100).to('out'); };
    expect(describeOf(both(program, { 'topology.optimization': 'none' })[1])).toBe(PLAIN_SELF_JOIN);
    expect(describeOf(both(program, { 'topology.optimization': 'reuse.ktable.source.topics' })[1])).toBe(PLAIN_SELF_JOIN);
    expect(describeOf(both(program, { 'topology.optimization': 'reuse.ktable.source.topics,single.store.self.join' })[1])).toBe(OPTIMIZED_SELF_JOIN);
  });

  it("three-way join on one topic: only the first join is a self-join (Kafka's shouldMarkFirstStreamStreamJoinAsSelfJoinNwaySameSource)", () => {
    const [plain, optimized] = both((b) => {
      const s = b.stream<string, string>('t1');
      s.join(s, joiner, within100).join(s, joiner, within100).to('out');
    });
    expect(storesOf(plain)).toHaveLength(4);
    expect(storesOf(optimized)).toEqual(['KSTREAM-JOINOTHER-0000000009-store', 'KSTREAM-JOINTHIS-0000000003-store', 'KSTREAM-JOINTHIS-0000000008-store']);
  });

  it('two self-joins on two topics, merged: both rewritten', () => {
    const [, optimized] = both((b) => {
      const a = b.stream<string, string>('t1');
      const c = b.stream<string, string>('t2');
      a.join(a, joiner, within100).merge(c.join(c, joiner, within100)).to('out');
    });
    expect(storesOf(optimized)).toEqual(['KSTREAM-JOINTHIS-0000000004-store', 'KSTREAM-JOINTHIS-0000000009-store']);
  });

  it('a self-join added after an earlier build() is rewritten by the next build', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('topic');
    builder.build(SELF_JOIN);
    s.join(s, joiner, within100).to('out');
    expect(describeOf(builder.build(SELF_JOIN))).toBe(OPTIMIZED_SELF_JOIN);
  });
});

type In = readonly [key: string | null, value: string | null, timestamp: number];

/** Pipes `inputs` into `topic` of both topologies and returns what each emitted after each input. */
async function run(topology: Topology, inputs: readonly In[], topic = 'topic'): Promise<KeyValueTimestamp<string, string>[][]> {
  await using driver = new TopologyTestDriver(topology, { ...stringDefaults, 'application.id': 'app' });
  const input = driver.createInputTopic(topic, Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
  const results: KeyValueTimestamp<string, string>[][] = [];
  for (const [key, value, timestamp] of inputs) {
    await input.pipeInput(key, value, timestamp);
    results.push(readAll(output));
  }
  return results;
}

function selfJoinOf(windows: JoinWindows, twoStreams = false): (b: StreamsBuilder) => void {
  return (b) => {
    const left: KStream<string, string> = b.stream<string, string>('topic');
    const right = twoStreams ? b.stream<string, string>('topic') : left;
    left.join(right, (l, r) => `${l}+${r}`, windows).to('out');
  };
}

async function expectSameOutput(windows: JoinWindows, inputs: readonly In[], twoStreams = false): Promise<KeyValueTimestamp<string, string>[][]> {
  const [plain, optimized] = both(selfJoinOf(windows, twoStreams));
  expect(storesOf(optimized)).toHaveLength(1);
  const expected = await run(plain, inputs);
  expect(await run(optimized, inputs)).toEqual(expected);
  return expected;
}

describe('single.store.self.join: the same output as the two-store join', () => {
  // KStreamKStreamSelfJoinTest.shouldMatchInnerJoinWithSelfJoinWithSingleStream / ...WithTwoStreams.
  it.each([false, true])("Kafka's KStreamKStreamSelfJoinTest inputs, ±100 ms (two stream() calls: %s)", async (twoStreams) => {
    const out = await expectSameOutput(within100, [['A', '1', 1], ['B', '1', 2], ['A', '2', 3], ['B', '2', 4], ['B', '3', 5]], twoStreams);
    expect(out).toEqual([
      [{ key: 'A', value: '1+1', timestamp: 1 }],
      [{ key: 'B', value: '1+1', timestamp: 2 }],
      [{ key: 'A', value: '2+1', timestamp: 3 }, { key: 'A', value: '1+2', timestamp: 3 }, { key: 'A', value: '2+2', timestamp: 3 }],
      [{ key: 'B', value: '2+1', timestamp: 4 }, { key: 'B', value: '1+2', timestamp: 4 }, { key: 'B', value: '2+2', timestamp: 4 }],
      [
        { key: 'B', value: '3+1', timestamp: 5 }, { key: 'B', value: '3+2', timestamp: 5 },
        { key: 'B', value: '1+3', timestamp: 5 }, { key: 'B', value: '2+3', timestamp: 5 }, { key: 'B', value: '3+3', timestamp: 5 },
      ],
    ]);
  });

  it("Kafka's different before/after and out-of-order cases (11 s + 10 s grace; 10 s + long grace)", async () => {
    await expectSameOutput(JoinWindows.ofTimeDifferenceAndGrace(11_000, 10_000), [
      ['A', '1', 0], ['A', '2', 11_000], ['B', '1', 12_000], ['A', '3', 13_000], ['A', '4', 15_000], ['C', '1', 16_000], ['D', '1', 17_000], ['A', '5', 30_000],
    ]);
    await expectSameOutput(JoinWindows.ofTimeDifferenceAndGrace(10_000, 30_000_000), [
      ['A', '1', 0], ['A', '2', 9_999], ['B', '1', 11_000], ['A', '3', 13_000], ['A', '4', 15_000], ['C', '1', 16_000], ['D', '1', 17_000], ['A', '5', 30_000], ['A', '5', 6_000],
    ]);
  });

  it('window edges, equal timestamps and out-of-order records', async () => {
    const out = await expectSameOutput(within100, [
      ['k', 'a', 1000], ['k', 'b', 1100], ['k', 'c', 900], ['k', 'd', 899], ['k', 'e', 1101], ['k', 'f', 1000], ['k', 'g', 1000], ['k', 'h', 1200], ['k', 'i', 1050],
    ]);
    // b at 1100 joins a at 1000 (the edge), each way, and itself last.
    expect(out[1]).toEqual([{ key: 'k', value: 'b+a', timestamp: 1100 }, { key: 'k', value: 'a+b', timestamp: 1100 }, { key: 'k', value: 'b+b', timestamp: 1100 }]);
  });

  it('asymmetric and negative before/after, and zero windows', async () => {
    const inputs: In[] = [['k', 'a', 1000], ['k', 'b', 1030], ['k', 'c', 1080], ['k', 'd', 990], ['k', 'e', 1080], ['k', 'f', 1200], ['k', 'g', 1130]];
    await expectSameOutput(JoinWindows.ofTimeDifferenceWithNoGrace(100).before(20), inputs);
    await expectSameOutput(JoinWindows.ofTimeDifferenceWithNoGrace(100).before(-30), inputs);
    await expectSameOutput(JoinWindows.ofTimeDifferenceWithNoGrace(0), inputs);
    await expectSameOutput(JoinWindows.ofTimeDifferenceAndGrace(0, 50), inputs);
    await expectSameOutput(JoinWindows.ofTimeDifferenceWithNoGrace(100).before(0), inputs);
  });

  it('late records around the end of retention (before + after + grace) and grace', async () => {
    // Retention 100 + 100 + 50 = 250: after 2000, a record at 1751 is still kept (and joins itself);
    // one at 1750 is not kept (no join with itself) but still joins what is (SEMANTICS §9.4).
    // Kafka's processor would not emit b+b (its test is `t > streamTime - retention + 1`).
    const windows = JoinWindows.ofTimeDifferenceAndGrace(100, 50);
    const out = await expectSameOutput(windows, [['k', 'a', 2000], ['k', 'b', 1751], ['k', 'c', 1750], ['k', 'd', 1752], ['k', 'e', 1900], ['k', 'f', 1650]]);
    expect(out[1]).toEqual([{ key: 'k', value: 'b+b', timestamp: 1751 }]);
    expect(out[2]).toEqual([{ key: 'k', value: 'c+b', timestamp: 1751 }, { key: 'k', value: 'b+c', timestamp: 1751 }]);
    await expectSameOutput(JoinWindows.ofTimeDifferenceWithNoGrace(10), [['k', 'a', 100], ['k', 'b', 120], ['k', 'c', 101], ['k', 'd', 100], ['k', 'e', 99]]);
  });

  it('null keys and null values are dropped, and several keys interleave', async () => {
    await expectSameOutput(within100, [['a', '1', 10], [null, 'x', 20], ['a', null, 30], ['b', '1', 40], ['a', '2', 50], ['b', null, 300], ['b', '2', 120], ['a', '3', 500], ['a', '4', 420]]);
  });

  it('fixed-seed random inputs: the same records in the same order as the two-store join', { timeout: 120_000 }, async () => {
    let seed = 0x5eed;
    const random = (n: number): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = seed;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * n;
    };
    const pick = (n: number): number => Math.floor(random(n));
    for (let round = 0; round < 40; round++) {
      const before = pick(60) - 10;
      const after = Math.max(-before, pick(60));
      const grace = [0, 0, 5, 30, 200][pick(5)]!;
      const windows = JoinWindows.ofTimeDifferenceAndGrace(after, grace).before(before);
      let time = 500;
      const inputs: In[] = [];
      for (let i = 0; i < 60; i++) {
        time += pick(25);
        const late = pick(4) === 0 ? pick(before + after + grace + 40) : 0;
        const key = pick(20) === 0 ? null : `k${pick(3)}`;
        const value = pick(25) === 0 ? null : `v${i}`;
        inputs.push([key, value, Math.max(0, time - late)]);
      }
      await expectSameOutput(windows, inputs, round % 2 === 1);
    }
  });
});
