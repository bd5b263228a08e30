/**
 * The HTTP side of `kstreams query`: one GraphQL `keyValue` request (DESIGN §4) to a running
 * instance's query server. Any instance answers for any key (it forwards to the owner), so the
 * CLI never needs to know which instance owns the key.
 */

/** The GraphQL document `kstreams query` sends. */
export const KEY_VALUE_QUERY = 'query KeyValue($store: String!, $key: String!) { keyValue(store: $store, key: $key) { key value partition servedBy } }';

/** One `KeyValue` as the schema returns it. */
export interface KeyValueResult {
  readonly key: string;
  readonly value: unknown;
  readonly partition: number;
  readonly servedBy: string;
}

/** A GraphQL error as the server reports it (`extensions.code` from DESIGN §4). */
export interface GraphQLErrorEntry {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
}

/** Why a query failed: the server could not be reached, answered non-GraphQL, or answered with errors. */
export class QueryFailedError extends Error {
  constructor(message: string, readonly kind: 'UNREACHABLE' | 'HTTP' | 'GRAPHQL', readonly errors: readonly GraphQLErrorEntry[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = 'QueryFailedError';
  }
}

/**
 * The query endpoint for `--server`: `host:port`, `http(s)://host:port`, or a full URL with a
 * path (kept as given).
 * @throws TypeError when the text is neither
 */
export function queryEndpoint(server: string): URL {
  const text = server.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new TypeError(`--server must be host:port or an http(s) URL, but got: '${server}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`--server must use http or https, but got: '${server}'`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/graphql';
  return url;
}

/** Options of {@link queryKeyValue}. */
export interface QueryOptions {
  /** Sent as `Authorization: Bearer <token>` (the server's `query.auth.token`). */
  readonly token?: string | undefined;
  readonly timeoutMs?: number;
}

/**
 * Runs `keyValue(store, key)` against `endpoint`; resolves with the value, or `null` when the key
 * is absent.
 * @throws QueryFailedError `UNREACHABLE` (connection refused, DNS, timeout), `HTTP` (a non-JSON or
 *   non-GraphQL answer, or a status without GraphQL errors), `GRAPHQL` (errors in the answer)
 */
export async function queryKeyValue(endpoint: URL, store: string, key: string, options: QueryOptions = {}): Promise<KeyValueResult | null> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.token !== undefined && options.token !== '') headers['authorization'] = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: KEY_VALUE_QUERY, variables: { store, key } }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new QueryFailedError(`Cannot reach the query server at ${endpoint.href}: ${networkReason(error)}`, 'UNREACHABLE', [], { cause: error });
  }
  const text = await response.text();
  let body: { data?: { keyValue?: KeyValueResult | null } | null; errors?: GraphQLErrorEntry[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    throw new QueryFailedError(`The server at ${endpoint.href} answered HTTP ${response.status} without GraphQL JSON: ${text.slice(0, 200)}`, 'HTTP');
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const lines = body.errors.map((e) => (e.extensions?.code !== undefined ? `${e.extensions.code}: ${e.message}` : e.message));
    throw new QueryFailedError(`The query failed (HTTP ${response.status}): ${lines.join('; ')}`, 'GRAPHQL', body.errors);
  }
  if (!response.ok || body.data === undefined || body.data === null || !('keyValue' in body.data)) {
    throw new QueryFailedError(`The server at ${endpoint.href} answered HTTP ${response.status} without a keyValue result: ${text.slice(0, 200)}`, 'HTTP');
  }
  return body.data.keyValue ?? null;
}

/** fetch wraps the socket error in `cause`; the code there (ECONNREFUSED, ENOTFOUND) is what a user can act on. */
function networkReason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'no answer within the timeout';
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return `${cause.code}${cause.message !== undefined ? ` (${cause.message})` : ''}`;
  if (cause?.message !== undefined) return cause.message;
  return (error as Error).message;
}
