import { afterEach, describe, expect, it } from 'vitest';
import { startQueryServer, type QueryServer } from '../../graphql/server.js';
import { FakeCluster } from '../query/fake-cluster.js';

describe('query server and process signals', () => {
  let cluster: FakeCluster | undefined;
  let server: QueryServer | undefined;
  const nodeEnv = process.env['NODE_ENV'];
  afterEach(async () => {
    process.env['NODE_ENV'] = nodeEnv;
    await server?.close();
    await cluster?.close();
  });

  it('adds no SIGINT/SIGTERM handler outside tests either: the application owns its shutdown', async () => {
    // Apollo registers its own handlers unless NODE_ENV is 'test' or stopOnTerminationSignals is false.
    process.env['NODE_ENV'] = 'production';
    const before = { SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') };
    cluster = await FakeCluster.create(1, 1);
    server = await startQueryServer(cluster.hosts[0]!, { port: 0 });
    expect({ SIGINT: process.listenerCount('SIGINT'), SIGTERM: process.listenerCount('SIGTERM') }).toEqual(before);
  });
});
