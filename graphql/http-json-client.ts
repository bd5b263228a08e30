import { Agent, request } from 'node:http';

/** An HTTP answer whose body was read whole. */
export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

/**
 * Requests to peer instances over kept-alive connections with Nagle off (`node:http`, one pool
 * per client). Forwarded queries are many small request/response pairs to few peers: a fresh
 * connection, or a small write waiting on a delayed ACK, costs more than the query itself, and
 * `fetch` (undici with web streams) spends several times the CPU of `node:http` per request.
 */
export class HttpJsonClient {
  readonly #agent = new Agent({ keepAlive: true, keepAliveMsecs: 1_000, maxSockets: 64, maxFreeSockets: 64, noDelay: true } as ConstructorParameters<typeof Agent>[0]);
  /** Parsed target URLs: peers are few, and `request(url)` would parse the same URL on every request. */
  readonly #targets = new Map<string, { hostname: string; port: string; path: string }>();

  /**
   * Sends one request and reads the whole answer.
   * @throws the socket's or the timeout's error (connection refused, reset, over `timeoutMs`)
   */
  send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<HttpAnswer> {
    return this.#send(method, url, headers, body, timeoutMs, true);
  }

  #send(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number, mayRetry: boolean): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const outgoing = { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) };
      const req = request({ ...this.#target(url), method, headers: outgoing, agent: this.#agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`No answer from ${url} within ${timeoutMs} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => {
        // The peer closed a kept-alive connection just as we reused it (the requests are reads): once more on a new one.
        if (mayRetry && req.reusedSocket && error.code === 'ECONNRESET') resolve(this.#send(method, url, headers, body, timeoutMs, false));
        else reject(error);
      });
      req.end(body);
    });
  }

  #target(url: string): { hostname: string; port: string; path: string } {
    let target = this.#targets.get(url);
    if (target === undefined) {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:') throw new TypeError(`Only http: URLs are supported, but got: ${url}`);
      target = { hostname: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: parsed.port || '80', path: `${parsed.pathname}${parsed.search}` };
      if (this.#targets.size >= 1_024) this.#targets.clear();   // bounded: URLs come from the group's map and a few fixed paths
      this.#targets.set(url, target);
    }
    return target;
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#agent.destroy();
  }
}
