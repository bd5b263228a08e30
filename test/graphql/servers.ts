import { startQueryServer, type QueryServer, type QueryServerOptions } from '../../graphql/server.js';
import { FakeCluster } from '../query/fake-cluster.js';

export interface GraphQLResponse {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** N fake instances, each behind a real query server on an ephemeral loopback port. */
export class ServedCluster {
  private constructor(readonly cluster: FakeCluster, readonly servers: QueryServer[]) {}

  static async start(size: number, partitions: number, options: Partial<QueryServerOptions> & { standbys?: boolean } = {}): Promise<ServedCluster> {
    const cluster = await FakeCluster.create(size, partitions, { standbys: options.standbys });
    const servers: QueryServer[] = [];
    try {
      for (const host of cluster.hosts) {
        const server = await startQueryServer(host, { port: 0, host: '127.0.0.1', ...options });
        servers.push(server);
        host.endpoint = `127.0.0.1:${server.port}`;
      }
    } catch (e) {
      await Promise.all(servers.map((s) => s.close()));
      await cluster.close();
      throw e;
    }
    return new ServedCluster(cluster, servers);
  }

  url(i: number): string {
    return this.servers[i]!.url;
  }

  endpoint(i: number): string {
    return this.cluster.hosts[i]!.endpoint!;
  }

  /** Requests this instance forwarded, summed over targets and operations. */
  async forwarded(i: number): Promise<number> {
    const metric = await this.servers[i]!.metrics.forwarded.get();
    return metric.values.reduce((sum, v) => sum + v.value, 0);
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.close()));
    await this.cluster.close();
  }
}

export async function gql(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<GraphQLResponse & { status: number }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, ...((await res.json()) as GraphQLResponse) };
}
