/**
 * The dashboard's reading of /metrics (graphql/dashboard/prometheus.js, a browser module without
 * DOM use): samples with labels, sums over label sets, histogram quantiles as PromQL computes them.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain browser ES module without types
import { parsePrometheus, quantile, total } from '../../graphql/dashboard/prometheus.js';

const TEXT = `# HELP kstreams_query_requests_total GraphQL requests received
# TYPE kstreams_query_requests_total counter
kstreams_query_requests_total{forwarded="false"} 7
kstreams_query_requests_total{forwarded="true"} 3
# TYPE kstreams_query_request_duration_seconds histogram
kstreams_query_request_duration_seconds_bucket{le="0.001",forwarded="false"} 2
kstreams_query_request_duration_seconds_bucket{le="0.01",forwarded="false"} 6
kstreams_query_request_duration_seconds_bucket{le="0.1",forwarded="false"} 10
kstreams_query_request_duration_seconds_bucket{le="+Inf",forwarded="false"} 10
kstreams_query_request_duration_seconds_bucket{le="0.001",forwarded="true"} 0
kstreams_query_request_duration_seconds_bucket{le="0.01",forwarded="true"} 0
kstreams_query_request_duration_seconds_bucket{le="0.1",forwarded="true"} 0
kstreams_query_request_duration_seconds_bucket{le="+Inf",forwarded="true"} 10
kstreams_query_errors_total{code="UNKNOWN_STORE",message="a \\"quoted\\" label"} 1
`;

describe('dashboard prometheus reader', () => {
  const samples = parsePrometheus(TEXT);

  it('reads samples with their labels and skips comments', () => {
    expect(samples).toHaveLength(11);
    expect(samples[0]).toEqual({ name: 'kstreams_query_requests_total', labels: { forwarded: 'false' }, value: 7 });
    expect(samples.at(-1).labels).toEqual({ code: 'UNKNOWN_STORE', message: 'a \\"quoted\\" label' });
  });

  it('sums a series over its label sets; undefined when absent', () => {
    expect(total(samples, 'kstreams_query_requests_total')).toBe(10);
    expect(total(samples, 'kstreams_query_forwarded_requests_total')).toBeUndefined();
  });

  it('estimates quantiles from cumulative buckets summed over label sets, linearly within a bucket', () => {
    // Summed: le 0.001 -> 2, 0.01 -> 6, 0.1 -> 10, +Inf -> 20 observations.
    expect(quantile(samples, 'kstreams_query_request_duration_seconds', 0.1)).toBeCloseTo(0.001, 9);
    expect(quantile(samples, 'kstreams_query_request_duration_seconds', 0.25)).toBeCloseTo(0.001 + (0.009 * 3) / 4, 9);
    // Past the last finite bucket PromQL answers that bucket's upper bound.
    expect(quantile(samples, 'kstreams_query_request_duration_seconds', 0.99)).toBe(0.1);
    expect(quantile([], 'kstreams_query_request_duration_seconds', 0.5)).toBeUndefined();
  });
});
