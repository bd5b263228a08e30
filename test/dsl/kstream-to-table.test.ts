import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { Serdes } from '../../src/serde/serdes.js';
import { cacheModes, kvt, pipeAndRead, stringDriver } from './stateful-helpers.js';

describe('KStream.toTable', () => {
  // Kafka Streams 4.1.2's TopologyTestDriver printed the same outputs, cached and uncached (an
  // unnamed toTable() has no store, so no cache either: the delete of the absent key b passes).
  it.each(cacheModes)('each record updates its key; null keys are dropped; deletes pass (%s)', async (_mode, cacheMaxBytes) => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').toTable().toStream().to('out');
    await using driver = stringDriver(builder, cacheMaxBytes);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String());
    expect(await pipeAndRead(driver, out, [['in', 'a', '1', 5], ['in', 'a', '2', 3], ['in', null, '3', 4], ['in', 'a', null, 9], ['in', 'b', null, 10]]))
      .toEqual([[kvt('a', '1', 5)], [kvt('a', '2', 3)], [], [kvt('a', null, 9)], [kvt('b', null, 10)]]);
  });

  it('after a key change it repartitions through <toTable name>-repartition; a named store is queryable', async () => {
    const builder = new StreamsBuilder();
    const table = builder.stream<string, string>('in').selectKey((_k, v) => v).toTable(Named.as('latest'), Materialized.as('latest-store'));
    expect(table.queryableStoreName()).toBe('latest-store');
    await using driver = stringDriver(builder);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(driver.producedTopicNames().has('app-latest-repartition')).toBe(true);
    expect(await driver.getKeyValueStore<string, string>('latest-store').get('v')).toBe('v');
  });

  it('a toTable() joined with another table is materialized under its generated store name', () => {
    const builder = new StreamsBuilder();
    const table = builder.stream<string, string>('in').toTable();
    builder.table<string, string>('other').join(table, (a, b) => a + b);
    expect(builder.build().describe().toString()).toContain('Processor: KSTREAM-TOTABLE-0000000001 (stores: [KSTREAM-TOTABLE-STATE-STORE-0000000002])');
    expect(table.queryableStoreName()).toBeUndefined();
  });
});
