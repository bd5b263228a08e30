import { afterEach, describe, expect, it } from 'vitest';
import { murmur2, toPositive } from '../../src/kafka/partitioner.js';
import { queryMetadataForKey } from '../../src/query/key-query-metadata.js';
import { Serdes } from '../../src/serde/serdes.js';
import { FakeCluster } from './fake-cluster.js';

let cluster: FakeCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

describe('queryMetadataForKey', () => {
  it('names the partition of murmur2 over the serialized key, its active host and standbys', async () => {
    cluster = await FakeCluster.create(3, 6, { standbys: true });
    cluster.hosts.forEach((h, i) => (h.endpoint = `h${i}:400${i}`));
    for (const key of ['andy', 'bob', 'carl', 'dora', 'x'.repeat(37)]) {
      const partition = toPositive(murmur2(Buffer.from(key, 'utf8'))) % 6;
      const meta = queryMetadataForKey(cluster.hosts[0]!, 'address', key);
      expect(meta).toEqual({ partition, activeHost: `h${partition % 3}:400${partition % 3}`, standbyHosts: [`h${(partition + 1) % 3}:400${(partition + 1) % 3}`] });
    }
  });

  it('serializes with the given serializer (Integer keys hash their 4 big-endian bytes)', async () => {
    cluster = await FakeCluster.create(2, 6);
    cluster.hosts.forEach((h, i) => (h.endpoint = `h${i}:1`));
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(42);
    expect(queryMetadataForKey(cluster.hosts[0]!, 'counts', 42).partition).toBe(toPositive(murmur2(bytes)) % 6);
    expect(queryMetadataForKey(cluster.hosts[0]!, 'address', '42', Serdes.String()).partition).toBe(toPositive(murmur2(Buffer.from('42'))) % 6);
  });

  it('has no active host while no instance holds the partition', async () => {
    cluster = await FakeCluster.create(2, 4);
    cluster.hosts.forEach((h, i) => (h.endpoint = `h${i}:1`));
    const p = cluster.partitionOf('address', 'andy');
    cluster.unassigned.add(p);
    expect(queryMetadataForKey(cluster.hosts[1]!, 'address', 'andy')).toEqual({ activeHost: undefined, standbyHosts: [], partition: p });
  });
});
