import { describe, expect, it } from 'vitest';
import { QueryMetrics } from '../../graphql/metrics.js';
import type { MetricValue } from '../../src/runtime/streams-metrics.js';

describe('/metrics: exactly-once transaction metrics', () => {
  it('exports the threads’ transaction counters and commit latency as they are at each scrape', async () => {
    let committed = 3;
    const read = (): MetricValue[] => [
      { group: 'stream-thread-metrics', name: 'transactions-committed-total', tags: { 'thread-id': 't1' }, value: committed },
      { group: 'stream-thread-metrics', name: 'transactions-aborted-total', tags: { 'thread-id': 't1' }, value: 1 },
      { group: 'stream-thread-metrics', name: 'transaction-commit-latency-max', tags: { 'thread-id': 't1' }, value: 42 },
      { group: 'stream-task-metrics', name: 'transactions-committed-total', tags: { 'thread-id': 't1', 'task-id': '0_0' }, value: 99 },
    ];
    const metrics = new QueryMetrics();
    metrics.exposeStreamsMetrics(read);
    let text = await metrics.registry.metrics();
    expect(text).toContain('kstreams_transactions_committed_total{thread="t1"} 3');
    expect(text).toContain('kstreams_transactions_aborted_total{thread="t1"} 1');
    expect(text).toContain('kstreams_transaction_commit_latency_max_ms{thread="t1"} 42');
    committed = 5;
    text = await metrics.registry.metrics();
    expect(text).toContain('kstreams_transactions_committed_total{thread="t1"} 5');
  });
});
