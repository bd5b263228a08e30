/**
 * Starts the interactive-query GraphQL server (`graphql/`) for `kstreams run` when the
 * application has an `application.server`.
 *
 * The core library must not depend on GraphQL (DESIGN §1: nothing below `graphql/` knows it
 * exists), and the import rules check that for everything under `src/`. The CLI is an
 * application on top of both, so it reaches the server through a run-time import of the sibling
 * `graphql/` entry point: the library's module graph stays GraphQL-free, and a build or install
 * without `graphql/` still runs topologies, just without the query server.
 */
import type { KafkaStreams } from '../runtime/kafka-streams.js';

/** The part of `graphql/`'s `QueryServer` the CLI uses. */
export interface RunningQueryServer {
  readonly url: string;
  close(): Promise<void>;
}

interface GraphqlEntry {
  startQueryServer(streams: KafkaStreams, options: { port: number; host?: string; authToken?: string }): Promise<RunningQueryServer>;
}

/** Either a running server, or why there is none. */
export type QueryServerStart = { readonly server: RunningQueryServer } | { readonly unavailable: string };

/**
 * Serves queries for `streams` on the port of `applicationServer` (`host:port`), bound to `bindHost`.
 * Never throws for a missing or incomplete query server (the topology keeps running, and the
 * reason is returned); a port already in use does throw, since `application.server` then
 * promises an endpoint that is not there.
 */
export async function startQueryServerFor(
  streams: KafkaStreams,
  applicationServer: string,
  bindHost: string,
  authToken: string | undefined,
): Promise<QueryServerStart> {
  const port = Number(applicationServer.slice(applicationServer.lastIndexOf(':') + 1));
  const entry = new URL('../../graphql/index.js', import.meta.url).href;
  let graphql: GraphqlEntry;
  try {
    graphql = (await import(entry)) as GraphqlEntry;
  } catch (error) {
    return { unavailable: `the GraphQL query server is not part of this installation (${(error as Error).message})` };
  }
  try {
    const server = await graphql.startQueryServer(streams, { port, host: bindHost, ...(authToken !== undefined ? { authToken } : {}) });
    return { server };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw error;
    return { unavailable: (error as Error).message };
  }
}

export { defaultBindHost } from '../query/bind-host.js';
