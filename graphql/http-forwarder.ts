import type { GraphQLError } from 'graphql/index.js';
import { OwnerUnreachableException } from '../src/query/query-errors.js';
import type {
  KeyValueResult, Page, QueryForwarder, RangeRequest, SessionResult, WindowedRangeRequest, WindowedResult,
} from '../src/query/query-results.js';
import { remoteError } from './errors.js';
import { FORWARDED_HEADER, FORWARDED_KEY_VALUES, PARTITIONS_HEADER } from './forwarding.js';
import { HttpJsonClient, type HttpAnswer } from './http-json-client.js';

interface RemoteError { message: string; path?: ReadonlyArray<string | number>; extensions?: { code?: unknown } }
interface RemoteResponse { data?: Record<string, unknown> | null; errors?: RemoteError[] }

const RANGE = `query Range($store: String!, $from: String, $to: String, $first: Int, $after: String) {
  range(store: $store, from: $from, to: $to, first: $first, after: $after) { edges { cursor node { key value partition servedBy } } pageInfo { hasNextPage } } }`;
const WINDOWED = 'query Windowed($store: String!, $key: String!, $from: DateTime!, $to: DateTime!) { windowed(store: $store, key: $key, from: $from, to: $to) { key start end value servedBy } }';
const WINDOWED_RANGE = `query WindowedRange($store: String!, $from: DateTime!, $to: DateTime!, $keyFrom: String, $keyTo: String, $first: Int, $after: String) {
  windowedRange(store: $store, from: $from, to: $to, keyFrom: $keyFrom, keyTo: $keyTo, first: $first, after: $after) {
    edges { cursor node { key start end value servedBy } } pageInfo { hasNextPage } } }`;
const SESSIONS = 'query Sessions($store: String!, $key: String!) { sessions(store: $store, key: $key) { key start end value servedBy } }';

export interface HttpForwarderOptions {
  /** Shared secret sent as `Authorization: Bearer …` (`query.auth.token`). */
  readonly authToken?: string | undefined;
  /** Give up on an instance after this long (default 5 s): OWNER_UNREACHABLE. */
  readonly timeoutMs?: number;
  /** Called once per request sent (metrics, tests counting forwarded requests). */
  readonly onForward?: (endpoint: string, operation: string) => void;
}

/**
 * Forwards queries to another instance's own `POST /graphql`, marked as forwarded so that
 * instance answers from its local stores only and never forwards again. Endpoints come from the
 * router, which learned them from the group.
 */
export class HttpForwarder implements QueryForwarder {
  readonly #options: HttpForwarderOptions;
  readonly #http = new HttpJsonClient();

  constructor(options: HttpForwarderOptions = {}) {
    this.#options = options;
  }

  async keyValues(endpoint: string, store: string, keys: readonly string[], allowStale = false): Promise<Array<KeyValueResult | null | Error>> {
    const response = await this.#post(endpoint, 'keyValues', FORWARDED_KEY_VALUES, { store, keys, allowStale });
    const list = response.data?.['keyValues'];
    if (!Array.isArray(list)) throw firstError(response, endpoint);
    // Built field by field: object rest/spread per item cost more than the rest of this loop.
    const out: Array<KeyValueResult | null | Error> = list.map((kv: (Omit<KeyValueResult, 'cursor' | 'offsetLag'> & { offsetLag: number | null }) | null) => {
      if (kv === null) return null;
      const result: { -readonly [F in keyof KeyValueResult]: KeyValueResult[F] } = { key: kv.key, value: kv.value, partition: kv.partition, servedBy: kv.servedBy, cursor: '', stale: kv.stale };
      if (kv.offsetLag !== null && kv.offsetLag !== undefined) result.offsetLag = kv.offsetLag;
      return result;
    });
    // Per-key errors come back as `null` items with an error whose path ends at the item's index.
    for (const error of response.errors ?? []) {
      const index = error.path?.[1];
      if (error.path?.[0] === 'keyValues' && typeof index === 'number') out[index] = remoteError(error.message, error.extensions?.code, endpoint);
    }
    return out;
  }

  async range(endpoint: string, store: string, request: RangeRequest, partitions: readonly number[]): Promise<Page<KeyValueResult>> {
    const response = await this.#post(endpoint, 'range', RANGE, { store, ...request }, partitions);
    return page<KeyValueResult>(response, 'range', endpoint);
  }

  async windowed(endpoint: string, store: string, key: string, fromMs: number, toMs: number): Promise<WindowedResult[]> {
    const response = await this.#post(endpoint, 'windowed', WINDOWED, { store, key, from: fromMs, to: toMs });
    const list = response.data?.['windowed'];
    if (!Array.isArray(list)) throw firstError(response, endpoint);
    return (list as Array<Omit<WindowedResult, 'cursor' | 'start' | 'end'> & { start: string; end: string }>).map((w) => ({ ...w, start: Date.parse(w.start), end: Date.parse(w.end), cursor: '' }));
  }

  async windowedRange(endpoint: string, store: string, request: WindowedRangeRequest, partitions: readonly number[]): Promise<Page<WindowedResult>> {
    const { fromMs, toMs, ...rest } = request;
    const response = await this.#post(endpoint, 'windowedRange', WINDOWED_RANGE, { store, from: fromMs, to: toMs, ...rest }, partitions);
    const result = page<WindowedResult & { start: unknown; end: unknown }>(response, 'windowedRange', endpoint);
    return { hasNextPage: result.hasNextPage, items: result.items.map((w) => ({ ...w, start: Date.parse(String(w.start)), end: Date.parse(String(w.end)) })) };
  }

  async sessions(endpoint: string, store: string, key: string): Promise<SessionResult[]> {
    const response = await this.#post(endpoint, 'sessions', SESSIONS, { store, key });
    const list = response.data?.['sessions'];
    if (!Array.isArray(list)) throw firstError(response, endpoint);
    return (list as Array<Omit<SessionResult, 'start' | 'end'> & { start: string; end: string }>).map((s) => ({ ...s, start: Date.parse(s.start), end: Date.parse(s.end) }));
  }

  /** The instance's state from its `/healthz`, or UNREACHABLE. */
  async instanceState(endpoint: string): Promise<string> {
    try {
      const res = await this.#http.send('GET', `http://${endpoint}/healthz`, {}, undefined, this.#options.timeoutMs ?? 5_000);
      const body = JSON.parse(res.body) as { state?: unknown };
      return typeof body.state === 'string' ? body.state : 'UNKNOWN';
    } catch {
      return 'UNREACHABLE';
    }
  }

  async #post(endpoint: string, operation: string, query: string, variables: Record<string, unknown>, partitions?: readonly number[]): Promise<RemoteResponse> {
    const headers: Record<string, string> = { 'content-type': 'application/json', [FORWARDED_HEADER]: '1' };
    if (partitions !== undefined) headers[PARTITIONS_HEADER] = partitions.join(',');
    if (this.#options.authToken !== undefined) headers['authorization'] = `Bearer ${this.#options.authToken}`;
    this.#options.onForward?.(endpoint, operation);
    let res: HttpAnswer;
    try {
      res = await this.#http.send('POST', `http://${endpoint}/graphql`, headers, JSON.stringify({ query, variables }), this.#options.timeoutMs ?? 5_000);
    } catch (e) {
      throw new OwnerUnreachableException(endpoint, { cause: e });
    }
    let body: RemoteResponse;
    try {
      body = JSON.parse(res.body) as RemoteResponse;
    } catch (e) {
      throw new OwnerUnreachableException(endpoint, { cause: new Error(`HTTP ${res.status} without a GraphQL body`, { cause: e }) });
    }
    if (body.data === undefined && body.errors === undefined) throw new OwnerUnreachableException(endpoint, { cause: new Error(`HTTP ${res.status}`) });
    return body;
  }

  /** Closes the kept-alive connections to peers. */
  close(): void {
    this.#http.close();
  }
}

function page<T>(response: RemoteResponse, field: string, endpoint: string): Page<T> {
  const connection = response.data?.[field] as { edges: Array<{ cursor: string; node: Omit<T, 'cursor'> }>; pageInfo: { hasNextPage: boolean } } | null | undefined;
  if (connection === null || connection === undefined) throw firstError(response, endpoint);
  return { items: connection.edges.map((e) => ({ ...e.node, cursor: e.cursor }) as T), hasNextPage: connection.pageInfo.hasNextPage };
}

function firstError(response: RemoteResponse, endpoint: string): GraphQLError {
  const e = response.errors?.[0];
  return remoteError(e?.message ?? 'no data in the answer', e?.extensions?.code, endpoint);
}
