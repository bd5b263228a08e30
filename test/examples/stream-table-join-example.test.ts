import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADDRESS_STORE, ADDRESS_TOPIC, buildTopology, exampleConfig, ORDER_TOPIC, OUTPUT_TOPIC, startExample } from '../../examples/stream-table-join.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { EmbeddedCluster } from './embedded-cluster.js';

describe('examples/stream-table-join.ts', () => {
  // SEMANTICS §6: stream records look up the table; output key and timestamp are the order's.
  it('sends each order to the customer\'s current address; orders without an address are dropped', async () => {
    await using driver = new TopologyTestDriver(buildTopology(), exampleConfig());
    const orders = driver.createInputTopic(ORDER_TOPIC, Serdes.String(), Serdes.String());
    const addresses = driver.createInputTopic(ADDRESS_TOPIC, Serdes.String(), Serdes.String());
    await orders.pipeInput('andy', 'book', 1); //       no address yet: dropped
    await addresses.pipeInput('andy', 'Berlin', 2); //  a table update: no output
    await orders.pipeInput('andy', 'pen', 3);
    await addresses.pipeInput('andy', 'Paris', 4);
    await orders.pipeInput('andy', 'ink', 5);
    await addresses.pipeInput('bob', 'Rome', 6);
    await orders.pipeInput('bob', 'cup', 7);
    await addresses.pipeInput('andy', null, 8); //      andy moved away: deleted
    await orders.pipeInput('andy', 'map', 9);
    const out = driver.createOutputTopic(OUTPUT_TOPIC, Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([
      ['andy', 'pen send to Berlin', 3],
      ['andy', 'ink send to Paris', 5],
      ['bob', 'cup send to Rome', 7],
    ]);
    expect(await driver.getKeyValueStore<string, string>(ADDRESS_STORE).get('bob')).toBe('Rome');
  });

  // Expected text: Kafka Streams 4.1.2's describe() of the same program (table materialized as 'address').
  it('describes itself as Kafka Streams describes the same program', () => {
    expect(buildTopology().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0\n' +
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [order])\n' +
      '      --> KSTREAM-JOIN-0000000003\n' +
      '    Processor: KSTREAM-JOIN-0000000003 (stores: [address])\n' +
      '      --> KSTREAM-SINK-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000002\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [address])\n' +
      '      --> KTABLE-SOURCE-0000000001\n' +
      '    Sink: KSTREAM-SINK-0000000004 (topic: order_join)\n' +
      '      <-- KSTREAM-JOIN-0000000003\n' +
      '    Processor: KTABLE-SOURCE-0000000001 (stores: [address])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n\n',
    );
  });
});

describe('examples/stream-table-join.ts run with KafkaStreams (embedded backend)', () => {
  let cluster: EmbeddedCluster;
  beforeEach(() => {
    cluster = new EmbeddedCluster();
  });
  afterEach(() => cluster.stop());

  it('joins co-partitioned topics (3 partitions each) end to end', async () => {
    await cluster.start([{ name: ORDER_TOPIC, partitions: 3 }, { name: ADDRESS_TOPIC, partitions: 3 }, { name: OUTPUT_TOPIC, partitions: 3 }]);
    const config = exampleConfig({ 'bootstrap.servers': cluster.bootstrapServers, 'commit.interval.ms': 100 , 'state.dir': cluster.stateDir });
    const streams = await startExample(config);
    try {
      const customers = Array.from({ length: 12 }, (_, i) => `customer-${i}`);
      await cluster.produce(ADDRESS_TOPIC, customers.map((c, i) => ({ key: c, value: `street ${i}` })));
      // The table is in place once its changelog has every address (flushed on commit).
      await cluster.readUntil(`${config['application.id']}-${ADDRESS_STORE}-changelog`, (records) => records.length >= customers.length);
      await cluster.produce(ORDER_TOPIC, [...customers.map((c) => ({ key: c, value: `order of ${c}` })), { key: 'nobody', value: 'lost order' }]);
      const expected = customers.map((c, i) => `order of ${c} send to street ${i}`).sort();
      const output = await cluster.readUntil(OUTPUT_TOPIC, (records) => records.length >= expected.length);
      expect(output.map((r) => r.value?.toString()).sort()).toEqual(expected);
    } finally {
      await streams.close();
    }
  });

  it('fails at start when order has 3 partitions and address 2 (the seed\'s topics): a TopologyException naming both', async () => {
    await cluster.start([{ name: ORDER_TOPIC, partitions: 3 }, { name: ADDRESS_TOPIC, partitions: 2 }, { name: OUTPUT_TOPIC, partitions: 3 }]);
    const error = await startExample(exampleConfig({ 'bootstrap.servers': cluster.bootstrapServers , 'state.dir': cluster.stateDir })).then(
      async (streams) => {
        await streams.close();
        return undefined;
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TopologyException);
    expect((error as Error).message).toMatch(/\[order\] \(3 partitions\) and \[address\] \(2 partitions\)/);
  });
});
