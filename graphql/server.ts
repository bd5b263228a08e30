import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled, ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type NextFunction, type Request, type Response } from 'express';
import { graphqlEndpoint } from './graphql-endpoint.js';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { KafkaStreams } from '../src/runtime/kafka-streams.js';
import type { MetricValue } from '../src/runtime/streams-metrics.js';
import type { QueryHost } from '../src/query/query-host.js';
import { defaultBindHost } from '../src/query/bind-host.js';
import { QueryRouter, type QueryLimits } from '../src/query/query-router.js';
import { QueryContext } from './context.js';
import { formatQueryError } from './errors.js';
import { FORWARDED_HEADER, PARTITIONS_HEADER } from './forwarding.js';
import { forwardedKeyValues } from './forwarded-key-values.js';
import { HttpForwarder } from './http-forwarder.js';
import { defaultDocumentLimits, documentLimitRule, type DocumentLimits } from './limits.js';
import { QueryMetrics } from './metrics.js';
import { registerStreamsMetrics } from './streams-metrics.js';
import { queryResolvers } from './resolvers.js';
import { executableSchema } from './schema.js';
import { ChangeFeed } from './change-feed.js';
import { typedStoresResolvers, typedStoresSdl, type TypedStores } from './typed-stores.js';
import { dashboardRouter } from './dashboard.js';

export interface QueryServerOptions {
  /**
   * Port to listen on; 0 picks a free one (see `QueryServer.port`). Default: the port of the
   * instance's `application.server`, the endpoint the other instances learn from the group.
   */
  readonly port?: number;
  /**
   * Interface to listen on. Default: 127.0.0.1 when `port` is given; with the port of
   * `application.server`, its host when that is a loopback address, else every interface.
   */
  readonly host?: string;
  /**
   * Shared secret: required as `Authorization: Bearer <token>` on /graphql and /metrics, and sent
   * on forwarded requests. Default: the application's `query.auth.token`.
   */
  readonly authToken?: string | undefined;
  /** Key-count and page-size limits (defaults: 10,000 keys, pages of 1,000). */
  readonly limits?: Partial<QueryLimits & DocumentLimits>;
  /** Largest request body in bytes (default 1 MiB); larger ones are rejected with 400. */
  readonly maxBodyBytes?: number;
  /** How long a forwarded request may take before OWNER_UNREACHABLE (default 5 s). */
  readonly forwardTimeoutMs?: number;
  /** Typed per-store fields: `address(key: "andy") { street city }` (see {@link TypedStores}). */
  readonly typedStores?: TypedStores;
}

export interface QueryServer {
  /** `http://host:port/graphql` */
  readonly url: string;
  readonly port: number;
  readonly metrics: QueryMetrics;
  /** Stops accepting requests, lets running ones finish, closes subscriptions. */
  close(): Promise<void>;
}

/** A `KafkaStreams` exposes its query view through this accessor; fakes implement `QueryHost` directly. */
function asQueryHost(source: QueryHost | KafkaStreams): QueryHost {
  if ('localStores' in source) return source;
  const accessor = (source as unknown as { queryHost?: () => QueryHost }).queryHost;
  if (typeof accessor !== 'function') throw new TypeError('startQueryServer needs a QueryHost or a KafkaStreams that provides queryHost()');
  return accessor.call(source);
}

/** Where to listen and which secret to require: the options given, else what the application's config says. */
function resolveListen(host: QueryHost, options: QueryServerOptions): { port: number; bindHost: string; authToken: string | undefined } {
  const authToken = 'authToken' in options ? options.authToken : host.authToken;
  if (options.port !== undefined) return { port: options.port, bindHost: options.host ?? '127.0.0.1', authToken };
  const server = host.endpoint;
  const port = server === undefined ? Number.NaN : Number(server.slice(server.lastIndexOf(':') + 1));
  if (server === undefined || !Number.isInteger(port) || port <= 0 || port > 65_535) {
    throw new TypeError(`startQueryServer needs a port: give options.port, or set application.server (host:port) in the application's config${server === undefined ? '' : ` (it is '${server}')`}`);
  }
  return { port, bindHost: options.host ?? defaultBindHost(server), authToken };
}

/**
 * Serves the interactive-query GraphQL API of one instance (DESIGN §4): `POST /graphql` (and
 * graphql-ws subscriptions on the same path), `/healthz`, `/readyz`, `/metrics`. Without options
 * it serves where the application's config says: the port of `application.server` (on its
 * host when that is loopback, else on every interface), requiring `query.auth.token` when set.
 * `kstreams run` starts it that way by itself.
 *
 * @example
 * const streams = new KafkaStreams(topology, { ..., 'application.server': 'orders-1.internal:4001' });
 * await streams.start();
 * const server = await startQueryServer(streams);   // listens on 0.0.0.0:4001
 * // POST http://orders-1.internal:4001/graphql  { keyValue(store: "address", key: "andy") { value servedBy } }
 * await server.close();
 */
export async function startQueryServer(source: QueryHost | KafkaStreams, options: QueryServerOptions = {}): Promise<QueryServer> {
  const host = asQueryHost(source);
  const listen = resolveListen(host, options);
  const metrics = new QueryMetrics();
  const streamsMetrics = (source as { metrics?: unknown }).metrics;
  if (typeof streamsMetrics === 'function') metrics.exposeStreamsMetrics(() => (streamsMetrics as () => MetricValue[]).call(source));
  // Served from a KafkaStreams client, /metrics carries its task, cache, store and restore series too.
  if (!('localStores' in source)) registerStreamsMetrics(metrics.registry, source);
  const forwarder = new HttpForwarder({
    authToken: listen.authToken,
    timeoutMs: options.forwardTimeoutMs,
    onForward: (target, operation) => metrics.forwarded.inc({ target, operation }),
  });
  const router = new QueryRouter(host, forwarder, options.limits);
  const documentLimits: DocumentLimits = { ...defaultDocumentLimits, ...options.limits };
  const changes = new ChangeFeed(router, listen.authToken);
  const schema = executableSchema<QueryContext>({
    Query: { ...queryResolvers((endpoint) => forwarder.instanceState(endpoint)), ...(options.typedStores === undefined ? {} : typedStoresResolvers(options.typedStores)) },
    Subscription: changes.resolvers(),
  }, options.typedStores === undefined ? '' : typedStoresSdl(options.typedStores));

  const app = express();
  app.set('etag', false);
  app.disable('x-powered-by');
  // /graphql is served on node:http directly (graphqlEndpoint); express has the other routes.
  const endpoints: { graphql?: (req: IncomingMessage, res: ServerResponse) => void } = {};
  const httpServer: Server = createServer((req, res) => {
    if (endpoints.graphql !== undefined && (req.url === '/graphql' || req.url?.startsWith('/graphql?') === true)) endpoints.graphql(req, res);
    else app(req, res);
  });
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer({
    schema,
    context: (ctx) => new QueryContext(router, ctx.connectionParams?.['forwarded'] === true, undefined),
    // A subscription that cannot start (its answer is a result with errors, or an error message)
    // carries its code in `extensions`, as query errors do.
    onNext: (_ctx, _id, _payload, _args, result) => (result.errors === undefined ? undefined : { ...result, errors: result.errors.map((e) => formatQueryError(e.toJSON(), e)) }),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatQueryError(e.toJSON(), e)),
    onConnect: (ctx) => listen.authToken === undefined || tokenMatches(String(ctx.connectionParams?.['authorization'] ?? ''), listen.authToken),
  }, wsServer);

  const apollo = new ApolloServer<QueryContext>({
    schema,
    formatError: formatQueryError,
    includeStacktraceInErrorResponses: false,
    // The application owns its signal handling (KafkaStreams must commit and close its stores on
    // SIGINT/SIGTERM first). Apollo's own handlers would stop the server and re-raise the signal,
    // ending the process in the middle of that shutdown.
    stopOnTerminationSignals: false,
    validationRules: [documentLimitRule(documentLimits)],
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP cache hints are used; the plugin otherwise wraps every field resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Not a federation subgraph: Apollo would still install the inline-trace plugin and call it per request.
      ApolloServerPluginInlineTraceDisabled(),
      // Query traffic is not reported to Apollo GraphOS, even when APOLLO_KEY happens to be in the environment.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      { serverWillStart: async () => ({ drainServer: async () => { await wsCleanup.dispose(); changes.close(); forwarder.close(); } }) },
    ],
  });
  await apollo.start();

  const auth = (req: Request, res: Response, next: NextFunction): void => {
    if (listen.authToken === undefined || tokenMatches(req.get('authorization') ?? '', listen.authToken)) return next();
    res.status(401).json({ errors: [{ message: 'Missing or wrong Authorization bearer token', extensions: { code: 'UNAUTHENTICATED' } }] });
  };
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', state: host.state() });
  });
  app.get('/readyz', (_req, res) => {
    const restoring = host.stores().flatMap((s) => host.localStores(s.name).filter((l) => l.active && l.state !== 'RUNNING').map((l) => `${s.name}-${l.partition}`));
    const ready = host.state() === 'RUNNING' && restoring.length === 0;
    res.status(ready ? 200 : 503).json({ ready, state: host.state(), restoring });
  });
  app.get('/metrics', auth, async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  endpoints.graphql = graphqlEndpoint({
    apollo,
    maxBodyBytes,
    authorized: (req) => listen.authToken === undefined || tokenMatches(req.headers.authorization ?? '', listen.authToken),
    context: (req) => new QueryContext(router, req.headers[FORWARDED_HEADER] === '1', parsePartitions(header(req, PARTITIONS_HEADER))),
    fastPath: forwardedKeyValues(router, metrics),
    track: (req) => metrics.track(req.headers[FORWARDED_HEADER] === '1'),
  });
  app.use(dashboardRouter());

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.bindHost, () => resolve());
  });
  const { port, address } = httpServer.address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shown}:${port}/graphql`,
    port,
    metrics,
    close: () => (closing ??= apollo.stop()),
  };
}

function tokenMatches(header: string, token: string): boolean {
  const given = Buffer.from(header);
  const expected = Buffer.from(`Bearer ${token}`);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function parsePartitions(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  if (header === '') return [];
  return header.split(',').map(Number).filter((n) => Number.isInteger(n) && n >= 0);
}
