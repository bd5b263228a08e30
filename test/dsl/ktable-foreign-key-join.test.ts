import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TableJoined } from '../../src/dsl/table-joined.js';
import { murmur3Hash128 } from '../../src/dsl/processors/foreign-key-join/murmur3.js';
import { Serdes } from '../../src/serde/serdes.js';
import { cacheModes, kvt, pipeAndRead, stringDriver, type Input, type KeyValueTimestamp } from './stateful-helpers.js';

/** Orders are `<customer>|<item>`; an empty customer is no foreign key. */
const customerOf = (order: string): string | null => order.split('|')[0] || null;

function program(left: boolean): StreamsBuilder {
  const builder = new StreamsBuilder();
  const orders = builder.table<string, string>('orders');
  const customers = builder.table<string, string>('customers');
  const joiner = (order: string, customer: string | null): string => `${order}/${customer}`;
  (left ? orders.leftJoin(customers, customerOf, joiner) : orders.join(customers, customerOf, joiner)).toStream().to('out');
  return builder;
}

// Foreign-key join as Kafka Streams defines it (KTableImpl.doJoinOnForeignKey: subscription and
// response topics, the value hash that drops stale responses). Kafka Streams 4.1.2's
// TopologyTestDriver printed the same outputs for the same program and inputs, cached and uncached.
const inputs: Input[] = [
  ['customers', 'c1', 'Alice', 1],
  ['orders', 'o1', 'c1|book', 2], //   subscribe to c1
  ['orders', 'o2', 'c2|pen', 3], //    c2 absent: inner nothing, left joins null
  ['customers', 'c2', 'Bob', 4], //    answers o2
  ['customers', 'c1', 'Alicia', 5], // answers o1
  ['orders', 'o1', 'c2|book', 6], //   foreign key change: unsubscribe c1, subscribe c2
  ['orders', 'o2', '|ink', 7], //      no foreign key any more: inner deletes, left joins null
  ['customers', 'c2', null, 8], //     foreign delete: inner deletes o1, left joins null
  ['orders', 'o1', null, 9], //        primary delete
  ['orders', 'o3', 'c3|cup', 10],
  ['customers', 'c3', 'Carl', 11],
  ['orders', 'o3', 'c3|mug', 12], //   same foreign key, new value
  ['orders', 'o4', 'c3|hat', 13],
  ['customers', 'c3', 'Carla', 14], // answers every subscriber, in primary-key order
  ['orders', 'o9', null, 15], //       delete of an absent row: nothing
];

const expected: Record<'join' | 'leftJoin', KeyValueTimestamp<string, string | null>[][]> = {
  join: [
    [], [kvt('o1', 'c1|book/Alice', 2)], [], [kvt('o2', 'c2|pen/Bob', 4)], [kvt('o1', 'c1|book/Alicia', 5)], [kvt('o1', 'c2|book/Bob', 6)],
    [kvt('o2', null, 7)], [kvt('o1', null, 8)], [kvt('o1', null, 9)], [], [kvt('o3', 'c3|cup/Carl', 11)], [kvt('o3', 'c3|mug/Carl', 12)],
    [kvt('o4', 'c3|hat/Carl', 13)], [kvt('o3', 'c3|mug/Carla', 14), kvt('o4', 'c3|hat/Carla', 14)], [],
  ],
  leftJoin: [
    [], [kvt('o1', 'c1|book/Alice', 2)], [kvt('o2', 'c2|pen/null', 3)], [kvt('o2', 'c2|pen/Bob', 4)], [kvt('o1', 'c1|book/Alicia', 5)], [kvt('o1', 'c2|book/Bob', 6)],
    [kvt('o2', '|ink/null', 7)], [kvt('o1', 'c2|book/null', 8)], [kvt('o1', null, 9)], [kvt('o3', 'c3|cup/null', 10)], [kvt('o3', 'c3|cup/Carl', 11)], [kvt('o3', 'c3|mug/Carl', 12)],
    [kvt('o4', 'c3|hat/Carl', 13)], [kvt('o3', 'c3|mug/Carla', 14), kvt('o4', 'c3|hat/Carla', 14)], [],
  ],
};

describe('KTable foreign-key join', () => {
  for (const [mode, cacheMaxBytes] of cacheModes) {
    it.each(['join', 'leftJoin'] as const)(`%s: updates and deletes from either table (${mode})`, async (kind) => {
      await using driver = stringDriver(program(kind === 'leftJoin'), cacheMaxBytes);
      const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
      expect(await pipeAndRead(driver, out, inputs)).toEqual(expected[kind]);
    });
  }

  it('drops a response computed for an older value of the primary row (value hash mismatch)', async () => {
    // One input record updates o1 twice (uncached), so two subscriptions are answered; by the
    // time the answers come back the row holds the second value, and the first answer is stale.
    const builder = new StreamsBuilder();
    const orders = builder.stream<string, string>('in').flatMapValues((v) => [`${v}-a`, `${v}-b`]).toTable(Materialized.as('orders'));
    orders.join(builder.table<string, string>('customers'), customerOf, (o, c) => `${o}/${c}`).toStream().to('out');
    await using driver = stringDriver(builder);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['customers', 'c1', 'Alice', 1], ['in', 'o1', 'c1|x', 2], ['customers', 'c1', 'Al', 3]]))
      .toEqual([[], [kvt('o1', 'c1|x-b/Alice', 2)], [kvt('o1', 'c1|x-b/Al', 3)]]);
    expect(driver.metric('dropped-records')).toBe(1);
  });

  it('writes the subscription and response topics, and the subscription store, under the TableJoined name', async () => {
    const builder = new StreamsBuilder();
    const joined = builder.table<string, string>('orders')
      .leftJoin(builder.table<string, string>('customers'), customerOf, (o, c) => `${o}/${c}`, TableJoined.as('oc'), Materialized.as('joined'));
    expect(joined.queryableStoreName()).toBe('joined');
    await using driver = stringDriver(builder);
    await pipeAndRead(driver, driver.createOutputTopic('none', Serdes.String(), Serdes.String()), [['customers', 'c1', 'Alice', 1], ['orders', 'o1', 'c1|book', 2]]);
    expect([...driver.producedTopicNames()].sort()).toEqual(['app-joined-changelog', 'app-oc-subscription-registration-topic', 'app-oc-subscription-response-topic', 'app-oc-subscription-store-changelog', 'app-orders-STATE-STORE-0000000000-changelog', 'app-customers-STATE-STORE-0000000003-changelog'].sort());
    expect(await driver.getKeyValueStore<string, string>('joined').get('o1')).toBe('c1|book/Alice');
    // The subscription store key: int32 length of the foreign key ‖ foreign key ‖ primary key.
    const keys: string[] = [];
    for await (const { key } of driver.getTimestampedKeyValueStore<Buffer, unknown>('oc-subscription-store').all()) keys.push(key.toString('hex'));
    expect(keys).toEqual([Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('c1'), Buffer.from('o1')]).toString('hex')]);
  });

  it('the subscription topic is co-partitioned with the foreign table, the response topic with the primary table', () => {
    const groups = program(false).build().metadata('app').subtopologies.flatMap((s) => s.copartitionGroups);
    expect(groups).toEqual(expect.arrayContaining([
      ['orders', 'app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000014-topic'],
      ['customers', 'app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic'],
    ]));
  });

  it('murmur3Hash128 is Kafka\'s Murmur3.hash128 (values printed by kafka-streams 4.1.2)', () => {
    expect(murmur3Hash128(Buffer.from('')).toString('hex')).toBe('9d2764a018e329428c3cf3b035938518');
    expect(murmur3Hash128(Buffer.from('abc')).toString('hex')).toBe('8cc66bdf24a3b65ee942bed9d38bee40');
    expect(murmur3Hash128(Buffer.from('0123456789abcdefXYZ')).toString('hex')).toBe('bb31fe14c8ec1d0e325aa157c895f535');
    expect(murmur3Hash128(Buffer.from('the quick brown fox jumps over the lazy dog!!')).toString('hex')).toBe('72cf89d5b02628b62c86ee8326709890');
  });

  it('checks its arguments', () => {
    const builder = new StreamsBuilder();
    const orders = builder.table<string, string>('orders');
    const customers = builder.table<string, string>('customers');
    expect(() => orders.join(customers, customerOf, (o: string) => o, 'x' as never)).toThrow(new TypeError('join(): tableJoined must be a TableJoined or undefined, but got: "x"'));
    expect(() => orders.leftJoin(new StreamsBuilder().table<string, string>('c'), customerOf, (o: string) => o)).toThrow('leftJoin(): both tables must come from the same StreamsBuilder');
  });
});
