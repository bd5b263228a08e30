/**
 * The demo's united query host: several applications of one process behind one query server.
 * Stores and instances are merged, topics are qualified by application so that ownership is
 * decided by the group of the app that holds the store.
 */
import { describe, expect, it } from 'vitest';
import { defaultPartition } from '../../src/kafka/partitioner.js';
import type { TopicPartition } from '../../src/kafka/port.js';
import { queryMetadataForKey } from '../../src/query/key-query-metadata.js';
import type { HostPartitions, LocalStorePartition, QueryHost, QueryableStoreInfo, StoreChange } from '../../src/query/query-host.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { unitedQueryHost, type AppQueryHost } from '../../scripts/demo/united-query-host.js';

const tps = (topic: string, ...partitions: number[]): TopicPartition[] => partitions.map((partition) => ({ topic, partition }));

function store(name: string, sourceTopics: string[], keySerde: Serde<unknown> = Serdes.String() as Serde<unknown>): QueryableStoreInfo {
  return { name, kind: 'keyValue', sourceTopics, partitions: 3, keySerde, valueSerde: Serdes.String() as Serde<unknown>, serdeTopic: `${name}-changelog`, timestamped: true };
}

function host(options: { state?: string; stores?: QueryableStoreInfo[]; instances?: HostPartitions[]; local?: Record<string, LocalStorePartition[]>; changes?: Set<(c: StoreChange) => void> }): QueryHost {
  return {
    endpoint: 'ignored',
    state: () => options.state ?? 'RUNNING',
    stores: () => options.stores ?? [],
    instances: () => options.instances ?? [],
    localStores: (name) => options.local?.[name] ?? [],
    ...(options.changes === undefined ? {} : {
      subscribeChanges: (listener: (c: StoreChange) => void) => {
        options.changes!.add(listener);
        return () => options.changes!.delete(listener);
      },
    }),
  };
}

describe('unitedQueryHost', () => {
  it('serves every app\'s stores, the first app answering for a name two apps use, with topics qualified by app', () => {
    const apps: AppQueryHost[] = [
      { applicationId: 'join', host: host({ stores: [store('address', ['order', 'address'])] }) },
      { applicationId: 'table', host: host({ stores: [store('address', ['address']), store('other', ['x'])] }) },
    ];
    const united = unitedQueryHost(() => '127.0.0.1:4000', apps);
    expect(united.endpoint).toBe('127.0.0.1:4000');
    expect(united.stores().map((s) => [s.name, s.sourceTopics])).toEqual([
      ['address', ['join/order', 'join/address']],
      ['other', ['table/x']],
    ]);
  });

  it('reads the endpoint and the apps at each call (the port and the apps come after the server starts)', () => {
    let endpoint = '127.0.0.1:0';
    const apps: AppQueryHost[] = [];
    const united = unitedQueryHost(() => endpoint, apps);
    expect(united.stores()).toEqual([]);
    endpoint = '127.0.0.1:4321';
    apps.push({ applicationId: 'a', host: host({ stores: [store('s', ['t'])] }) });
    expect(united.endpoint).toBe('127.0.0.1:4321');
    expect(united.stores().map((s) => s.name)).toEqual(['s']);
  });

  it('merges the instances of all groups by endpoint', () => {
    const apps: AppQueryHost[] = [
      { applicationId: 'a', host: host({ instances: [{ endpoint: 'h1:1', active: tps('t', 0, 1), standby: [] }, { endpoint: 'h2:2', active: tps('t', 2), standby: tps('t', 0) }] }) },
      { applicationId: 'b', host: host({ instances: [{ endpoint: 'h2:2', active: tps('u', 0), standby: [] }] }) },
    ];
    expect(unitedQueryHost(() => 'h1:1', apps).instances()).toEqual([
      { endpoint: 'h1:1', active: tps('a/t', 0, 1), standby: [] },
      { endpoint: 'h2:2', active: [...tps('a/t', 2), ...tps('b/u', 0)], standby: tps('a/t', 0) },
    ]);
  });

  it('finds a key\'s owner in the group of the app holding the store, though another app reads the same topic elsewhere', () => {
    const key = 'andy';
    const partition = defaultPartition(Buffer.from(key), 3);
    const others = [0, 1, 2].filter((p) => p !== partition);
    const topicsSeen: string[] = [];
    const recording: Serde<unknown> = {
      serialize: (topic, data) => { topicsSeen.push(topic); return Serdes.String().serialize(topic, data as string); },
      deserialize: (topic, data) => Serdes.String().deserialize(topic, data),
    };
    const apps: AppQueryHost[] = [
      // The table app holds the key's partition of `address` on h2 ...
      { applicationId: 'table', host: host({ stores: [store('address', ['address'], recording)], instances: [
        { endpoint: 'h1:1', active: tps('address', ...others), standby: [] },
        { endpoint: 'h2:2', active: tps('address', partition), standby: [] },
      ] }) },
      // ... while the join app, which has no store of that name, reads that partition on h1.
      { applicationId: 'join', host: host({ stores: [store('orders', ['order'])], instances: [
        { endpoint: 'h1:1', active: tps('address', partition), standby: [] },
        { endpoint: 'h2:2', active: tps('address', ...others), standby: [] },
      ] }) },
    ];
    const metadata = queryMetadataForKey(unitedQueryHost(() => 'h1:1', apps), 'address', key);
    expect(metadata).toEqual({ activeHost: 'h2:2', standbyHosts: [], partition });
    // The key serde still sees the real topic name.
    expect(topicsSeen).toEqual(['address']);
  });

  it('is as healthy as the worst app that serves stores; an app without stores does not block queries', () => {
    const serving = (state: string): AppQueryHost => ({ applicationId: `s-${state}`, host: host({ state, stores: [store(`st-${state}`, ['t'])] }) });
    const plain = (state: string): AppQueryHost => ({ applicationId: `p-${state}`, host: host({ state }) });
    expect(unitedQueryHost(() => 'e', [serving('RUNNING'), plain('ERROR')]).state()).toBe('RUNNING');
    expect(unitedQueryHost(() => 'e', [serving('RUNNING'), serving('REBALANCING')]).state()).toBe('REBALANCING');
    expect(unitedQueryHost(() => 'e', [serving('PENDING_ERROR'), serving('REBALANCING')]).state()).toBe('PENDING_ERROR');
    expect(unitedQueryHost(() => 'e', [plain('RUNNING'), plain('CREATED')]).state()).toBe('CREATED');
  });

  it('reads a store\'s local partitions, and its changes, from the app that answers for it', () => {
    const part = (partition: number): LocalStorePartition => ({ partition, active: true, state: 'RUNNING', store: {} as never });
    const first = new Set<(c: StoreChange) => void>();
    const second = new Set<(c: StoreChange) => void>();
    const apps: AppQueryHost[] = [
      { applicationId: 'a', host: host({ stores: [store('address', ['address'])], local: { address: [part(1)] }, changes: first }) },
      { applicationId: 'b', host: host({ stores: [store('address', ['address']), store('b-only', ['x'])], local: { address: [part(2)], 'b-only': [part(0)] }, changes: second }) },
    ];
    const united = unitedQueryHost(() => 'e', apps);
    expect(united.localStores('address').map((p) => p.partition)).toEqual([1]);
    expect(united.localStores('b-only').map((p) => p.partition)).toEqual([0]);
    expect(united.localStores('unknown')).toEqual([]);

    const seen: string[] = [];
    const stop = united.subscribeChanges!((c) => seen.push(`${c.store}:${c.key.toString()}`));
    const change = (storeName: string, key: string): StoreChange => ({ store: storeName, partition: 0, key: Buffer.from(key), value: null, timestamp: 1 });
    for (const l of first) l(change('address', 'from-a'));
    for (const l of second) { l(change('address', 'from-b')); l(change('b-only', 'k')); }
    expect(seen).toEqual(['address:from-a', 'b-only:k']);
    stop();
    expect(first.size + second.size).toBe(0);
  });
});
