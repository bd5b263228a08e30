/* global location, sessionStorage */
/**
 * Talking to the query server that served this page: GraphQL over HTTP (POST /graphql), plain
 * GETs (/metrics, /readyz) and GraphQL subscriptions over graphql-ws on the same path.
 */

const TOKEN_KEY = 'kstreams.dashboard.token';

/** A GraphQL or HTTP failure, with the server's `extensions.code` when it gave one. */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

export class Api {
  constructor() {
    /** Called when the server answers 401: the page then asks for the shared secret. */
    this.onUnauthorized = () => {};
  }

  get token() {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  }

  set token(value) {
    if (value) sessionStorage.setItem(TOKEN_KEY, value);
    else sessionStorage.removeItem(TOKEN_KEY);
  }

  #headers(extra = {}) {
    const token = this.token;
    return { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  }

  /**
   * Runs a GraphQL query; resolves `{ data, errors, ms }` (errors as the server sent them, for
   * callers that show them) and throws ApiError only when there is no data at all.
   */
  async graphql(query, variables = {}) {
    const started = performance.now();
    const res = await fetch('/graphql', {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json', accept: 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
    if (res.status === 401) {
      this.onUnauthorized();
      throw new ApiError('The server needs its query.auth.token', 'UNAUTHENTICATED');
    }
    const body = await res.json().catch(() => ({ errors: [{ message: `HTTP ${res.status}` }] }));
    const ms = performance.now() - started;
    if (body.data == null) {
      const first = body.errors?.[0];
      throw new ApiError(first?.message ?? `HTTP ${res.status}`, first?.extensions?.code);
    }
    return { data: body.data, errors: body.errors ?? [], ms };
  }

  /** GET of a plain endpoint of the same server; resolves `{ status, text }`. */
  async get(path) {
    const res = await fetch(path, { headers: this.#headers() });
    if (res.status === 401) this.onUnauthorized();
    return { status: res.status, text: await res.text() };
  }

  /**
   * Subscribes over graphql-ws. `sink` gets `next(data)`, `error(reason)` (a GraphQL error, or the
   * socket failing for good) and `connected()`. Returns a function that unsubscribes. Throws
   * when the browser client cannot be loaded (then the caller polls instead).
   */
  async subscribe(query, variables, sink) {
    const { createClient } = await import('./vendor/graphql-ws/client.js');
    const token = this.token;
    const client = createClient({
      url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      lazy: false,
      retryAttempts: 2,
      onNonLazyError: () => {},
      on: { connected: () => sink.connected() },
    });
    let ended = false;
    const end = (reason) => {
      if (ended) return;
      ended = true;
      sink.error(reason);
      void client.dispose();
    };
    const unsubscribe = client.subscribe({ query, variables }, {
      next: ({ data, errors }) => {
        if (errors?.length) end(describeError(errors));
        else if (data) sink.next(data);
      },
      error: (e) => end(describeError(e)),
      complete: () => end('the server ended the subscription'),
    });
    return () => {
      ended = true;
      unsubscribe();
      void client.dispose();
    };
  }
}

/** One line for whatever graphql-ws reports: GraphQL errors, a CloseEvent or an Error. */
function describeError(e) {
  if (Array.isArray(e)) {
    const first = e[0] ?? {};
    const code = first.extensions?.code;
    return code ? `${code}: ${first.message}` : String(first.message ?? 'subscription failed');
  }
  if (e && typeof e === 'object' && 'code' in e && 'reason' in e) return `socket closed (${e.code}${e.reason ? `: ${e.reason}` : ''})`;
  return e instanceof Error ? e.message : 'subscription failed';
}
