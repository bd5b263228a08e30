import { describe, expect, it } from 'vitest';
import { TopologyException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import { resolveRepartitionTopicPartitions, validateCopartitioning } from '../../src/topology/copartitioning.js';
import { Topology } from '../../src/topology/topology.js';

const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });

/** order (re-keyed through a repartition topic) joined with address: the shape of DESIGN §2's join. */
function joinTopology(): Topology {
  return new Topology()
    .addSource('order-source', 'order')
    .addProcessor('rekey', noop, 'order-source')
    .addSink('repartition-sink', 'rekey-repartition', 'rekey')
    .addSource('repartition-source', 'rekey-repartition')
    .addSource('address-source', 'address')
    .addProcessor('join', noop, 'repartition-source', 'address-source')
    .addSink('out', 'order_join', 'join')
    .markRepartitionTopic('rekey-repartition')
    .addCopartitionGroup(['rekey-repartition', 'address']);
}

describe('Topology.metadata()', () => {
  it('lists sub-topologies, the repartition topic with its writer, co-partition groups and sink topics', () => {
    const metadata = joinTopology().metadata('orders-app');
    expect(metadata.applicationId).toBe('orders-app');
    expect(metadata.subtopologies).toEqual([
      { id: 0, sourceTopics: ['order'], repartitionSourceTopics: [], copartitionGroups: [] },
      {
        id: 1,
        sourceTopics: ['orders-app-rekey-repartition', 'address'],
        repartitionSourceTopics: ['orders-app-rekey-repartition'],
        copartitionGroups: [['orders-app-rekey-repartition', 'address']],
      },
    ]);
    expect(metadata.internalTopics).toEqual([
      {
        name: 'orders-app-rekey-repartition',
        kind: 'repartition',
        writerSubtopology: 0,
        configs: { 'cleanup.policy': 'delete', 'segment.bytes': '52428800', 'retention.ms': '-1' },
      },
    ]);
    expect(metadata.sinkTopics).toEqual(['order_join']);
  });

  it('keeps a fixed repartition partition count, and merges overlapping co-partition groups', () => {
    const t = new Topology()
      .addSource('a', 'A')
      .addSource('b', 'B')
      .addSource('c', 'C')
      .addProcessor('j', noop, 'a', 'b', 'c')
      .addSink('s', 'r', 'j')
      .addSource('rs', 'r')
      .markRepartitionTopic('r', 6)
      .addCopartitionGroup(['A', 'B'])
      .addCopartitionGroup(['B', 'C']);
    const metadata = t.metadata('app');
    expect(metadata.internalTopics[0]?.partitions).toBe(6);
    expect(metadata.subtopologies[0]?.copartitionGroups.map((g) => [...g].sort())).toEqual([['A', 'B', 'C']]);
  });
});

describe('co-partitioning', () => {
  it('names both topics and both counts when a join is not co-partitioned', () => {
    const t = new Topology()
      .addSource('o', 'order')
      .addSource('a', 'address')
      .addProcessor('join', noop, 'o', 'a')
      .addCopartitionGroup(['order', 'address']);
    const metadata = t.metadata('app');
    let error: unknown;
    try {
      validateCopartitioning(metadata, new Map([['order', 3], ['address', 2]]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TopologyException);
    expect((error as Error).message).toMatch(/^Invalid topology: Topics \[order\] \(3 partitions\) and \[address\] \(2 partitions\) must be co-partitioned/);
    expect(() => validateCopartitioning(metadata, new Map([['order', 4], ['address', 4]]))).not.toThrow();
  });

  it('gives a repartition topic its writer sub-topology\'s max source partition count, or its join partner\'s', () => {
    const plain = new Topology()
      .addSource('a', ['x', 'y'])
      .addSink('s', 'r-repartition', 'a')
      .addSource('r', 'r-repartition')
      .markRepartitionTopic('r-repartition');
    expect(resolveRepartitionTopicPartitions(plain.metadata('app'), new Map([['x', 2], ['y', 5]]))).toEqual(new Map([['app-r-repartition', 5]]));

    // In a join group the repartition topic follows the user topic it is joined with.
    const joined = joinTopology().metadata('app');
    expect(resolveRepartitionTopicPartitions(joined, new Map([['order', 8], ['address', 3]]))).toEqual(new Map([['app-rekey-repartition', 3]]));
  });

  it('fails when a fixed repartition count contradicts its join partner', () => {
    const t = new Topology()
      .addSource('o', 'order')
      .addSink('s', 'r', 'o')
      .addSource('rs', 'r')
      .addSource('a', 'address')
      .addProcessor('join', noop, 'rs', 'a')
      .markRepartitionTopic('r', 4)
      .addCopartitionGroup(['r', 'address']);
    expect(() => resolveRepartitionTopicPartitions(t.metadata('app'), new Map([['order', 4], ['address', 2]]))).toThrow(
      /Topics \[app-r\] \(4 partitions\) and \[address\] \(2 partitions\) must be co-partitioned/,
    );
  });
});
