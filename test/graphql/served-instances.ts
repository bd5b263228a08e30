/** Instances of one application on an embedded cluster, each with its query server: the setup of the GraphQL tests over running KafkaStreams. */
import { join } from 'node:path';
import { startQueryServer, type QueryServer } from '../../graphql/server.js';
import type { StreamsConfigInput } from '../../src/config.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { Serdes } from '../../src/serde/serdes.js';
import type { Topology } from '../../src/topology/topology.js';
import type { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { freePort } from '../free-port.js';

export interface ServedInstances {
  readonly instances: KafkaStreams[];
  readonly servers: QueryServer[];
}

/**
 * Starts `count` instances of `applicationId` (String serdes, 100 ms commits, `state.dir`
 * `<stateDir>/i<n>`, `application.server` on a free port), each serving queries on that port,
 * adding them to `served` as they are made (so a failed start still leaves them to stop).
 */
export async function startServedInstances(served: ServedInstances, cluster: EmbeddedCluster, stateDir: string, count: number, applicationId: string, build: () => Topology, config: Partial<StreamsConfigInput> = {}): Promise<void> {
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const streams = new KafkaStreams(build(), {
      'application.id': applicationId, 'bootstrap.servers': cluster.bootstrapServers,
      'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String(),
      'application.server': `127.0.0.1:${port}`, 'state.dir': join(stateDir, `i${i}`), 'commit.interval.ms': 100,
      ...config,
    });
    served.instances.push(streams);
    served.servers.push(await startQueryServer(streams, { port, host: '127.0.0.1' }));
  }
  await Promise.all(served.instances.map((s) => s.start()));
}

/** Closes the query servers, then the instances. */
export async function stopServedInstances({ instances, servers }: ServedInstances): Promise<void> {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(instances.map((s) => s.close()));
}
