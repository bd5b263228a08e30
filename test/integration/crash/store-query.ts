/**
 * Reads a whole store of the crash-test application over GraphQL (DESIGN §4): `range` for the
 * key-value store, `windowedRange` for the window store, page by page; the instance asked fans
 * out to every owner. A retriable error (REBALANCING, OWNER_UNREACHABLE, a refused connection
 * while an instance restarts) restarts the read, until the deadline.
 */
import { windowKey } from './input-model.js';

interface GraphQLResponse<T> {
  readonly data?: T;
  readonly errors?: readonly { message: string; extensions?: { code?: string } }[];
}

async function post<T>(endpoint: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`http://${endpoint}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(15_000),
  });
  const body = (await res.json()) as GraphQLResponse<T>;
  if (body.errors !== undefined && body.errors.length > 0) {
    const e = body.errors[0];
    throw new Error(`${e?.extensions?.code ?? 'ERROR'}: ${e?.message ?? ''}`);
  }
  if (body.data === undefined) throw new Error(`no data from ${endpoint} (HTTP ${res.status})`);
  return body.data;
}

interface Page<N> {
  readonly edges: readonly { readonly node: N }[];
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
}

const RANGE = `query($store: String!, $after: String) {
  range(store: $store, first: 1000, after: $after) { edges { node { key value } } pageInfo { hasNextPage endCursor } }
}`;
const WINDOWED_RANGE = `query($store: String!, $after: String, $to: DateTime!) {
  windowedRange(store: $store, from: 0, to: $to, first: 1000, after: $after) { edges { node { key start value } } pageInfo { hasNextPage endCursor } }
}`;

async function readAll<N>(endpoint: string, query: string, field: string, variables: Record<string, unknown>): Promise<N[]> {
  const nodes: N[] = [];
  let after: string | null = null;
  for (;;) {
    const data: Record<string, Page<N>> = await post<Record<string, Page<N>>>(endpoint, query, { ...variables, after });
    const page = data[field];
    if (page === undefined) throw new Error(`no ${field} in the answer`);
    nodes.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

/** key → value of the key-value store `store`. */
export async function readKeyValueStore(endpoint: string, store: string): Promise<Map<string, number>> {
  const nodes = await readAll<{ key: string; value: unknown }>(endpoint, RANGE, 'range', { store });
  return new Map(nodes.map((n) => [n.key, Number(n.value)]));
}

/** `<key>@<window start>` → value of the window store `store`. */
export async function readWindowStore(endpoint: string, store: string): Promise<Map<string, number>> {
  const nodes = await readAll<{ key: string; start: string; value: unknown }>(endpoint, WINDOWED_RANGE, 'windowedRange', { store, to: Date.now() + 86_400_000 });
  return new Map(nodes.map((n) => [windowKey(n.key, Date.parse(n.start)), Number(n.value)]));
}

/** Retries `read` (against each endpoint in turn) until it succeeds or `timeoutMs` passed. */
export async function withRetries<T>(endpoints: readonly string[], timeoutMs: number, read: (endpoint: string) => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    const endpoint = endpoints[attempt % endpoints.length] as string;
    try {
      return await read(endpoint);
    } catch (e) {
      if (Date.now() > deadline) throw new Error(`store read failed for ${timeoutMs} ms; last error from ${endpoint}: ${String(e)}`, { cause: e });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
