import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AppProcess } from './apps/app-process.js';
import { bootstrapServers, createTestTopic, deleteTestTopics, describeWithBroker, testKafka, uniqueTopic } from './broker.js';
import { freePort } from '../free-port.js';

const KEYS = Array.from({ length: 10_000 }, (_, i) => `user-${String(i).padStart(5, '0')}`);
const VALUE = (key: string): string => `street-of-${key}`;
const APP = fileURLToPath(new URL('./apps/query-app.ts', import.meta.url));
const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

interface KeyValue { key: string; value: string; partition: number; servedBy: string }
interface Response { data?: Record<string, unknown> | null; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> }

async function gql(port: number, query: string, variables: Record<string, unknown> = {}): Promise<Response> {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as Response;
}

async function forwardedCount(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return [...text.matchAll(/^kstreams_query_forwarded_requests_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
}

const KEY_VALUES = 'query($k: [String!]!) { keyValues(store: "address", keys: $k) { key value partition servedBy } }';

describeWithBroker('interactive queries over three instances in separate processes (real broker)', () => {
  const appId = uniqueTopic('query-app');
  const apps: AppProcess[] = [];
  const ports: number[] = [];
  let topic: string;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-query-it-'));
    topic = await createTestTopic('address', { partitions: 6 });
    // Written by kafkajs's own default partitioner (Java-compatible murmur2): keys land where any Kafka client puts them.
    const producer = testKafka().producer();
    await producer.connect();
    try {
      for (const value of [(k: string) => `old-${k}`, VALUE]) {
        for (let i = 0; i < KEYS.length; i += 2_000) {
          await producer.send({ topic, messages: KEYS.slice(i, i + 2_000).map((k) => ({ key: k, value: value(k) })) });
        }
      }
    } finally {
      await producer.disconnect();
    }
    for (let i = 0; i < 3; i++) {
      ports.push(await freePort());
      apps.push(new AppProcess(`query-${i}`, APP, {
        KAFKA_BOOTSTRAP_SERVERS: bootstrapServers(), APP_ID: appId, INPUT_TOPIC: topic, QUERY_PORT: String(ports[i]),
        STATE_DIR: join(stateDir, `i${i}`), SESSION_TIMEOUT_MS: '10000',
      }));
    }
    for (const app of apps) await app.waitFor((e) => e.event === 'hosts' && e['count'] === 3, 120_000, 'a group of three');
    // Every key readable with its last value through instance 0 (tables caught up).
    const deadline = Date.now() + 120_000;
    for (;;) {
      let complete = true;
      for (let i = 0; i < KEYS.length && complete; i += 1_000) {
        const r = await gql(ports[0]!, KEY_VALUES, { k: KEYS.slice(i, i + 1_000) }).catch(() => undefined);
        const list = r?.data?.['keyValues'] as Array<KeyValue | null> | undefined;
        complete = list !== undefined && list.every((kv, j) => kv?.value === VALUE(KEYS[i + j]!));
      }
      if (complete) break;
      if (Date.now() > deadline) throw new Error('the instances did not catch up within 120 s');
      await new Promise((r) => setTimeout(r, 500));
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await deleteTestTopics([topic, `${appId}-address-changelog`].filter(Boolean));
    await rm(stateDir, { recursive: true, force: true });
  }, 120_000);

  it('every key through every instance returns its last value, served by the owner keyMetadata names', async () => {
    const owners = new Map<number, string>();
    for (const [i, port] of ports.entries()) {
      for (let k = 0; k < KEYS.length; k += 1_000) {
        const keys = KEYS.slice(k, k + 1_000);
        const r = await gql(port, KEY_VALUES, { k: keys });
        expect(r.errors, `instance ${i}`).toBeUndefined();
        const list = r.data!['keyValues'] as KeyValue[];
        list.forEach((kv, j) => {
          expect(kv.key).toBe(keys[j]);
          expect(kv.value).toBe(VALUE(keys[j]!));
          const known = owners.get(kv.partition);
          if (known === undefined) owners.set(kv.partition, kv.servedBy);
          else expect(kv.servedBy).toBe(known);
        });
      }
      // keyMetadata names the same owner (sampled: 100 keys per instance, 50 fields per request).
      for (let k = 0; k < KEYS.length; k += 2_000) {
        const keys = KEYS.slice(k, k + 20);
        const fields = keys.map((key, j) => `m${j}: keyMetadata(store: "address", key: "${key}") { activeHost partition } v${j}: keyValue(store: "address", key: "${key}") { servedBy partition }`).join(' ');
        const r = await gql(port, `{ ${fields} }`);
        keys.forEach((_key, j) => {
          const meta = r.data![`m${j}`] as { activeHost: string; partition: number };
          expect(r.data![`v${j}`]).toEqual({ servedBy: meta.activeHost, partition: meta.partition });
        });
      }
    }
    expect(owners.size).toBe(6);
    expect(new Set(owners.values())).toEqual(new Set(ports.map((p) => `127.0.0.1:${p}`)));
  });

  it('keyValues with 1,000 keys answers in order with one forwarded request per remote owner', async () => {
    const keys = KEYS.filter((_, i) => i % 10 === 3).reverse();
    expect(keys).toHaveLength(1_000);
    for (const [i, port] of ports.entries()) {
      const before = await forwardedCount(port);
      const r = await gql(port, KEY_VALUES, { k: keys });
      const list = r.data!['keyValues'] as KeyValue[];
      expect(list.map((kv) => kv.key)).toEqual(keys);
      const remoteOwners = new Set(list.map((kv) => kv.servedBy).filter((s) => s !== `127.0.0.1:${port}`));
      expect(remoteOwners.size, `instance ${i}`).toBe(2);
      expect((await forwardedCount(port)) - before).toBe(remoteOwners.size);
    }
  });

  it('a range over all keys through one instance returns every key once, in order, across pages', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r = await gql(ports[1]!, 'query($after: String) { range(store: "address", first: 1000, after: $after) { edges { node { key value } } pageInfo { hasNextPage endCursor } } }', { after });
      expect(r.errors).toBeUndefined();
      const conn = r.data!['range'] as { edges: Array<{ node: { key: string; value: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
      for (const { node } of conn.edges) {
        expect(node.value).toBe(VALUE(node.key));
        seen.push(node.key);
      }
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(seen).toEqual([...KEYS].sort(byBytes));
  });

  it('after SIGKILL of one instance every key is answered again by the survivors, and no answer is ever wrong', async () => {
    apps[2]!.kill();
    const survivors = ports.slice(0, 2);
    const dead = `127.0.0.1:${ports[2]}`;
    const sample = KEYS.filter((_, i) => i % 7 === 0);
    const deadline = Date.now() + 150_000;
    let wrong = 0;
    let answered = false;
    while (!answered) {
      if (Date.now() > deadline) throw new Error('keys were not all answerable within 150 s of the kill');
      answered = true;
      for (const port of survivors) {
        for (let k = 0; k < sample.length; k += 500) {
          const keys = sample.slice(k, k + 500);
          const r = await gql(port, KEY_VALUES, { k: keys });
          const list = (r.data?.['keyValues'] ?? []) as Array<KeyValue | null>;
          const codes = new Map((r.errors ?? []).map((e) => [e.path?.[1], e.extensions?.['code']]));
          keys.forEach((key, j) => {
            const kv = list[j];
            if (kv === null || kv === undefined) {
              answered = false;
              // Only the retriable codes may stand in for an answer while partitions move.
              expect(['REBALANCING', 'OWNER_UNREACHABLE']).toContain(codes.get(j));
            } else if (kv.value !== VALUE(key) || kv.servedBy === dead) {
              wrong += 1;
            }
          });
        }
      }
      if (!answered) await new Promise((r) => setTimeout(r, 500));
    }
    expect(wrong).toBe(0);
  });
});
