import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { cacheModes, kvt, pipeAndRead, stringDriver, type Input, type KeyValueTimestamp } from './stateful-helpers.js';

type Kind = 'join' | 'leftJoin' | 'outerJoin';

function joinProgram(kind: Kind): StreamsBuilder {
  const builder = new StreamsBuilder();
  const left = builder.table<string, string>('left');
  const right = builder.table<string, string>('right');
  const joiner = (l: string | null, r: string | null): string => `${l}+${r}`;
  const joined = kind === 'join' ? left.join(right, joiner) : kind === 'leftJoin' ? left.leftJoin(right, joiner) : left.outerJoin(right, joiner);
  joined.toStream().to('out');
  return builder;
}

// Every row of SEMANTICS §8's table, in one sequence; timestamps per §1.5 (max of this update's
// and the other side's current value's). Kafka Streams 4.1.2's TopologyTestDriver printed the
// same outputs for the same program and inputs, cached and uncached.
const inputs: Input[] = [
  ['left', 'a', 'L1', 1], //     L value, R absent
  ['right', 'a', 'R1', 2], //    R value, L present
  ['right', 'b', 'R2', 3], //    R value, L absent
  ['left', 'b', 'L2', 4], //     L value, R present
  ['left', 'a', 'L1b', 10], //   L value, R present
  ['right', 'a', 'R1b', 5], //   R value, L present: ts max(5, 10)
  ['left', 'a', null, 6], //     L tombstone, R present
  ['right', 'b', null, 7], //    R tombstone, L present
  ['right', 'a', null, 8], //    R tombstone, L absent (R had a value)
  ['left', 'b', null, 9], //     L tombstone, R absent (L had a value)
  ['left', 'c', null, 11], //    L tombstone, R absent, L never had one
  ['right', 'c', null, 12], //   R tombstone, L absent, R never had one
  ['right', 'd', 'R4', 13], //   R value, L absent
  ['right', 'd', null, 14], //   R tombstone, L absent (R had a value)
  ['left', 'e', 'L5', 15], //    L value, R absent
  ['left', 'e', null, 16], //    L tombstone, R absent (L had a value)
];

const expected: Record<Kind, KeyValueTimestamp<string, string | null>[][]> = {
  join: [
    [], [kvt('a', 'L1+R1', 2)], [], [kvt('b', 'L2+R2', 4)], [kvt('a', 'L1b+R1', 10)], [kvt('a', 'L1b+R1b', 10)],
    [kvt('a', null, 6)], [kvt('b', null, 7)], [], [], [], [], [], [], [], [],
  ],
  leftJoin: [
    [kvt('a', 'L1+null', 1)], [kvt('a', 'L1+R1', 2)], [], [kvt('b', 'L2+R2', 4)], [kvt('a', 'L1b+R1', 10)], [kvt('a', 'L1b+R1b', 10)],
    [kvt('a', null, 6)], [kvt('b', 'L2+null', 7)], [], [kvt('b', null, 9)], [], [], [], [], [kvt('e', 'L5+null', 15)], [kvt('e', null, 16)],
  ],
  outerJoin: [
    [kvt('a', 'L1+null', 1)], [kvt('a', 'L1+R1', 2)], [kvt('b', 'null+R2', 3)], [kvt('b', 'L2+R2', 4)], [kvt('a', 'L1b+R1', 10)], [kvt('a', 'L1b+R1b', 10)],
    [kvt('a', 'null+R1b', 6)], [kvt('b', 'L2+null', 7)], [kvt('a', null, 8)], [kvt('b', null, 9)], [], [],
    [kvt('d', 'null+R4', 13)], [kvt('d', null, 14)], [kvt('e', 'L5+null', 15)], [kvt('e', null, 16)],
  ],
};

describe('KTable-KTable join: the rows of SEMANTICS §8', () => {
  for (const [mode, cacheMaxBytes] of cacheModes) {
    it.each(['join', 'leftJoin', 'outerJoin'] as const)(`%s (${mode})`, async (kind) => {
      await using driver = stringDriver(joinProgram(kind), cacheMaxBytes);
      const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
      expect(await pipeAndRead(driver, out, inputs)).toEqual(expected[kind]);
    });
  }
});

describe('KTable-KTable join: deletes of absent keys (SEMANTICS §8, §5.3)', () => {
  // KT/KTableKTableInnerJoinTest: L (0,XXX0)@6, R (0,YY0)@0 → (0,XXX0+YY0)@6; R (0,null)@5 → (0,null)@6;
  // L (2,null)@5 with R (2,YY2)@10 → (2,null)@10 — that last tombstone is spurious (L never had key 2)
  // and only reaches the join when the left table's store is not cached.
  const innerJoinTest: Input[] = [
    ['left', '0', 'XXX0', 6],
    ['right', '0', 'YY0', 0],
    ['right', '0', null, 5],
    ['right', '2', 'YY2', 10],
    ['left', '2', null, 5],
  ];

  it('uncached: a delete of a key the left table never had still yields a tombstone', async () => {
    await using driver = stringDriver(joinProgram('join'), 0);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, innerJoinTest)).toEqual([[], [kvt('0', 'XXX0+YY0', 6)], [kvt('0', null, 6)], [], [kvt('2', null, 10)]]);
  });

  it('cached: the source table\'s cache drops that delete, so nothing is joined', async () => {
    await using driver = stringDriver(joinProgram('join'), 10 * 1024 * 1024);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, innerJoinTest)).toEqual([[], [kvt('0', 'XXX0+YY0', 6)], [kvt('0', null, 6)], [], []]);
  });
});

describe('KTable-KTable join: the result table', () => {
  it('materialized under its name: the store holds the joined rows and their timestamps', async () => {
    const builder = new StreamsBuilder();
    const joined = builder.table<string, string>('left')
      .join(builder.table<string, string>('right'), (l, r, key) => `${key}:${l}+${r}`, Named.as('lr'), Materialized.as('joined'));
    joined.toStream().to('out');
    expect(joined.queryableStoreName()).toBe('joined');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    await pipeAndRead(driver, out, [['left', 'a', 'L', 3], ['right', 'a', 'R', 7], ['left', 'b', 'L', 1]]);
    const store = driver.getTimestampedKeyValueStore<string, string>('joined');
    const a = await store.get('a');
    expect([a?.value, a?.timestamp]).toEqual(['a:L+R', 7]);
    expect(await store.get('b')).toBeUndefined();
  });

  it('an unmaterialized join result is read through both sides\' stores when joined again', async () => {
    // (left ⋈ right) ⋈ third: the second join looks up the first join's rows by joining the two sources on the fly.
    const builder = new StreamsBuilder();
    const first = builder.table<string, string>('left').join(builder.table<string, string>('right'), (l, r) => `${l}+${r}`);
    first.join(builder.table<string, string>('third'), (lr, t) => `${lr}+${t}`).toStream().to('out');
    expect(first.queryableStoreName()).toBeUndefined();
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['left', 'k', 'L', 1], ['right', 'k', 'R', 2], ['third', 'k', 'T', 5], ['right', 'k', 'R2', 3]]))
      .toEqual([[], [], [kvt('k', 'L+R+T', 5)], [kvt('k', 'L+R2+T', 5)]]);
  });

  it('the two tables form a co-partition group', () => {
    const topology = joinProgram('join').build();
    expect(topology.metadata('app').subtopologies[0]?.copartitionGroups).toEqual([['left', 'right']]);
  });

  it('rejects a non-table and tables of another builder', () => {
    const builder = new StreamsBuilder();
    const left = builder.table<string, string>('left');
    expect(() => left.join('right' as never, (l, r) => l + r)).toThrow(new TypeError('join(): other must be a KTable, but got: "right"'));
    const other = new StreamsBuilder().table<string, string>('right');
    expect(() => left.leftJoin(other, (l, r) => l + r)).toThrow('leftJoin(): both tables must come from the same StreamsBuilder');
  });
});
