import { describe, expect, it } from 'vitest';
import { StreamsMetrics, sumMetric } from '../../src/runtime/streams-metrics.js';

describe('StreamsMetrics', () => {
  it('counts per task with thread and task tags, named <counter>-total', () => {
    const metrics = new StreamsMetrics();
    const sink = metrics.taskSink('t1');
    sink.increment('process', '0_0');
    sink.increment('process', '0_0', 4);
    sink.increment('skipped-records', '0_1');
    metrics.taskSink('t2').increment('process', '0_1', 2);
    const task = metrics.snapshot().filter((m) => m.group === 'stream-task-metrics');
    expect(task).toEqual([
      { group: 'stream-task-metrics', name: 'process-total', tags: { 'thread-id': 't1', 'task-id': '0_0' }, value: 5 },
      { group: 'stream-task-metrics', name: 'skipped-records-total', tags: { 'thread-id': 't1', 'task-id': '0_1' }, value: 1 },
      { group: 'stream-task-metrics', name: 'process-total', tags: { 'thread-id': 't2', 'task-id': '0_1' }, value: 2 },
    ]);
    expect(sumMetric(task, 'stream-task-metrics', 'process-total')).toBe(7);
  });

  it('keeps commit count, average and max latency per thread', () => {
    const metrics = new StreamsMetrics();
    const thread = metrics.thread('t1');
    thread.recordCommit(10);
    thread.recordCommit(30);
    thread.recordProcessed(100);
    const byName = Object.fromEntries(metrics.snapshot().filter((m) => m.tags['thread-id'] === 't1').map((m) => [m.name, m.value]));
    expect(byName).toMatchObject({ 'commit-total': 2, 'commit-latency-avg': 20, 'commit-latency-max': 30, 'process-total': 100 });
  });
});
