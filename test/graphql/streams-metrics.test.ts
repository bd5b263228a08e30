/**
 * `/metrics` of a query server started on a KafkaStreams client: after a counting topology ran on
 * the embedded backend (two instances, so some lookups are forwarded), the per-task, per-thread,
 * record cache, store size and query server series are there, with non-zero values.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error a plain browser ES module without types (the dashboard's reader of this format)
import { parsePrometheus } from '../../graphql/dashboard/prometheus.js';
import type { QueryServer } from '../../graphql/server.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Materialized } from '../../src/dsl/materialized.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { KafkaStreams } from '../../src/runtime/kafka-streams.js';
import { sumMetric } from '../../src/runtime/streams-metrics.js';
import { Serdes } from '../../src/serde/serdes.js';
import { EmbeddedCluster } from '../examples/embedded-cluster.js';
import { gql } from './servers.js';
import { startServedInstances, stopServedInstances } from './served-instances.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const KEYS = Array.from({ length: 20 }, (_, i) => `user-${i}`);

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('/metrics of a KafkaStreams query server', () => {
  const cluster = new EmbeddedCluster();
  const instances: KafkaStreams[] = [];
  const servers: QueryServer[] = [];
  let stateDir: string;

  const processed = (): number => instances.reduce((n, s) => n + sumMetric(s.metrics(), 'stream-task-metrics', 'process-total'), 0);
  const scrape = async (i: number): Promise<Sample[]> => {
    const res = await fetch(`http://127.0.0.1:${servers[i]!.port}/metrics`);
    expect(res.status).toBe(200);
    return parsePrometheus(await res.text()) as Sample[];
  };
  const sum = (samples: Sample[], name: string, filter: (l: Record<string, string>) => boolean = () => true): number =>
    samples.filter((s) => s.name === name && filter(s.labels)).reduce((n, s) => n + s.value, 0);
  const produceWords = (n: number, from = 0): Promise<void> =>
    cluster.produce('words', Array.from({ length: n }, (_, i) => ({ key: KEYS[(from + i) % KEYS.length]!, value: JSON.stringify({ n: from + i }) })));

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'kstreams-metrics-'));
    await cluster.start([{ name: 'words', partitions: 4 }]);
    await produceWords(400);
    // One record an aggregation cannot use (null key: dropped) and one that does not deserialize.
    await cluster.produce('words', [{ key: null, value: '{"n":-1}' }, { key: 'user-1', value: 'not json' }]);
    await startServedInstances({ instances, servers }, cluster, stateDir, 2, 'metrics-app', () => {
      const builder = new StreamsBuilder();
      builder.stream<string, unknown>('words', Consumed.with(Serdes.String(), Serdes.Json<unknown>())).groupByKey().count(Materialized.as('counts'));
      return builder.build();
    }, { 'default.deserialization.exception.handler': 'logAndContinue' });
  }, 60_000);

  afterAll(async () => {
    await stopServedInstances({ instances, servers });
    await cluster.stop();
    await rm(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('exposes per-task, cache, store, commit and query series with non-zero values', async () => {
    await waitFor(() => instances.every((s) => s.state() === 'RUNNING' && s.metadataForAllStreamsClients().length === 2), 'a stable group of two');
    await waitFor(() => processed() >= 400, 'the first 400 words processed');
    const first = await Promise.all([scrape(0), scrape(1)]);
    // A first scrape has no earlier sample: the rate starts at 0.
    expect(sum(first[0]!, 'kstreams_task_process_rate')).toBe(0);

    await produceWords(400, 400);
    await waitFor(() => processed() >= 800, '800 words processed');
    // Lookups of every key through instance 0: the keys instance 1 owns are forwarded; one query names a store that does not exist.
    const answer = await gql(servers[0]!.url, 'query($k: [String!]!) { keyValues(store: "counts", keys: $k) { key value servedBy } }', { k: KEYS });
    expect(answer.errors).toBeUndefined();
    expect((answer.data!['keyValues'] as { value: number }[]).reduce((n, kv) => n + kv.value, 0)).toBe(800);
    for (const key of KEYS) expect((await gql(servers[0]!.url, 'query($k: String!) { keyValue(store: "counts", key: $k) { value } }', { k: key })).errors).toBeUndefined();
    expect((await gql(servers[0]!.url, '{ keyValue(store: "nope", key: "x") { value } }')).errors?.[0]?.extensions?.['code']).toBe('UNKNOWN_STORE');
    await waitFor(async () => {
      const a = await scrape(0);
      return sum(a, 'kstreams_thread_commits_total') > 0 && sum(a, 'kstreams_task_records_processed_total') > 0;
    }, 'commits');

    const both = await Promise.all([scrape(0), scrape(1)]);
    const all = both.flat();
    // Per task, with task_id labels: every one of the 4 tasks is somewhere.
    const tasks = new Set(all.filter((s) => s.name === 'kstreams_task_records_processed_total').map((s) => s.labels['task_id']));
    expect([...tasks].sort()).toEqual(['0_0', '0_1', '0_2', '0_3']);
    expect(sum(all, 'kstreams_task_records_processed_total')).toBe(processed());
    expect(sum(all, 'kstreams_task_process_rate')).toBeGreaterThan(0);
    expect(sum(all, 'kstreams_task_dropped_records_total')).toBe(1);
    expect(sum(all, 'kstreams_task_deserialization_errors_total')).toBe(1);
    const lags = all.filter((s) => s.name === 'kstreams_task_consumer_lag');
    expect(lags.map((s) => `${s.labels['topic']}-${s.labels['partition']}`).sort()).toEqual(['words-0', 'words-1', 'words-2', 'words-3']);
    // All fetched up to the end by now.
    for (const lag of lags) expect(lag.value).toBe(0);
    expect(sum(all, 'kstreams_record_cache_hits_total')).toBeGreaterThan(0);
    const ratios = all.filter((s) => s.name === 'kstreams_record_cache_hit_ratio' && s.labels['store'] === 'counts');
    expect(ratios.length).toBe(4);
    for (const r of ratios) expect(r.value).toBeGreaterThan(0);
    expect(sum(all, 'kstreams_store_approximate_entries', (l) => l['store'] === 'counts')).toBe(KEYS.length);
    expect(sum(all, 'kstreams_thread_commits_total')).toBeGreaterThan(0);
    expect(sum(all, 'kstreams_thread_commit_latency_max_seconds')).toBeGreaterThan(0);

    // Per query server: requests, the latency histogram, forwarded requests, errors by code.
    const q = both[0]!;
    expect(sum(q, 'kstreams_query_requests_total')).toBeGreaterThanOrEqual(KEYS.length + 2);
    expect(sum(q, 'kstreams_query_request_duration_seconds_count')).toBeGreaterThan(0);
    expect(sum(q, 'kstreams_query_forwarded_requests_total')).toBeGreaterThan(0);
    expect(sum(q, 'kstreams_query_errors_total', (l) => l['code'] === 'UNKNOWN_STORE')).toBe(1);
  }, 60_000);
});
