import { afterEach, describe, expect, it } from 'vitest';
import { InvalidStateStoreException, StreamsException } from '../../src/errors.js';
import { localStore } from '../../src/query/local-store.js';
import { QueryableStoreTypes } from '../../src/query/queryable-store-types.js';
import { StoreQueryParameters } from '../../src/query/store-query-parameters.js';
import { compareBytes } from '../../src/state/byte-order.js';
import { FakeCluster } from './fake-cluster.js';

const collect = async <T>(scan: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of scan) out.push(x);
  return out;
};
const kv = QueryableStoreTypes.keyValueStore<string, unknown>();
const byBytes = (a: string, b: string): number => compareBytes(Buffer.from(a), Buffer.from(b));

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

/** One instance holding all 4 partitions: the composite view must merge them. */
async function single(): Promise<FakeCluster> {
  cluster = await FakeCluster.create(1, 4);
  cluster.hosts[0]!.endpoint = 'a:1';
  return cluster;
}

describe('key-value view over every local partition', () => {
  it('gets keys from whichever partition holds them, and plain values of a timestamped store', async () => {
    const c = await single();
    const keys = ['andy', 'bob', 'carl', 'dora', 'emil', 'fay'];
    for (const k of keys) await c.put('address', k, { city: `${k}-town` });
    expect(new Set(keys.map((k) => c.partitionOf('address', k))).size).toBeGreaterThan(1);
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv));
    expect(await store.get('carl')).toEqual({ city: 'carl-town' });
    expect(await store.get('nobody')).toBeUndefined();
    expect(await store.getMany(['fay', 'nobody', 'andy'])).toEqual([{ city: 'fay-town' }, undefined, { city: 'andy-town' }]);
    expect(await store.approximateNumEntries()).toBe(6);
  });

  it('merges range, reverseRange, all, prefixScan across partitions in key byte order', async () => {
    const c = await single();
    const keys = ['a1', 'a10', 'a2', 'b1', 'B', 'b22', 'c', 'ä'];
    for (const k of keys) await c.put('address', k, k.toUpperCase());
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv));
    const sorted = [...keys].sort(byBytes);
    expect((await collect(store.all())).map((e) => e.key)).toEqual(sorted);
    expect((await collect(store.reverseAll())).map((e) => e.key)).toEqual([...sorted].reverse());
    expect((await collect(store.range('a10', 'b1'))).map((e) => e.key)).toEqual(['a10', 'a2', 'b1']);
    expect((await collect(store.reverseRange('a10', 'b1'))).map((e) => e.key)).toEqual(['b1', 'a2', 'a10']);
    expect(await collect(store.prefixScan('a1'))).toEqual([{ key: 'a1', value: 'A1' }, { key: 'a10', value: 'A10' }]);
  });

  it('closes every partition scan when the loop breaks early', async () => {
    const c = await single();
    for (let i = 0; i < 50; i++) await c.put('address', `k${i}`, i);
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv));
    for await (const _ of store.all()) break;
    const open = c.hosts[0]!.localStores('address').map((s) => (s.store as { openIterators: number }).openIterators);
    expect(open).toEqual([0, 0, 0, 0]);
  });

  it('withPartition reads that partition only', async () => {
    const c = await single();
    for (const k of ['andy', 'bob', 'carl', 'dora']) await c.put('address', k, k);
    const p = c.partitionOf('address', 'andy');
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv).withPartition(p));
    const got = (await collect(store.all())).map((e) => e.key);
    expect(got).toContain('andy');
    for (const k of got) expect(c.partitionOf('address', k)).toBe(p);
  });
});

describe('window and session views', () => {
  it('fetches windows of a key and of all keys, forward and backward', async () => {
    const c = await single();
    for (const [k, t, v] of [['x', 1000, 1], ['x', 2000, 2], ['y', 1000, 3], ['z', 3000, 4]] as const) await c.put('clicks', k, v, t);
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('clicks', QueryableStoreTypes.windowStore<string, number>()));
    expect(await store.fetch('x', 2000)).toBe(2);
    expect(await collect(store.fetch('x', 0, 5000))).toEqual([{ key: 1000, value: 1 }, { key: 2000, value: 2 }]);
    expect((await collect(store.backwardFetch('x', 0, 5000))).map((e) => e.key)).toEqual([2000, 1000]);
    const all = (await collect(store.fetchAll(0, 5000))).map((e) => `${e.key.key()}@${e.key.window().start()}-${e.key.window().end()}=${String(e.value)}`);
    expect(all).toEqual(['x@1000-2000=1', 'x@2000-3000=2', 'y@1000-2000=3', 'z@3000-4000=4']);
    expect((await collect(store.backwardFetchAll(0, 5000))).map((e) => e.value)).toEqual([4, 3, 2, 1]);
    expect((await collect(store.fetchRange('y', 'z', 0, 5000))).map((e) => e.value)).toEqual([3, 4]);
  });

  it('finds sessions of a key', async () => {
    const c = await single();
    await c.putSession('u1', 100, 200, 'a');
    await c.putSession('u1', 500, 900, 'b');
    await c.putSession('u2', 100, 150, 'c');
    const store = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('visits', QueryableStoreTypes.sessionStore<string, string>()));
    expect((await collect(store.fetch('u1'))).map((e) => [e.key.window().start(), e.key.window().end(), e.value])).toEqual([[100, 200, 'a'], [500, 900, 'b']]);
    expect((await collect(store.findSessions('u1', 300, 1000))).map((e) => e.value)).toEqual(['b']);
    expect(await store.fetchSession('u2', 100, 150)).toBe('c');
    expect((await collect(store.fetchRange('u1', 'u2'))).map((e) => e.value)).toEqual(['a', 'b', 'c']);
  });
});

describe('errors, as Kafka Streams throws them', () => {
  it('unknown store and wrong store type are not retriable codes', async () => {
    const c = await single();
    expect(() => localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('nope', kv))).toThrow(expect.objectContaining({ code: 'UNKNOWN_STORE' }));
    expect(() => localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('clicks', kv))).toThrow(expect.objectContaining({ code: 'WRONG_STORE_TYPE' }));
  });

  it('a restoring partition is not read unless stale stores are enabled', async () => {
    const c = await single();
    await c.put('address', 'andy', 'Berlin');
    const p = c.partitionOf('address', 'andy');
    c.hosts[0]!.partition('address', p).state = 'RESTORING';
    const strict = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv).withPartition(p));
    await expect(strict.get('andy')).rejects.toThrow(InvalidStateStoreException);
    await expect(strict.get('andy')).rejects.toMatchObject({ code: 'INVALID_STATE_STORE' });
    const stale = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv).withPartition(p).enableStaleStores());
    expect(await stale.get('andy')).toBe('Berlin');
  });

  it('a partition that is not here is STORE_MIGRATED; a standby answers only with stale stores enabled', async () => {
    cluster = await FakeCluster.create(2, 4, { standbys: true });
    cluster.hosts.forEach((h, i) => (h.endpoint = `h${i}:1`));
    await cluster.put('address', 'andy', 'Berlin');
    const p = cluster.partitionOf('address', 'andy');
    const other = cluster.hosts[1 - cluster.activeIndex(p)]!;   // holds the standby of p
    const params = StoreQueryParameters.fromNameAndType('address', kv).withPartition(p);
    await expect(localStore(other, params).get('andy')).rejects.toMatchObject({ code: 'INVALID_STATE_STORE' });
    expect(await localStore(other, params.enableStaleStores()).get('andy')).toBe('Berlin');
    const three = await FakeCluster.create(3, 3);
    try {
      const notHere = three.hosts[0]!;
      await expect(localStore(notHere, StoreQueryParameters.fromNameAndType('address', kv).withPartition(1)).get('x')).rejects.toMatchObject({ code: 'STORE_MIGRATED' });
    } finally {
      await three.close();
    }
  });

  it('store() fails while the client is not running, and a kept view fails after a store closes', async () => {
    const c = await single();
    c.hosts[0]!.currentState = 'CREATED';
    expect(() => localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv))).toThrow(/not running. State is CREATED/);
    c.hosts[0]!.currentState = 'RUNNING';
    const view = localStore(c.hosts[0]!, StoreQueryParameters.fromNameAndType('address', kv));
    await c.hosts[0]!.partition('address', 0).store.close();
    expect(() => view.all()).toThrow(StreamsException);
  });

  it('checks its parameters', () => {
    expect(() => StoreQueryParameters.fromNameAndType('', kv)).toThrow(TypeError);
    expect(() => StoreQueryParameters.fromNameAndType('a', kv).withPartition(-1)).toThrow(RangeError);
    const p = StoreQueryParameters.fromNameAndType('a', kv);
    expect(p.enableStaleStores().staleStoresEnabled).toBe(true);
    expect(p.staleStoresEnabled).toBe(false);
  });
});
