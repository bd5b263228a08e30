import { describe, expect, it } from 'vitest';
import { TopologyException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import { Topology } from '../../src/topology/topology.js';

const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });

function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an exception');
}

describe('Topology validation', () => {
  it('rejects a duplicate node name, whatever the kind', () => {
    const t = new Topology().addSource('source', 'topic-1');
    const e = thrown(() => t.addProcessor('source', noop, 'source'));
    expect(e).toBeInstanceOf(TopologyException);
    expect(e.message).toBe('Invalid topology: Processor source is already added.');
    expect(() => t.addSource('source', 'topic-2')).toThrow(TopologyException);
    expect(() => t.addSink('source', 'out', 'source')).toThrow(TopologyException);
  });

  it('rejects a topic read by two sources', () => {
    const t = new Topology().addSource('source', ['topic-1', 'topic-2']);
    const e = thrown(() => t.addSource('source-2', 'topic-2'));
    expect(e).toBeInstanceOf(TopologyException);
    expect(e.message).toContain('Topic topic-2 has already been registered by another source.');
  });

  it('rejects a source without topics', () => {
    expect(() => new Topology().addSource('source', [])).toThrow(/at least one topic/);
  });

  it('rejects processors and sinks without parents, with unknown parents, or with themselves as parent', () => {
    const t = new Topology().addSource('source', 'topic-1');
    expect(thrown(() => t.addProcessor('p', noop)).message).toContain('Processor p must have at least one parent');
    expect(thrown(() => t.addSink('sink', 'out')).message).toContain('Sink sink must have at least one parent');
    expect(thrown(() => t.addProcessor('p', noop, 'nope')).message).toContain('Predecessor processor nope is not added yet for p');
    expect(thrown(() => t.addSink('sink', 'out', undefined, 'nope')).message).toContain('Predecessor processor nope is not added yet for sink');
    expect(thrown(() => t.addProcessor('p', noop, 'p')).message).toContain('Processor p cannot be a predecessor of itself.');
  });

  it('rejects a sink as parent', () => {
    const t = new Topology().addSource('source', 'topic-1').addSink('sink-1', 'topic-2', 'source');
    expect(thrown(() => t.addSink('sink-2', 'topic-3', 'sink-1')).message).toContain('Sink sink-1 cannot be used a parent');
    expect(() => t.addProcessor('p', noop, 'sink-1')).toThrow(TopologyException);
  });

  it('rejects a supplier that is neither a function nor an object with get()', () => {
    const t = new Topology().addSource('source', 'topic-1');
    expect(() => t.addProcessor('p', 42 as never, 'source')).toThrow(/must be a function or an object with get\(\)/);
    expect(() => t.addProcessor('p', { get: noop }, 'source')).not.toThrow();
  });

  it('accepts addSink(name, topic, ...parents) and addSink(name, topic, options, ...parents)', () => {
    const t = new Topology()
      .addSource('a', 'in-a')
      .addSource('b', 'in-b')
      .addSink('s1', 'out-1', 'a', 'b')
      .addSink('s2', 'out-2', {}, 'a', 'b');
    const nodes = t.describe().subtopologies[0]?.nodes ?? [];
    expect(nodes.find((n) => n.name === 's1')?.predecessors).toEqual(['a', 'b']);
    expect(nodes.find((n) => n.name === 's2')?.predecessors).toEqual(['a', 'b']);
  });

  it('metadata() rejects an empty topology and a repartition topic no sink writes', () => {
    expect(() => new Topology().metadata('app')).toThrow(/no source node/);
    const t = new Topology().addSource('s', 'x-repartition').markRepartitionTopic('x-repartition');
    expect(thrown(() => t.metadata('app')).message).toContain('Repartition topic x-repartition is not written by any sink');
  });
});
