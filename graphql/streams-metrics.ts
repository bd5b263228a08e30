import { Counter, Gauge, type Registry } from 'prom-client';
import type { MetricValue, RestorationSnapshot } from '../src/index.js';

/** What the exporter reads of a `KafkaStreams` client. */
export interface StreamsMetricsSource {
  metrics(): MetricValue[];
  restorationProgress(): RestorationSnapshot;
  storeSizes(): Promise<{ taskId: string; store: string; entries: number }[]>;
}

/** Over how much time `kstreams_task_process_rate` averages (ms). */
const RATE_WINDOW_MS = 30_000;
/** Readings of one scrape are shared by every series (one snapshot per scrape, not per series). */
const SNAPSHOT_REUSE_MS = 100;

type Labels = Record<string, string>;

/**
 * Exposes a client's metrics (`KafkaStreams.metrics()`, restoration progress, store sizes) in a
 * prom-client registry: per task records processed and process rate, consumer lag per input
 * partition, dropped records (which include late records past the grace period, as Kafka
 * Streams counts them), deserialization and processing errors, record cache hits, misses and hit
 * ratio per store, approximate entries per key-value store; per thread commits and commit
 * latency (a commit covers all the thread's tasks, so it is a thread series as in Kafka Streams);
 * restoration progress. Values are read at scrape time.
 */
export function registerStreamsMetrics(registry: Registry, source: StreamsMetricsSource, clock: () => number = Date.now): void {
  let cached: { at: number; values: MetricValue[] } | undefined;
  const readings = (): MetricValue[] => {
    const now = clock();
    if (cached === undefined || now - cached.at > SNAPSHOT_REUSE_MS) cached = { at: now, values: source.metrics() };
    return cached.values;
  };
  const of = (group: MetricValue['group'], name: string): MetricValue[] => readings().filter((m) => m.group === group && m.name === name);
  const taskLabels = (m: MetricValue): Labels => ({ thread_id: m.tags['thread-id'] ?? '', task_id: m.tags['task-id'] ?? '' });
  const threadLabels = (m: MetricValue): Labels => ({ thread_id: m.tags['thread-id'] ?? '' });

  /** A counter whose values are the client's counters at scrape time. */
  const counter = (name: string, help: string, labelNames: readonly string[], read: () => { labels: Labels; value: number }[]): void => {
    new Counter({
      name, help, labelNames, registers: [registry],
      collect() {
        this.reset();
        for (const { labels, value } of read()) this.inc(labels, value);
      },
    });
  };
  const gauge = (name: string, help: string, labelNames: readonly string[], read: () => { labels: Labels; value: number }[] | Promise<{ labels: Labels; value: number }[]>): void => {
    new Gauge({
      name, help, labelNames, registers: [registry],
      async collect() {
        this.reset();
        for (const { labels, value } of await read()) this.set(labels, value);
      },
    });
  };

  const TASK = ['thread_id', 'task_id'] as const;
  counter('kstreams_task_records_processed_total', 'Records processed by the task', TASK, () => of('stream-task-metrics', 'process-total').map((m) => ({ labels: taskLabels(m), value: m.value })));
  const taskCounters: [string, string, string][] = [
    ['dropped-records-total', 'kstreams_task_dropped_records_total', 'Records dropped by the task: late records past the grace period of a window, null keys an operator cannot use, skipped bad records, output the production exception handler dropped'],
    ['deserialization-errors-total', 'kstreams_task_deserialization_errors_total', 'Records whose key or value failed to deserialize (handled by the deserialization exception handler)'],
    ['processing-errors-total', 'kstreams_task_processing_errors_total', 'Processing exceptions handled by the processing exception handler'],
    ['skipped-records-total', 'kstreams_task_skipped_records_total', 'Records skipped by an exception handler answering CONTINUE'],
    ['dead-letter-records-total', 'kstreams_task_dead_letter_records_total', 'Records sent to the dead-letter topic'],
  ];
  for (const [from, name, help] of taskCounters) {
    counter(name, help, TASK, () => of('stream-task-metrics', from).map((m) => ({ labels: taskLabels(m), value: m.value })));
  }

  // Rate over the last RATE_WINDOW_MS, from the samples taken at previous scrapes.
  const samples = new Map<string, { t: number; v: number }[]>();
  gauge('kstreams_task_process_rate', `Records processed per second by the task, averaged over the scrapes of the last ${RATE_WINDOW_MS / 1_000} s (0 at the first scrape)`, TASK, () => {
    const now = clock();
    const out: { labels: Labels; value: number }[] = [];
    const seen = new Set<string>();
    for (const m of of('stream-task-metrics', 'process-total')) {
      const labels = taskLabels(m);
      const key = `${labels['thread_id']}\u0000${labels['task_id']}`;
      seen.add(key);
      const list = samples.get(key) ?? [];
      while (list.length > 1 && now - (list[1] as { t: number }).t >= RATE_WINDOW_MS) list.shift();
      const oldest = list[0];
      out.push({ labels, value: oldest !== undefined && now > oldest.t ? ((m.value - oldest.v) * 1_000) / (now - oldest.t) : 0 });
      list.push({ t: now, v: m.value });
      samples.set(key, list);
    }
    for (const key of [...samples.keys()]) if (!seen.has(key)) samples.delete(key);
    return out;
  });

  gauge('kstreams_task_consumer_lag', 'Records of the input partition after the last one fetched, as of the latest fetch (Kafka\'s records-lag)', [...TASK, 'topic', 'partition'], () =>
    of('stream-task-metrics', 'records-lag').map((m) => ({ labels: { ...taskLabels(m), topic: m.tags['topic'] ?? '', partition: m.tags['partition'] ?? '' }, value: m.value })));

  const CACHE = ['thread_id', 'task_id', 'store'] as const;
  const cacheLabels = (m: MetricValue): Labels => ({ ...taskLabels(m), store: m.tags['record-cache-id'] ?? '' });
  counter('kstreams_record_cache_hits_total', 'Store reads answered by the record cache', CACHE, () => of('stream-record-cache-metrics', 'hit-total').map((m) => ({ labels: cacheLabels(m), value: m.value })));
  counter('kstreams_record_cache_misses_total', 'Store reads the record cache could not answer', CACHE, () => of('stream-record-cache-metrics', 'miss-total').map((m) => ({ labels: cacheLabels(m), value: m.value })));
  gauge('kstreams_record_cache_hit_ratio', 'Record cache hits / reads since the store opened', CACHE, () => of('stream-record-cache-metrics', 'hit-ratio').map((m) => ({ labels: cacheLabels(m), value: m.value })));

  gauge('kstreams_store_approximate_entries', 'Approximate number of entries of a key-value store of an active task', ['task_id', 'store'], async () =>
    (await source.storeSizes()).map((s) => ({ labels: { task_id: s.taskId, store: s.store }, value: s.entries })));

  const THREAD = ['thread_id'] as const;
  counter('kstreams_thread_commits_total', 'Commits of the thread (each covers all its tasks)', THREAD, () => of('stream-thread-metrics', 'commit-total').map((m) => ({ labels: threadLabels(m), value: m.value })));
  gauge('kstreams_thread_commit_latency_avg_seconds', 'Average commit latency of the thread', THREAD, () => of('stream-thread-metrics', 'commit-latency-avg').map((m) => ({ labels: threadLabels(m), value: m.value / 1_000 })));
  gauge('kstreams_thread_commit_latency_max_seconds', 'Longest commit of the thread', THREAD, () => of('stream-thread-metrics', 'commit-latency-max').map((m) => ({ labels: threadLabels(m), value: m.value / 1_000 })));
  counter('kstreams_thread_records_sent_total', 'Records the thread\'s producer had acknowledged', THREAD, () => of('stream-thread-metrics', 'records-sent-total').map((m) => ({ labels: threadLabels(m), value: m.value })));

  gauge('kstreams_restore_records_restored', 'Records restored in the current (or last) restoration of the client\'s stores', [], () => [{ labels: {}, value: source.restorationProgress().restored }]);
  gauge('kstreams_restore_records_total', 'Records to restore in the current (or last) restoration (an upper bound while it runs)', [], () => [{ labels: {}, value: source.restorationProgress().total }]);
  gauge('kstreams_restore_partitions', 'Changelog partitions restoring now', [], () => [{ labels: {}, value: source.restorationProgress().partitions }]);
  gauge('kstreams_restore_rate', 'Records restored per second in the current (or last) restoration', [], () => [{ labels: {}, value: source.restorationProgress().rate }]);
}
