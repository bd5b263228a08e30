import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Serdes } from '../../src/serde/serdes.js';
import { withTimestamp } from '../../src/state/value-and-timestamp.js';
import { WINDOW_SIZE_MS } from '../query/fake-cluster.js';
import { ServedCluster } from './servers.js';

const json = Serdes.Json<unknown>();

describe('Subscription.changes', () => {
  let c: ServedCluster;
  beforeAll(async () => {
    c = await ServedCluster.start(3, 6);
  });
  afterAll(async () => c?.close());

  /** Each instance emits a change of a key of a partition it owns (a timestamped `address` value). */
  function emitFromOwner(key: string, value: unknown, timestamp: number): void {
    const owner = c.cluster.owner('address', key);
    owner.emit({ store: 'address', partition: c.cluster.partitionOf('address', key), key: Buffer.from(key), value: withTimestamp(json.serialize('', value)!, timestamp), timestamp });
  }

  it('a client subscribed on instance A receives the changes made on B and C', async () => {
    const keys = ['andy', 'bob', 'carl', 'dora', 'emil', 'fay', 'gus', 'hal'];
    const owners = new Set(keys.map((k) => c.cluster.owner('address', k).index));
    expect(owners).toEqual(new Set([0, 1, 2]));
    const client = createClient({ url: c.url(0).replace('http', 'ws'), webSocketImpl: WebSocket, lazy: false });
    const received: Array<{ key: string; value: unknown; timestamp: string; partition: number }> = [];
    const done = new Promise<void>((resolve, reject) => {
      const stop = client.subscribe<{ changes: { key: string; value: unknown; timestamp: string; partition: number } }>(
        { query: 'subscription { changes(store: "address") { store key value partition timestamp } }' },
        { next: ({ data }) => { received.push(data!.changes); if (received.length === keys.length) { stop(); resolve(); } }, error: reject, complete: () => {} },
      );
    });
    try {
      // Wait until instance 0 follows both peers (each peer then has a listener) and itself.
      await waitFor(() => c.cluster.hosts.every((h) => h.changeListeners === 1));
      keys.forEach((k, i) => emitFromOwner(k, { city: `city-${i}` }, 5_000 + i));
      await done;
      expect(received.map((r) => r.key).sort()).toEqual([...keys].sort());
      for (const r of received) {
        const i = keys.indexOf(r.key);
        expect(r).toEqual({ store: 'address', key: r.key, value: { city: `city-${i}` }, partition: c.cluster.partitionOf('address', r.key), timestamp: new Date(5_000 + i).toISOString() });
      }
      // Ending the subscription unsubscribes everywhere.
      await waitFor(() => c.cluster.hosts.every((h) => h.changeListeners === 0));
    } finally {
      await client.dispose();
    }
  });

  it('filters by key', async () => {
    const client = createClient({ url: c.url(1).replace('http', 'ws'), webSocketImpl: WebSocket });
    const got: string[] = [];
    const first = new Promise<void>((resolve, reject) => {
      client.subscribe<{ changes: { key: string } }>(
        { query: 'subscription { changes(store: "address", key: "bob") { key } }' },
        { next: ({ data }) => { got.push(data!.changes.key); resolve(); }, error: reject, complete: () => {} },
      );
    });
    try {
      await waitFor(() => c.cluster.hosts.every((h) => h.changeListeners === 1));
      emitFromOwner('andy', 1, 1);
      emitFromOwner('bob', 2, 2);
      await first;
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['bob']);
    } finally {
      await client.dispose();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Subscription.changes with a shared secret', () => {
  it('refuses a connection without the token, and follows peers with it', async () => {
    const c = await ServedCluster.start(2, 4, { authToken: 'tok' });
    try {
      const denied = createClient({ url: c.url(0).replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0 });
      const refusal = await new Promise<unknown>((resolve) => {
        denied.subscribe({ query: 'subscription { changes(store: "address") { key } }' }, { next: () => resolve('got data'), error: (e) => resolve(e), complete: () => resolve('completed') });
      });
      expect((refusal as { code?: number }).code).toBe(4403);
      await denied.dispose();

      const client = createClient({ url: c.url(0).replace('http', 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: 'Bearer tok' } });
      const key = ['a', 'b', 'c', 'd', 'e', 'f'].find((k) => c.cluster.owner('address', k).index === 1)!;
      const got = new Promise<string>((resolve, reject) => {
        client.subscribe<{ changes: { key: string } }>({ query: 'subscription { changes(store: "address") { key } }' }, { next: ({ data }) => resolve(data!.changes.key), error: reject, complete: () => {} });
      });
      try {
        await waitFor(() => c.cluster.hosts.every((h) => h.changeListeners === 1));
        const owner = c.cluster.hosts[1]!;
        owner.emit({ store: 'address', partition: c.cluster.partitionOf('address', key), key: Buffer.from(key), value: null, timestamp: 1 });
        expect(await got).toBe(key);
      } finally {
        await client.dispose();
      }
    } finally {
      await c.close();
    }
  });
});

describe('Subscription.changes of a window store', () => {
  it('a client on instance A receives window changes made on B and C, with their window', async () => {
    const c = await ServedCluster.start(3, 6);
    const client = createClient({ url: c.url(0).replace('http', 'ws'), webSocketImpl: WebSocket, lazy: false });
    try {
      const keys = ['andy', 'bob', 'carl', 'dora', 'emil', 'fay', 'gus', 'hal'];
      expect(new Set(keys.map((k) => c.cluster.owner('clicks', k).index))).toEqual(new Set([0, 1, 2]));
      const received: Array<{ key: string; value: unknown; windowStart: string; windowEnd: string; partition: number }> = [];
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe<{ changes: (typeof received)[number] }>(
          { query: 'subscription { changes(store: "clicks") { key value partition windowStart windowEnd } }' },
          { next: ({ data }) => { received.push(data!.changes); if (received.length === keys.length) resolve(); }, error: reject, complete: () => {} },
        );
      });
      await waitFor(() => c.cluster.hosts.every((h) => h.changeListeners === 1));
      keys.forEach((k, i) => c.cluster.owner('clicks', k).emit({
        store: 'clicks', partition: c.cluster.partitionOf('clicks', k), key: Buffer.from(k), windowStart: 3_000 + i, value: json.serialize('', i + 1)!, timestamp: 3_500 + i,
      }));
      await done;
      for (const r of received) {
        const i = keys.indexOf(r.key);
        expect(r).toEqual({ key: keys[i], value: i + 1, partition: c.cluster.partitionOf('clicks', r.key), windowStart: new Date(3_000 + i).toISOString(), windowEnd: new Date(3_000 + i + WINDOW_SIZE_MS).toISOString() });
      }
    } finally {
      await client.dispose();
      await c.close();
    }
  });

  it('a key-value change has no window; a session store is WRONG_STORE_TYPE', async () => {
    const c = await ServedCluster.start(1, 2);
    const client = createClient({ url: c.url(0).replace('http', 'ws'), webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    try {
      const first = new Promise<unknown>((resolve, reject) => {
        client.subscribe<{ changes: unknown }>({ query: 'subscription { changes(store: "address") { key windowStart windowEnd } }' }, { next: ({ data }) => resolve(data!.changes), error: reject, complete: () => {} });
      });
      await waitFor(() => c.cluster.hosts[0]!.changeListeners === 1);
      c.cluster.hosts[0]!.emit({ store: 'address', partition: c.cluster.partitionOf('address', 'andy'), key: Buffer.from('andy'), value: withTimestamp(json.serialize('', 1)!, 9), timestamp: 9 });
      expect(await first).toEqual({ key: 'andy', windowStart: null, windowEnd: null });
      const refused = await new Promise<unknown>((resolve) => {
        client.subscribe({ query: 'subscription { changes(store: "visits") { key } }' }, { next: resolve, error: resolve, complete: () => resolve('completed') });
      });
      expect(JSON.stringify(refused)).toContain('WRONG_STORE_TYPE');
    } finally {
      await client.dispose();
      await c.close();
    }
  });
});
