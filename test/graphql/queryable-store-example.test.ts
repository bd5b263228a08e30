import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleConfig, startExample } from '../../examples/queryable-store.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { gql } from './servers.js';
import { freePort } from '../free-port.js';

describe('examples/queryable-store.ts', () => {
  it('serves the address table over GraphQL', async () => {
    const cluster = new EmbeddedCluster();
    const stateDir = await mkdtemp(join(tmpdir(), 'kstreams-example-'));
    await cluster.start([{ name: 'address', partitions: 3 }]);
    const port = await freePort();
    const { streams, server } = await startExample(port, exampleConfig(port, { 'bootstrap.servers': cluster.bootstrapServers, 'state.dir': stateDir, 'commit.interval.ms': 100 }));
    try {
      await cluster.produce('address', [{ key: 'andy', value: 'Berlin' }, { key: 'bob', value: 'Oslo' }, { key: 'andy', value: 'Lisbon' }]);
      const deadline = Date.now() + 15_000;
      let r = await gql(server.url, '{ keyValue(store: "address", key: "andy") { value servedBy } bob: keyValue(store: "address", key: "bob") { value } }');
      while (JSON.stringify(r.data) !== JSON.stringify({ keyValue: { value: 'Lisbon', servedBy: `127.0.0.1:${port}` }, bob: { value: 'Oslo' } }) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        r = await gql(server.url, '{ keyValue(store: "address", key: "andy") { value servedBy } bob: keyValue(store: "address", key: "bob") { value } }');
      }
      expect(r.data).toEqual({ keyValue: { value: 'Lisbon', servedBy: `127.0.0.1:${port}` }, bob: { value: 'Oslo' } });
      const stores = await gql(server.url, '{ stores { name type partitions } }');
      expect(stores.data).toEqual({ stores: [{ name: 'address', type: 'KEY_VALUE', partitions: 3 }] });
    } finally {
      await server.close();
      await streams.close();
      await cluster.stop();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
