import type { TopicPartition } from '../kafka/port.js';
import type { RecordCache } from '../state/record-cache.js';
import type { TaskId, TaskMetricsSink } from './task.js';

/** One metric reading, named as Kafka Streams names it (group + name + tags). */
export interface MetricValue {
  readonly group: 'stream-thread-metrics' | 'stream-task-metrics' | 'stream-record-cache-metrics';
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly value: number;
}

type TaskCounter = Parameters<TaskMetricsSink['increment']>[0];

interface ThreadCounters {
  process: number;
  commits: number;
  commitLatencyTotalMs: number;
  commitLatencyMaxMs: number;
  punctuations: number;
  recordsSent: number;
  tasksCreated: number;
  tasksClosed: number;
  transactionsCommitted: number;
  transactionsAborted: number;
  transactionCommitRounds: number;
  transactionCommitLatencyTotalMs: number;
  transactionCommitLatencyMaxMs: number;
  restored: number;
}

/** Per-thread view: what the stream thread counts about itself. */
export interface ThreadMetrics {
  recordProcessed(n: number): void;
  recordCommit(latencyMs: number): void;
  recordPunctuation(n: number): void;
  recordSent(n: number): void;
  recordTaskCreated(n: number): void;
  recordTaskClosed(n: number): void;
  /**
   * Exactly-once: `n` task transactions committed (in one commit round that took `latencyMs`,
   * the transactions committing in parallel) or aborted.
   */
  recordTransactions(outcome: 'committed' | 'aborted', n: number, latencyMs?: number): void;
  /** Changelog records restored into active tasks' stores. */
  recordRestored(n: number): void;
}

/**
 * Plain in-memory counters per thread and per task, read with `KafkaStreams.metrics()`.
 * A Prometheus export reads the same snapshot later.
 */
export class StreamsMetrics {
  /** thread id → task id → counter → value (nested maps: no key building on the per-record path). */
  readonly #tasks = new Map<string, Map<TaskId, Map<TaskCounter, number>>>();
  /** thread id → task id → `topic\0partition` → consumer lag at the latest fetch. */
  readonly #lags = new Map<string, Map<TaskId, Map<string, number>>>();
  readonly #threads = new Map<string, ThreadCounters>();
  /** thread id → the thread's record cache (hit ratio per named cache). */
  readonly #caches = new Map<string, RecordCache>();

  /** The sink a thread hands to its tasks: counters tagged with thread and task id. */
  taskSink(threadId: string): TaskMetricsSink {
    let byTask = this.#tasks.get(threadId);
    if (byTask === undefined) {
      byTask = new Map();
      this.#tasks.set(threadId, byTask);
    }
    const tasks = byTask;
    return {
      increment: (name, taskId, by = 1) => {
        let counters = tasks.get(taskId);
        if (counters === undefined) {
          counters = new Map();
          tasks.set(taskId, counters);
        }
        counters.set(name, (counters.get(name) ?? 0) + by);
      },
      recordLag: (taskId: TaskId, partition: TopicPartition, lag: number) => {
        let byTask = this.#lags.get(threadId);
        if (byTask === undefined) this.#lags.set(threadId, (byTask = new Map()));
        let lags = byTask.get(taskId);
        if (lags === undefined) byTask.set(taskId, (lags = new Map()));
        lags.set(`${partition.topic}\u0000${partition.partition}`, lag);
      },
    };
  }

  /** Drops every series of a thread the client removed (Kafka removes a removed thread's metrics too). */
  forgetThread(threadId: string): void {
    this.#threads.delete(threadId);
    this.#tasks.delete(threadId);
    this.#lags.delete(threadId);
    this.#caches.delete(threadId);
  }

  /** The record caches of the client's threads, by thread id. */
  caches(): ReadonlyMap<string, RecordCache> {
    return this.#caches;
  }

  /** Registers the record cache of thread `threadId` (its hit ratio per store is reported); returns it. */
  registerCache(threadId: string, cache: RecordCache): RecordCache {
    this.#caches.set(threadId, cache);
    return cache;
  }

  thread(threadId: string): ThreadMetrics {
    let c = this.#threads.get(threadId);
    if (c === undefined) {
      c = { process: 0, commits: 0, commitLatencyTotalMs: 0, commitLatencyMaxMs: 0, punctuations: 0, recordsSent: 0, tasksCreated: 0, tasksClosed: 0,
        transactionsCommitted: 0, transactionsAborted: 0, transactionCommitRounds: 0, transactionCommitLatencyTotalMs: 0, transactionCommitLatencyMaxMs: 0, restored: 0,
      };
      this.#threads.set(threadId, c);
    }
    const counters = c;
    return {
      recordProcessed: (n) => { counters.process += n; },
      recordCommit: (latencyMs) => {
        counters.commits++;
        counters.commitLatencyTotalMs += latencyMs;
        counters.commitLatencyMaxMs = Math.max(counters.commitLatencyMaxMs, latencyMs);
      },
      recordPunctuation: (n) => { counters.punctuations += n; },
      recordSent: (n) => { counters.recordsSent += n; },
      recordTaskCreated: (n) => { counters.tasksCreated += n; },
      recordTaskClosed: (n) => { counters.tasksClosed += n; },
      recordTransactions: (outcome, n, latencyMs) => {
        if (outcome === 'aborted') {
          counters.transactionsAborted += n;
          return;
        }
        counters.transactionsCommitted += n;
        if (latencyMs === undefined) return;
        counters.transactionCommitRounds++;
        counters.transactionCommitLatencyTotalMs += latencyMs;
        counters.transactionCommitLatencyMaxMs = Math.max(counters.transactionCommitLatencyMaxMs, latencyMs);
      },
      recordRestored: (n) => { counters.restored += n; },
    };
  }

  /** Every counter now; task counters end in `-total` as Kafka Streams' sensors do. */
  snapshot(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const [threadId, c] of this.#threads) {
      const tags = { 'thread-id': threadId };
      const add = (name: string, value: number): void => { out.push({ group: 'stream-thread-metrics', name, tags, value }); };
      add('process-total', c.process);
      add('commit-total', c.commits);
      add('commit-latency-avg', c.commits === 0 ? 0 : c.commitLatencyTotalMs / c.commits);
      add('commit-latency-max', c.commitLatencyMaxMs);
      add('punctuate-total', c.punctuations);
      add('records-sent-total', c.recordsSent);
      add('task-created-total', c.tasksCreated);
      add('task-closed-total', c.tasksClosed);
      // Exactly-once only (0 under at-least-once): task transactions and how long a commit round of them took.
      add('transactions-committed-total', c.transactionsCommitted);
      add('transactions-aborted-total', c.transactionsAborted);
      add('transaction-commit-latency-avg', c.transactionCommitRounds === 0 ? 0 : c.transactionCommitLatencyTotalMs / c.transactionCommitRounds);
      add('transaction-commit-latency-max', c.transactionCommitLatencyMaxMs);
      add('restore-records-total', c.restored);
    }
    for (const [threadId, byTask] of this.#tasks) {
      for (const [taskId, counters] of byTask) {
        const tags = { 'thread-id': threadId, 'task-id': taskId };
        for (const [name, value] of counters) out.push({ group: 'stream-task-metrics', name: `${name}-total`, tags, value });
      }
    }
    for (const [threadId, byTask] of this.#lags) {
      for (const [taskId, lags] of byTask) {
        for (const [tp, value] of lags) {
          const [topic, partition] = tp.split('\u0000') as [string, string];
          out.push({ group: 'stream-task-metrics', name: 'records-lag', tags: { 'thread-id': threadId, 'task-id': taskId, topic, partition }, value });
        }
      }
    }
    for (const [threadId, cache] of this.#caches) {
      for (const { namespace, hits, misses } of cache.stats()) {
        // Named caches are `<taskId>-<store>`; task ids have no '-'.
        const cut = namespace.indexOf('-');
        const tags = { 'thread-id': threadId, 'task-id': namespace.slice(0, cut), 'record-cache-id': namespace.slice(cut + 1) };
        out.push({ group: 'stream-record-cache-metrics', name: 'hit-total', tags, value: hits });
        out.push({ group: 'stream-record-cache-metrics', name: 'miss-total', tags, value: misses });
        out.push({ group: 'stream-record-cache-metrics', name: 'hit-ratio', tags, value: hits + misses === 0 ? 0 : hits / (hits + misses) });
      }
    }
    return out;
  }
}

/** Sums one metric over all tags, e.g. `total(metrics, 'stream-task-metrics', 'skipped-records-total')`. */
export function sumMetric(metrics: readonly MetricValue[], group: MetricValue['group'], name: string): number {
  let sum = 0;
  for (const m of metrics) if (m.group === group && m.name === name) sum += m.value;
  return sum;
}
