import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricValue } from '../src/runtime/streams-metrics.js';

const FORWARDED = { forwarded: 'true' } as const;
const NOT_FORWARDED = { forwarded: 'false' } as const;

/** The query server's Prometheus metrics, in a registry of its own (several servers may share a process). */
export class QueryMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'kstreams_query_requests_total', help: 'GraphQL requests received', labelNames: ['forwarded'] as const, registers: [this.registry] });
  readonly latency = new Histogram({
    name: 'kstreams_query_request_duration_seconds', help: 'GraphQL request latency', labelNames: ['forwarded'] as const,
    buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly forwarded = new Counter({ name: 'kstreams_query_forwarded_requests_total', help: 'Requests forwarded to the instance owning the data', labelNames: ['target', 'operation'] as const, registers: [this.registry] });
  readonly errors = new Counter({ name: 'kstreams_query_errors_total', help: 'GraphQL errors by extensions.code', labelNames: ['code'] as const, registers: [this.registry] });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics === true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Exports the application's exactly-once transaction metrics (`KafkaStreams.metrics()`,
   * read at each scrape) per stream thread: transactions committed and aborted, and the commit
   * latency of a round of task transactions (ms). All 0 under at-least-once.
   */
  exposeStreamsMetrics(read: () => readonly MetricValue[]): void {
    const gauges: readonly [string, string, string][] = [
      ['kstreams_transactions_committed_total', 'transactions-committed-total', 'Task transactions committed (exactly_once_v2)'],
      ['kstreams_transactions_aborted_total', 'transactions-aborted-total', 'Task transactions aborted (exactly_once_v2)'],
      ['kstreams_transaction_commit_latency_avg_ms', 'transaction-commit-latency-avg', 'Average latency of a commit round of task transactions, ms'],
      ['kstreams_transaction_commit_latency_max_ms', 'transaction-commit-latency-max', 'Longest commit round of task transactions, ms'],
    ];
    for (const [name, metric, help] of gauges) {
      new Gauge({
        name,
        help,
        labelNames: ['thread'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const m of read()) if (m.group === 'stream-thread-metrics' && m.name === metric) this.set({ thread: m.tags['thread-id'] ?? '' }, m.value);
        },
      });
    }
  }

  /**
   * Starts the figures of one GraphQL request (counted, timed); the function returned ends it
   * with the errors of its answer, counted by `extensions.code`. Called by the endpoint around
   * Apollo rather than as an Apollo plugin: a plugin with a `requestDidStart` hook makes Apollo's
   * pipeline do per-request work worth about a fifth of its own cost, more than these metrics.
   */
  track(forwarded: boolean): (errors?: ReadonlyArray<{ extensions?: Record<string, unknown> }>) => void {
    const labels = forwarded ? FORWARDED : NOT_FORWARDED;
    this.requests.inc(labels);
    const stop = this.latency.startTimer(labels);
    return (errors) => {
      stop();
      for (const e of errors ?? []) this.errors.inc({ code: String(e.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR') });
    };
  }
}
