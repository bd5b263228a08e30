import { describe, expect, it } from 'vitest';
import { JoinWindows } from '../../src/dsl/join-windows.js';
import { StreamJoined } from '../../src/dsl/stream-joined.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import { kvt, pipeAndRead, stringDriver, type Input, type KeyValueTimestamp } from './stateful-helpers.js';

type Kind = 'join' | 'leftJoin' | 'outerJoin';


function program(kind: Kind, windows: JoinWindows): StreamsBuilder {
  const builder = new StreamsBuilder();
  const left = builder.stream<string, string>('L');
  const right = builder.stream<string, string>('R');
  const joiner = (l: string | null, r: string | null): string => `${l}+${r}`;
  (kind === 'join' ? left.join(right, joiner, windows) : kind === 'leftJoin' ? left.leftJoin(right, joiner, windows) : left.outerJoin(right, joiner, windows)).to('out');
  return builder;
}

// SEMANTICS §9, window ±100 ms, no grace; the first four records are KT/KStreamKStreamLeftJoinTest's
// (L (0,A0)@1, L (1,A1)@2, L (0,A0-0)@3, R (1,a1)@3 → (1,"A1+a1")@3; L (2,dummy)@401 →
// (0,"A0+null")@1, (0,"A0-0+null")@3). Kafka Streams 4.1.2's TopologyTestDriver printed the same
// outputs for the same programs and inputs.
const inputs: Input[] = [
  ['L', '0', 'A0', 1], ['L', '1', 'A1', 2], ['L', '0', 'A0-0', 3], ['R', '1', 'a1', 3],
  ['L', '2', 'dummy', 401], //  stream time passes 3 + 100: the unmatched left records are emitted
  ['R', '3', 'b3', 402], ['L', '3', 'B3', 403],
  ['R', '3', 'b3-2', 350], //   out of order, still within the window: joins, ts max(350, 403)
  ['R', '4', 'c4', 600], //     emits dummy@401 (its window closed)
  ['L', null, 'nk', 601], //    null key: an outer side joins it with null at once (KIP-962)
  ['R', null, 'nk-r', 602],
  ['L', '6', null, 603], //     null value: dropped
  ['L', '5', 'x', 1000], //     emits the right c4@600 (outer join)
  ['R', '5', 'y', 1050], ['R', '7', 'z', 1300],
];

const expected: Record<Kind | 'deprecatedLeftJoin', KeyValueTimestamp<string | null, string>[][]> = {
  join: [[], [], [], [kvt('1', 'A1+a1', 3)], [], [], [kvt('3', 'B3+b3', 403)], [kvt('3', 'B3+b3-2', 403)], [], [], [], [], [], [kvt('5', 'x+y', 1050)], []],
  leftJoin: [
    [], [], [], [kvt('1', 'A1+a1', 3)], [kvt('0', 'A0+null', 1), kvt('0', 'A0-0+null', 3)], [], [kvt('3', 'B3+b3', 403)], [kvt('3', 'B3+b3-2', 403)],
    [kvt('2', 'dummy+null', 401)], [kvt(null, 'nk+null', 601)], [], [], [], [kvt('5', 'x+y', 1050)], [],
  ],
  outerJoin: [
    [], [], [], [kvt('1', 'A1+a1', 3)], [kvt('0', 'A0+null', 1), kvt('0', 'A0-0+null', 3)], [], [kvt('3', 'B3+b3', 403)], [kvt('3', 'B3+b3-2', 403)],
    [kvt('2', 'dummy+null', 401)], [kvt(null, 'nk+null', 601)], [kvt(null, 'null+nk-r', 602)], [], [kvt('4', 'null+c4', 600)], [kvt('5', 'x+y', 1050)], [],
  ],
  // The deprecated JoinWindows.of: no outer store, an unmatched record is joined with null at once (SEMANTICS §9.5).
  deprecatedLeftJoin: [
    [kvt('0', 'A0+null', 1)], [kvt('1', 'A1+null', 2)], [kvt('0', 'A0-0+null', 3)], [kvt('1', 'A1+a1', 3)], [kvt('2', 'dummy+null', 401)], [],
    [kvt('3', 'B3+b3', 403)], [kvt('3', 'B3+b3-2', 403)], [], [kvt(null, 'nk+null', 601)], [], [], [kvt('5', 'x+null', 1000)], [kvt('5', 'x+y', 1050)], [],
  ],
};

describe('KStream-KStream join', () => {
  it.each(['join', 'leftJoin', 'outerJoin'] as const)('%s within ±100 ms', async (kind) => {
    await using driver = stringDriver(program(kind, JoinWindows.ofTimeDifferenceWithNoGrace(100)));
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, inputs)).toEqual(expected[kind]);
  });

  it('leftJoin with the deprecated JoinWindows.of emits unmatched records at once', async () => {
    await using driver = stringDriver(program('leftJoin', JoinWindows.of(100)));
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, inputs)).toEqual(expected.deprecatedLeftJoin);
  });

  it('asymmetric window with grace: each side waits its own look-back plus grace (KAFKA-15417)', async () => {
    // before 20, after 5, grace 5; Kafka Streams 4.1.2 printed the same outputs.
    await using driver = stringDriver(program('outerJoin', JoinWindows.ofTimeDifferenceAndGrace(10, 5).before(20).after(5)));
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [
      ['L', 'a', 'L1', 100], ['R', 'a', 'R1', 81], ['R', 'b', 'R2', 110], ['L', 'b', 'L2', 150], ['L', 'c', 'L3', 160], ['R', 'a', 'R3', 104], ['L', 'z', 'L9', 200],
    ])).toEqual([
      [], [kvt('a', 'L1+R1', 100)], [], [kvt('b', 'null+R2', 110)], [],
      // L1 expired from the left buffer (retention 30) and R3's window is already over: joined with null at once.
      [kvt('a', 'null+R3', 104)],
      [kvt('b', 'L2+null', 150), kvt('c', 'L3+null', 160)],
    ]);
  });

  it('StreamJoined names the stores; the buffers are window stores that retain duplicates', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L')
      .leftJoin(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.with(Serdes.String(), Serdes.String(), Serdes.String()).withStoreName('st'))
      .to('out');
    await using driver = stringDriver(builder);
    const left = driver.createInputTopic('L', Serdes.String(), Serdes.String());
    await left.pipeInput('k', 'v1', 10);
    await left.pipeInput('k', 'v2', 10);
    const buffered: string[] = [];
    for await (const { key, value } of driver.getWindowStore<string, string>('st-this-join-store').all()) buffered.push(`${key.key()}@${key.window().start()}=${value}`);
    expect(buffered).toEqual(['k@10=v1', 'k@10=v2']);
    expect(driver.getStateStore('st-left-shared-join-store').name).toBe('st-left-shared-join-store');
    expect(driver.getStateStore('st-outer-other-join-store').name).toBe('st-outer-other-join-store');
  });

  it('a re-keyed side is repartitioned through <StreamJoined name>-left-repartition; both sides are co-partitioned', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('L').selectKey((_k, v) => v)
      .join(builder.stream<string, string>('R'), (l, r) => `${l}+${r}`, JoinWindows.ofTimeDifferenceWithNoGrace(100), StreamJoined.as<string, string, string>('st').withName('lr'))
      .to('out');
    const topology = builder.build();
    expect(topology.metadata('app').subtopologies.flatMap((s) => s.copartitionGroups)).toEqual([['app-lr-left-repartition', 'R']]);
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['R', 'x', 'r', 5], ['L', 'k', 'x', 6]])).toEqual([[], [kvt('x', 'x+r', 6)]]);
  });

  it('checks its arguments and the store suppliers', () => {
    const builder = new StreamsBuilder();
    const left = builder.stream<string, string>('L');
    const right = builder.stream<string, string>('R');
    const windows = JoinWindows.ofTimeDifferenceWithNoGrace(100);
    expect(() => left.join(right, (l, r) => l + r, 100 as never)).toThrow(new TypeError('join(): windows must be a JoinWindows, but got: 100'));
    expect(() => left.outerJoin('R' as never, (l, r) => `${l}${r}`, windows)).toThrow(TypeError);
    const duplicates = StreamJoined.withStoreSuppliers<string, string, string>(Stores.inMemoryWindowStore('a', 200, 200, true), Stores.inMemoryWindowStore('a', 200, 200, true));
    expect(() => left.join(right, (l, r) => l + r, windows, duplicates)).toThrow('Both StoreSuppliers have the same name');
    const noDuplicates = StreamJoined.withStoreSuppliers<string, string, string>(Stores.inMemoryWindowStore('a', 200, 200, false), Stores.inMemoryWindowStore('b', 200, 200, true));
    expect(() => left.join(right, (l, r) => l + r, windows, noDuplicates)).toThrow('retainDuplicates=true');
    const wrongSize = StreamJoined.withStoreSuppliers<string, string, string>(Stores.inMemoryWindowStore('a', 300, 200, true), Stores.inMemoryWindowStore('b', 200, 200, true));
    expect(() => left.join(right, (l, r) => l + r, windows, wrongSize)).toThrow('Window settings mismatch');
  });
});
