/**
 * `kstreams query` through the CLI process.
 *
 * The first suite runs it against a tiny stub HTTP server defined here that answers the GraphQL
 * request: only the CLI's HTTP client is under test there (what it sends, how it prints each kind
 * of answer, how it fails), not the query server. The second suite runs it against the real
 * GraphQL query server (graphql/server.ts) over fake instances (test/graphql/servers.ts), so the
 * request the CLI sends is checked against the real schema, routing and authentication.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServedCluster } from '../graphql/servers.js';
import { cleanEnv, runCli } from './cli-process.js';

interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { query?: string; variables?: Record<string, unknown> };
}

/** Answers by the requested key, so several CLI runs can share one stub concurrently. */
function startStub(seen: SeenRequest[]): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => {
      const body = JSON.parse(text) as SeenRequest['body'];
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const key = body.variables?.['key'];
      const json = (status: number, payload: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      };
      if (key === 'andy') json(200, { data: { keyValue: { key: 'andy', value: { street: 'Main St 1', city: 'Springfield' }, partition: 4, servedBy: 'app-2:4002' } } });
      else if (key === 'nobody') json(200, { data: { keyValue: null } });
      else if (key === 'boom') json(200, { errors: [{ message: "Store 'adress' is not known", extensions: { code: 'UNKNOWN_STORE' } }], data: null });
      else res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('kstreams query against a stub HTTP server (the CLI\'s HTTP client only)', { timeout: 90_000 }, () => {
  const seen: SeenRequest[] = [];
  let stub: Server;
  let server: string;
  beforeAll(async () => {
    stub = await startStub(seen);
    server = `127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => stub.close(resolve));
  });

  it('sends the keyValue query with store, key and bearer token, and prints each kind of answer', async () => {
    const [found, absent, failed, notGraphql] = await Promise.all([
      runCli(['query', 'address', 'andy', '--server', server, '--token', 's3cret']),
      runCli(['query', 'address', 'nobody', '--server', server]),
      runCli(['query', 'adress', 'boom', '--server', server]),
      runCli(['query', 'address', 'html', '--server', `http://${server}/graphql`]),
    ]);

    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout)).toEqual({ key: 'andy', value: { street: 'Main St 1', city: 'Springfield' }, partition: 4, servedBy: 'app-2:4002' });
    expect(found.stderr).toBe('');
    const request = seen.find((r) => r.body.variables?.['key'] === 'andy')!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/graphql');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['authorization']).toBe('Bearer s3cret');
    expect(request.body.variables).toEqual({ store: 'address', key: 'andy' });
    expect(request.body.query?.replace(/\s+/g, ' ')).toContain('keyValue(store: $store, key: $key) { key value partition servedBy }');

    expect(absent.code, absent.stderr).toBe(0);
    expect(absent.stdout).toBe('null\n');
    expect(seen.find((r) => r.body.variables?.['key'] === 'nobody')!.headers['authorization']).toBeUndefined();

    expect(failed.code).toBe(1);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe("kstreams: error: The query failed (HTTP 200): UNKNOWN_STORE: Store 'adress' is not known\n");

    expect(notGraphql.code).toBe(1);
    expect(notGraphql.stderr).toContain(`The server at http://${server}/graphql answered HTTP 502 without GraphQL JSON: <html>Bad Gateway</html>`);
  });

  it('says clearly when nothing listens at the address', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    });
    const result = await runCli(['query', 'address', 'andy', '--server', `127.0.0.1:${closed}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`kstreams: error: Cannot reach the query server at http://127.0.0.1:${closed}/graphql: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${closed})\n`);
  });

  it('takes the server and token from KSTREAMS_QUERY_SERVER and KSTREAMS_QUERY_TOKEN', async () => {
    const before = seen.length;
    const result = await runCli(['query', 'address', 'andy'], cleanEnv({ KSTREAMS_QUERY_SERVER: server, KSTREAMS_QUERY_TOKEN: 'from-env' }));
    expect(result.code, result.stderr).toBe(0);
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)!.headers['authorization']).toBe('Bearer from-env');
  });
});

describe('kstreams query against the real GraphQL query server', { timeout: 90_000 }, () => {
  let cluster: ServedCluster;
  beforeAll(async () => {
    cluster = await ServedCluster.start(2, 4, { authToken: 'query-secret' });
    for (const [i, key] of ['andy', 'bea', 'carl', 'dora', 'emil', 'fritz'].entries()) await cluster.cluster.put('address', key, { street: `Street ${i}` });
  });
  afterAll(async () => {
    await cluster?.close();
  });

  it('answers through any instance: the owner\'s value, partition and servedBy; unknown keys are null', async () => {
    const owner = cluster.cluster.owner('address', 'andy');
    const other = cluster.cluster.hosts.find((h) => h !== owner)!;
    const [viaOther, viaOwner, absent] = await Promise.all([
      runCli(['query', 'address', 'andy', '--server', other.endpoint!, '--token', 'query-secret']),
      runCli(['query', 'address', 'andy', '--server', owner.endpoint!, '--token', 'query-secret']),
      runCli(['query', 'address', 'nobody', '--server', other.endpoint!, '--token', 'query-secret']),
    ]);
    const expected = { key: 'andy', value: { street: 'Street 0' }, partition: cluster.cluster.partitionOf('address', 'andy'), servedBy: owner.endpoint };
    expect(viaOther.code, viaOther.stderr).toBe(0);
    expect(JSON.parse(viaOther.stdout)).toEqual(expected);
    expect(viaOwner.code, viaOwner.stderr).toBe(0);
    expect(JSON.parse(viaOwner.stdout)).toEqual(expected);
    expect(absent.code, absent.stderr).toBe(0);
    expect(absent.stdout).toBe('null\n');
  });

  it('reports the server\'s error codes: a missing token, an unknown store', async () => {
    const [noToken, unknownStore] = await Promise.all([
      runCli(['query', 'address', 'andy', '--server', cluster.endpoint(0)]),
      runCli(['query', 'no-such-store', 'andy', '--server', cluster.endpoint(0), '--token', 'query-secret']),
    ]);
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toMatch(/^kstreams: error: The query failed \(HTTP 401\): UNAUTHENTICATED: /);
    expect(unknownStore.code).toBe(1);
    expect(unknownStore.stderr).toMatch(/^kstreams: error: The query failed \(HTTP 200\): UNKNOWN_STORE: /);
  });
});
