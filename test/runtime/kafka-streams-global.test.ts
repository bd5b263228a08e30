import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ADDRESS_TOPIC, buildTopology, exampleConfig, ORDER_TOPIC, OUTPUT_TOPIC } from '../../examples/stream-globaltable-join.js';
import type { ProducerRecord } from '../../src/kafka/port.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import { CHECKPOINT_FILE } from '../../src/state/checkpoint-file.js';
import { embeddedClusterPerTest } from './embedded-fixture.js';
import { eventually, produce, readAll, recordStates, sortedValues } from './runtime-helpers.js';

// The global topic has 2 partitions against the stream's 3: no co-partitioning is needed.
const f = embeddedClusterPerTest('global', { topics: [{ name: ORDER_TOPIC, partitions: 3 }, { name: ADDRESS_TOPIC, partitions: 2 }, { name: OUTPUT_TOPIC, partitions: 1 }] });

function streamsOf(): KafkaStreams {
  const s = new KafkaStreams(buildTopology(), exampleConfig({ 'bootstrap.servers': f.bootstrap, 'state.dir': f.stateDir, 'commit.interval.ms': 100 }));
  f.open.push(s);
  return s;
}

const address = (customer: string, value: string, partition?: number): ProducerRecord => ({
  topic: ADDRESS_TOPIC, key: Buffer.from(customer), value: Buffer.from(value), ...(partition === undefined ? {} : { partition }),
});
const order = (customer: string, value: string): ProducerRecord => ({ topic: ORDER_TOPIC, key: Buffer.from(customer), value: Buffer.from(value) });

async function outputValues(): Promise<string[]> {
  return sortedValues(await readAll(f.client, f.admin, OUTPUT_TOPIC));
}

describe('KafkaStreams with a GlobalKTable', () => {
  it('reads the whole global topic before processing: orders produced before start join with every pre-filled address', async () => {
    // Addresses in both partitions of the global topic, and orders waiting before the start:
    // without a bootstrap, the stream threads would process orders against an empty table and
    // the inner join would drop them.
    const customers = Array.from({ length: 20 }, (_, i) => `customer-${i}`);
    await produce(f.client, customers.map((c, i) => address(c, `street-${i}`, i % 2)));
    await produce(f.client, customers.map((c, i) => order(c, `order-${i}`)));
    const streams = streamsOf();
    const states = recordStates(streams);
    await streams.start();
    const expected = customers.map((_, i) => `order-${i} send to street-${i}`).sort();
    await eventually(async () => (await outputValues()).length >= expected.length, 10_000, 'joined orders');
    expect(await outputValues()).toEqual(expected);
    expect(states).toEqual(['REBALANCING', 'RUNNING']);
  });

  it('applies updates of the global topic after start to later joins', async () => {
    await produce(f.client, [address('alice', 'old-street', 0)]);
    const streams = streamsOf();
    await streams.start();
    await produce(f.client, [order('alice', 'o1')]);
    await eventually(async () => (await outputValues()).length >= 1, 10_000, 'first join');
    // Alice's new address, then a new customer, in the same partition: once carol's orders
    // join, alice's update (an earlier offset of that partition) is in the store as well.
    await produce(f.client, [address('alice', 'new-street', 1), address('carol', 'carol-street', 1)]);
    let n = 0;
    await eventually(async () => {
      await produce(f.client, [order('carol', `c${n++}`)]);
      return (await outputValues()).some((v) => v.endsWith('send to carol-street'));
    }, 10_000, 'carol joined');
    await produce(f.client, [order('alice', 'o2')]);
    await eventually(async () => (await outputValues()).includes('o2 send to new-street'), 10_000, 'updated join');
    const values = await outputValues();
    expect(values).toContain('o1 send to old-street');
    expect(values).not.toContain('o2 send to old-street');
  });

  it('restarts from the global checkpoint and still reads what was written while it was down', async () => {
    await produce(f.client, [address('alice', 'street-a', 0), address('bob', 'street-b', 1)]);
    const first = streamsOf();
    await first.start();
    await first.close();
    expect(first.state()).toBe('NOT_RUNNING');
    // The clean close wrote the global checkpoint: the last offset of each partition read.
    const checkpoint = await readFile(join(f.stateDir, 'stream-globaltable-join', 'global', CHECKPOINT_FILE), 'utf8');
    expect(checkpoint).toContain(`${ADDRESS_TOPIC} 0 0`);
    expect(checkpoint).toContain(`${ADDRESS_TOPIC} 1 0`);
    await produce(f.client, [address('bob', 'street-b2', 1), order('alice', 'o1'), order('bob', 'o2')]);
    const second = streamsOf();
    await second.start();
    await eventually(async () => (await outputValues()).length >= 2, 10_000, 'joins after restart');
    expect(await outputValues()).toEqual(['o1 send to street-a', 'o2 send to street-b2']);
  });

  it('fails the client when the global thread hits a record it cannot deserialize after start', async () => {
    const builder = new StreamsBuilder();
    const limits = builder.globalTable(ADDRESS_TOPIC, Consumed.with(Serdes.String(), Serdes.Integer()));
    builder.stream<string, string>(ORDER_TOPIC).join(limits, (customer) => customer, (o, limit) => `${o} limit ${limit}`).to(OUTPUT_TOPIC);
    await produce(f.client, [{ topic: ADDRESS_TOPIC, partition: 0, key: Buffer.from('alice'), value: Serdes.Integer().serialize(ADDRESS_TOPIC, 7) }]);
    const streams = new KafkaStreams(builder.build(), exampleConfig({ 'bootstrap.servers': f.bootstrap, 'state.dir': f.stateDir, 'commit.interval.ms': 100 }));
    f.open.push(streams);
    await streams.start();
    await produce(f.client, [order('alice', 'o1')]);
    await eventually(async () => (await outputValues()).includes('o1 limit 7'), 10_000, 'join with an integer value');
    await produce(f.client, [address('alice', 'not-an-int', 1)]);
    await eventually(() => streams.state() === 'ERROR', 10_000, 'client in ERROR');
    expect(streams.lastError()?.message).toContain(ADDRESS_TOPIC);
  });

  it('fails start() when a global topic does not exist', async () => {
    const builder = new StreamsBuilder();
    const missing = builder.globalTable<string, string>('no-such-topic');
    builder.stream<string, string>(ORDER_TOPIC).join(missing, (k) => k, (a, b) => `${a}${b}`).to(OUTPUT_TOPIC);
    const streams = new KafkaStreams(builder.build(), exampleConfig({ 'bootstrap.servers': f.bootstrap, 'state.dir': f.stateDir }));
    f.open.push(streams);
    await expect(streams.start()).rejects.toThrow();
    expect(streams.state()).toBe('ERROR');
  });
});
