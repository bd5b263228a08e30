import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpJsonClient } from '../../graphql/http-json-client.js';

describe('HttpJsonClient (forwarding to peers)', () => {
  let server: Server;
  let url: string;
  let connections = 0;
  const client = new HttpJsonClient();

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2_000);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString(), auth: req.headers['authorization'] ?? null })));
    });
    server.on('connection', () => (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    client.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends body and headers and reads the whole answer, over one kept-alive connection', async () => {
    const before = connections;
    for (let i = 0; i < 5; i++) {
      const answer = await client.send('POST', `${url}/graphql`, { 'content-type': 'application/json', authorization: 'Bearer s' }, `{"n":${i}}`, 1_000);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ method: 'POST', url: '/graphql', body: `{"n":${i}}`, auth: 'Bearer s' });
    }
    expect(connections - before).toBe(1);
  });

  it('sends path and query string as given (IPv4, and IPv6 loopback where the machine has it); http: only', async () => {
    const get = await client.send('GET', `${url}/healthz?probe=1&x=%20`, {}, undefined, 1_000);
    expect(JSON.parse(get.body)).toMatchObject({ method: 'GET', url: '/healthz?probe=1&x=%20' });
    await expect(client.send('GET', 'https://127.0.0.1:1/', {}, undefined, 1_000)).rejects.toThrow(/Only http: URLs/);
    const v6 = createServer((req, res) => res.end(req.url));
    const listening = await new Promise<boolean>((resolve) => {
      v6.once('error', () => resolve(false));
      v6.listen(0, '::1', () => resolve(true));
    });
    if (!listening) return;   // no IPv6 loopback on this machine: the IPv4 case above stands
    try {
      const answer = await client.send('GET', `http://[::1]:${(v6.address() as AddressInfo).port}/graphql?a=b`, {}, undefined, 1_000);
      expect(answer.body).toBe('/graphql?a=b');
    } finally {
      v6.closeAllConnections();
      await new Promise((resolve) => v6.close(resolve));
    }
  });

  it('fails when the peer does not answer in time, and when nothing listens', async () => {
    await expect(client.send('GET', `${url}/slow`, {}, undefined, 200)).rejects.toThrow(/within 200 ms/);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(client.send('GET', `http://127.0.0.1:${port}/`, {}, undefined, 1_000)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
