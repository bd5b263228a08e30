import { describe, expect, it } from 'vitest';
import { queryableStoresOf } from '../../src/query/topology-stores.js';
import { streamsQueryHost } from '../../src/query/streams-query-host.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import { Stores } from '../../src/state/stores.js';
import { TypedKeyValueStore } from '../../src/state/typed-key-value-store.js';
import { Topology } from '../../src/topology/topology.js';

const noop = () => ({ process: () => {} });

describe('queryable stores of a topology', () => {
  it('takes kind, serdes (or the defaults), source topics and partition count from each store', () => {
    const topology = new Topology()
      .addSource('src-a', 'addresses').addProcessor('p-a', noop, 'src-a')
      .addSource('src-c', ['clicks', 'more-clicks']).addProcessor('p-c', noop, 'src-c')
      .addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('address'), Serdes.String()), 'p-a')
      .addStateStore(Stores.windowStoreBuilder(Stores.inMemoryWindowStore('clicks-1m', 3_600_000, 60_000), Serdes.String(), Serdes.Long()), 'p-c')
      .addStateStore(Stores.sessionStoreBuilder(Stores.inMemorySessionStore('visits', 3_600_000), Serdes.String(), Serdes.Long()), 'p-c');
    const defaultValueSerde = Serdes.Json<unknown>();
    const counts = new Map([['addresses', 3], ['clicks', 6], ['more-clicks', 4]]);
    const stores = queryableStoresOf(topology, { applicationId: 'app', defaultValueSerde, partitionsOf: (t) => counts.get(t) });
    expect(stores.map((s) => [s.name, s.kind, s.timestamped, s.partitions, s.sourceTopics, s.serdeTopic, s.windowSizeMs])).toEqual([
      ['address', 'keyValue', true, 3, ['addresses'], 'app-address-changelog', undefined],
      ['clicks-1m', 'window', false, 6, ['clicks', 'more-clicks'], 'app-clicks-1m-changelog', 60_000],
      ['visits', 'session', false, 6, ['clicks', 'more-clicks'], 'app-visits-changelog', undefined],
    ]);
    expect(stores[0]!.valueSerde).toBe(defaultValueSerde);
  });

  it('skips a store whose serdes are neither given nor defaulted', () => {
    const topology = new Topology().addSource('s', 't').addProcessor('p', noop, 's')
      .addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('kv')), 'p');
    expect(queryableStoresOf(topology, { applicationId: 'app', partitionsOf: () => 1 })).toEqual([]);
  });
});

describe('a QueryHost over tasks', () => {
  it('reads each task\'s byte store below its serdes, with its partition and state', async () => {
    const bytes = [new InMemoryKeyValueStore('kv'), new InMemoryKeyValueStore('kv')];
    const typed = bytes.map((b) => new TypedKeyValueStore(b, Serdes.String(), Serdes.String()));
    const tasks = [
      { id: '0_5', active: true, restoring: false, stateStore: (n: string) => (n === 'kv' ? typed[0] : undefined) },
      { id: '0_2', active: false, restoring: true, stateStore: (n: string) => (n === 'kv' ? typed[1] : undefined) },
    ];
    const host = streamsQueryHost({ endpoint: 'h:1', state: () => 'RUNNING', stores: () => [], instances: () => [], tasks: () => tasks });
    expect(host.localStores('kv').map((s) => [s.partition, s.active, s.state, s.store === bytes[tasks.indexOf(tasks.find((t) => t.id.endsWith(`_${s.partition}`))!)]])).toEqual([
      [2, false, 'RESTORING', true],
      [5, true, 'RUNNING', true],
    ]);
    expect(host.localStores('other')).toEqual([]);
  });
});
