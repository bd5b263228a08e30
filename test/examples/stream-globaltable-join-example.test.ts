import { describe, expect, it } from 'vitest';
import { ADDRESS_STORE, ADDRESS_TOPIC, buildTopology, exampleConfig, ORDER_TOPIC, OUTPUT_TOPIC } from '../../examples/stream-globaltable-join.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';

describe('examples/stream-globaltable-join.ts', () => {
  // SEMANTICS §7: the key selector picks the global table's key; output key and timestamp are the order's.
  it('sends each order to its customer\'s address from the global table', async () => {
    await using driver = new TopologyTestDriver(buildTopology(), exampleConfig());
    const addresses = driver.createInputTopic(ADDRESS_TOPIC, Serdes.String(), Serdes.String());
    const orders = driver.createInputTopic(ORDER_TOPIC, Serdes.String(), Serdes.String());
    await addresses.pipeInput('andy', 'Berlin', 1);
    await orders.pipeInput('andy', 'pen', 2);
    await orders.pipeInput('bob', 'cup', 3); //     no address: dropped
    await addresses.pipeInput('bob', 'Rome', 4); // a global table update: no output
    await orders.pipeInput('bob', 'map', 5);
    const out = driver.createOutputTopic(OUTPUT_TOPIC, Serdes.String(), Serdes.String()).readRecordsToList();
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['andy', 'pen send to Berlin', 2], ['bob', 'map send to Rome', 5]]);
    expect(await driver.getKeyValueStore<string, string>(ADDRESS_STORE).get('bob')).toBe('Rome');
  });

  // Expected text: Kafka Streams 4.1.2's describe() of the same program (global table materialized as 'address_v2').
  it('describes itself as Kafka Streams describes the same program', () => {
    expect(buildTopology().describe().toString()).toBe(
      'Topologies:\n' +
      '   Sub-topology: 0 for global store (will not generate tasks)\n' +
      '    Source: KSTREAM-SOURCE-0000000000 (topics: [address_v2])\n' +
      '      --> KTABLE-SOURCE-0000000001\n' +
      '    Processor: KTABLE-SOURCE-0000000001 (stores: [address_v2])\n' +
      '      --> none\n' +
      '      <-- KSTREAM-SOURCE-0000000000\n' +
      '  Sub-topology: 1\n' +
      '    Source: KSTREAM-SOURCE-0000000002 (topics: [order])\n' +
      '      --> KSTREAM-LEFTJOIN-0000000003\n' +
      '    Processor: KSTREAM-LEFTJOIN-0000000003 (stores: [])\n' +
      '      --> KSTREAM-SINK-0000000004\n' +
      '      <-- KSTREAM-SOURCE-0000000002\n' +
      '    Sink: KSTREAM-SINK-0000000004 (topic: order_join_v2)\n' +
      '      <-- KSTREAM-LEFTJOIN-0000000003\n\n',
    );
  });
});
