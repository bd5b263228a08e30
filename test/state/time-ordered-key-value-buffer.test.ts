import { describe, expect, it } from 'vitest';
import type { RecordContext } from '../../src/processor/record-metadata.js';
import { InMemoryTimeOrderedKeyValueBuffer, type BufferEviction } from '../../src/state/time-ordered-key-value-buffer.js';
import { b, layerTaskContext } from './window-layers-context.js';

const context = (timestamp: number, offset = 0): RecordContext => ({ topic: 'in', partition: 0, offset, timestamp, headers: [{ key: 'h', value: b('1') }] });

async function evictAll(buffer: InMemoryTimeOrderedKeyValueBuffer, upTo: number): Promise<string[]> {
  const out: string[] = [];
  await buffer.evictWhile(() => buffer.minTimestamp <= upTo, (e: BufferEviction) => void out.push(`${e.key.toString()}@${e.time}=${e.newValue?.toString() ?? null}/${e.oldValue?.toString() ?? null}/${e.priorValue?.toString() ?? null}@${e.context.timestamp}`));
  return out;
}

describe('InMemoryTimeOrderedKeyValueBuffer', () => {
  // SEMANTICS §5.5: evicted in (buffer time, key bytes) order; a key keeps its first buffer time
  // ("non-resetting") and emits its latest change with the latest update's context.
  it('evicts by (time, key) with non-resetting buffer times and the latest change', async () => {
    const buffer = new InMemoryTimeOrderedKeyValueBuffer('buf', undefined, undefined);
    await buffer.init();
    buffer.put(10, b('b'), { oldValue: null, newValue: b('1') }, context(3));
    buffer.put(10, b('a'), { oldValue: b('0'), newValue: b('1') }, context(4));
    buffer.put(5, b('c'), { oldValue: null, newValue: b('1') }, context(5));
    buffer.put(30, b('c'), { oldValue: b('1'), newValue: b('2') }, context(6));
    expect(buffer.minTimestamp).toBe(5);
    expect(buffer.numRecords).toBe(3);
    expect(buffer.priorValueForBuffered(b('a'))).toEqual({ found: true, value: b('0') });
    expect(buffer.priorValueForBuffered(b('x'))).toEqual({ found: false });
    expect(await evictAll(buffer, 10)).toEqual(['c@5=2/1/null@6', 'a@10=1/0/0@4', 'b@10=1/null/null@3']);
    expect([buffer.numRecords, buffer.bufferSize, buffer.minTimestamp]).toEqual([0, 0, Infinity]);
  });

  it('estimates sizes as Kafka (time, key, values, record context) and counts a first old value once', async () => {
    const buffer = new InMemoryTimeOrderedKeyValueBuffer('buf', undefined, undefined);
    buffer.put(1, b('key'), { oldValue: b('old'), newValue: b('new!') }, context(1));
    // 8 + 3 (key) + 3 (prior = old, once) + 4 (new) + 8 + 8 + 4 + 2 ("in") + 1 + 1 (header)
    expect(buffer.bufferSize).toBe(42);
    buffer.put(1, b('key'), { oldValue: b('new!'), newValue: b('x') }, context(2));
    expect(buffer.bufferSize).toBe(8 + 3 + 3 + 4 + 1 + 24);
  });

  it('logs dirty keys on flush (evicted ones as tombstones) and restores from those records', async () => {
    const task = layerTaskContext(0);
    const buffer = new InMemoryTimeOrderedKeyValueBuffer('buf', task.context, 'app-buf-changelog');
    await buffer.init();
    expect(buffer.changelogTopic).toBe('app-buf-changelog');
    buffer.put(10, b('a'), { oldValue: b('0'), newValue: b('1') }, context(4, 7));
    buffer.put(20, b('b'), { oldValue: null, newValue: b('1') }, context(5, 8));
    buffer.put(20, b('b'), { oldValue: b('1'), newValue: b('2') }, context(6, 9));
    await buffer.flush();
    expect(task.logged.map((r) => [r.key.toString(), r.value === null ? null : 'value', r.timestamp])).toEqual([['a', 'value', 4], ['b', 'value', 6]]);
    task.at(10, 50);
    await evictAll(buffer, 10);
    await buffer.flush();
    expect(task.logged.slice(2).map((r) => [r.key.toString(), r.value, r.timestamp])).toEqual([['a', null, 50]]);

    const restored = new InMemoryTimeOrderedKeyValueBuffer('buf', layerTaskContext(0).context, 'app-buf-changelog');
    await restored.init();
    await restored.restore(task.logged.map((r) => ({ key: r.key, value: r.value, timestamp: r.timestamp })));
    expect(restored.numRecords).toBe(1);
    expect(restored.bufferSize).toBe(buffer.bufferSize);
    const evicted: BufferEviction[] = [];
    await restored.evictWhile(() => restored.numRecords > 0, (e) => void evicted.push(e));
    expect(evicted).toEqual([{
      key: b('b'), time: 20, priorValue: null, oldValue: b('1'), newValue: b('2'),
      context: { topic: 'in', partition: 0, offset: 9, timestamp: 6, headers: [{ key: 'h', value: b('1') }] },
    }]);
  });

  it('is not a changelog restorer without logging', () => {
    const buffer = new InMemoryTimeOrderedKeyValueBuffer('buf', layerTaskContext(0).context, undefined);
    expect(typeof buffer.changelogTopic).toBe('undefined');
  });
});
