import { describe, expect, it } from 'vitest';
import { Topology } from '../../src/topology/topology.js';
import type { Processor } from '../../src/processor/processor.js';

const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });

describe('Topology.describe() prints as Kafka Streams does', () => {
  it('a single sub-topology: source, processor, sink (Kafka TopologyDescriptionFormatterTest shape)', () => {
    const topology = new Topology()
      .addSource('source', 'input')
      .addProcessor('processor', noop, 'source')
      .addSink('sink', 'output', 'processor');
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: source (topics: [input])\n' +
        '      --> processor\n' +
        '    Processor: processor (stores: [])\n' +
        '      --> sink\n' +
        '      <-- source\n' +
        '    Sink: sink (topic: output)\n' +
        '      <-- processor\n' +
        '\n',
    );
  });

  it('orders children of equal subtree size by name and leaves print "--> none"', () => {
    // The Processor API lesson graph: source -> upper -> (sink, logger), as Kafka prints it.
    const topology = new Topology()
      .addSource('source', 'papi-input')
      .addProcessor('upper', noop, 'source')
      .addSink('sink', 'papi-output', 'upper')
      .addProcessor('logger', noop, 'upper');
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: source (topics: [papi-input])\n' +
        '      --> upper\n' +
        '    Processor: upper (stores: [])\n' +
        '      --> logger, sink\n' +
        '      <-- source\n' +
        '    Processor: logger (stores: [])\n' +
        '      --> none\n' +
        '      <-- upper\n' +
        '    Sink: sink (topic: papi-output)\n' +
        '      <-- upper\n' +
        '\n',
    );
  });

  it('splits unconnected sources into sub-topologies numbered in order of addition (Kafka output for a split() program)', () => {
    // The physical graph of a DSL program whose Kafka Streams describe() output is published (KSML docs):
    // two sources read the topics that branches of a third sub-topology write.
    const topology = new Topology()
      .addSource('KSTREAM-SOURCE-0000000000', 'ksml_sensordata_blue')
      .addSource('KSTREAM-SOURCE-0000000001', 'ksml_sensordata_red')
      .addSource('KSTREAM-SOURCE-0000000002', 'ksml_sensordata_avro')
      .addProcessor('KSTREAM-PEEK-0000000003', noop, 'KSTREAM-SOURCE-0000000002')
      .addProcessor('KSTREAM-BRANCH-0000000004', noop, 'KSTREAM-PEEK-0000000003')
      .addProcessor('KSTREAM-BRANCHCHILD-0000000005', noop, 'KSTREAM-BRANCH-0000000004')
      .addProcessor('KSTREAM-BRANCHCHILD-0000000006', noop, 'KSTREAM-BRANCH-0000000004')
      .addProcessor('KSTREAM-BRANCHCHILD-0000000007', noop, 'KSTREAM-BRANCH-0000000004')
      .addSink('KSTREAM-SINK-0000000008', 'ksml_sensordata_blue', 'KSTREAM-BRANCHCHILD-0000000005')
      .addSink('KSTREAM-SINK-0000000009', 'ksml_sensordata_red', 'KSTREAM-BRANCHCHILD-0000000006')
      .addProcessor('KSTREAM-FOREACH-0000000010', noop, 'KSTREAM-BRANCHCHILD-0000000007');
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [ksml_sensordata_blue])\n' +
        '      --> none\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000001 (topics: [ksml_sensordata_red])\n' +
        '      --> none\n' +
        '\n' +
        '  Sub-topology: 2\n' +
        '    Source: KSTREAM-SOURCE-0000000002 (topics: [ksml_sensordata_avro])\n' +
        '      --> KSTREAM-PEEK-0000000003\n' +
        '    Processor: KSTREAM-PEEK-0000000003 (stores: [])\n' +
        '      --> KSTREAM-BRANCH-0000000004\n' +
        '      <-- KSTREAM-SOURCE-0000000002\n' +
        '    Processor: KSTREAM-BRANCH-0000000004 (stores: [])\n' +
        '      --> KSTREAM-BRANCHCHILD-0000000005, KSTREAM-BRANCHCHILD-0000000006, KSTREAM-BRANCHCHILD-0000000007\n' +
        '      <-- KSTREAM-PEEK-0000000003\n' +
        '    Processor: KSTREAM-BRANCHCHILD-0000000005 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000008\n' +
        '      <-- KSTREAM-BRANCH-0000000004\n' +
        '    Processor: KSTREAM-BRANCHCHILD-0000000006 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000009\n' +
        '      <-- KSTREAM-BRANCH-0000000004\n' +
        '    Processor: KSTREAM-BRANCHCHILD-0000000007 (stores: [])\n' +
        '      --> KSTREAM-FOREACH-0000000010\n' +
        '      <-- KSTREAM-BRANCH-0000000004\n' +
        '    Processor: KSTREAM-FOREACH-0000000010 (stores: [])\n' +
        '      --> none\n' +
        '      <-- KSTREAM-BRANCHCHILD-0000000007\n' +
        '    Sink: KSTREAM-SINK-0000000008 (topic: ksml_sensordata_blue)\n' +
        '      <-- KSTREAM-BRANCHCHILD-0000000005\n' +
        '    Sink: KSTREAM-SINK-0000000009 (topic: ksml_sensordata_red)\n' +
        '      <-- KSTREAM-BRANCHCHILD-0000000006\n' +
        '\n',
    );
    expect(topology.describe().subtopologies.map((s) => s.id)).toEqual([0, 1, 2]);
  });

  it('orders -->/<-- lists as Kafka does, even where its TreeSets hold stale subtree sizes', () => {
    // Expected text produced by Kafka Streams 4.1.2's Topology.describe() for the same graph: "<-- short,
    // b-source" is not name order; Kafka's TreeSet ordered them by sizes at insertion time.
    const topology = new Topology()
      .addSource('a-source', 'left')
      .addSource('b-source', 'right')
      .addProcessor('short', noop, 'a-source')
      .addProcessor('long', noop, 'a-source')
      .addProcessor('long-2', noop, 'long')
      .addProcessor('merge', noop, 'short', 'b-source')
      .addSink('sink', 'out', 'merge', 'long-2');
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: a-source (topics: [left])\n' +
        '      --> long, short\n' +
        '    Source: b-source (topics: [right])\n' +
        '      --> merge\n' +
        '    Processor: long (stores: [])\n' +
        '      --> long-2\n' +
        '      <-- a-source\n' +
        '    Processor: short (stores: [])\n' +
        '      --> merge\n' +
        '      <-- a-source\n' +
        '    Processor: long-2 (stores: [])\n' +
        '      --> sink\n' +
        '      <-- long\n' +
        '    Processor: merge (stores: [])\n' +
        '      --> sink\n' +
        '      <-- short, b-source\n' +
        '    Sink: sink (topic: out)\n' +
        '      <-- merge, long-2\n' +
        '\n',
    );
    expect(topology.describe().subtopologies).toHaveLength(1);
  });

  it('prints a source with several topics in Java HashSet order and a dynamic sink with its extractor', () => {
    const byValue = (_k: unknown, v: unknown): string => String(v);
    const topology = new Topology()
      .addSource('source', ['topic-b', 'topic-a', 'topic-c'])
      .addSink('router', byValue, undefined, 'source');
    const text = topology.describe().toString();
    // "topic-a" .. "topic-c" hash to consecutive buckets, so Java iterates them in that order.
    expect(text).toContain('Source: source (topics: [topic-a, topic-b, topic-c])');
    expect(text).toContain('    Sink: router (extractor class: byValue)\n      <-- source\n');
    const sink = topology.describe().subtopologies[0]?.nodes.find((n) => n.name === 'router');
    expect(sink?.type).toBe('sink');
    expect(sink?.type === 'sink' ? sink.topicNameExtractor : undefined).toBe(byValue);
  });

  it('splits at a repartition topic: the writing sink and the reading source are in different sub-topologies', () => {
    const topology = new Topology()
      .addSource('KSTREAM-SOURCE-0000000000', 'input')
      .addProcessor('KSTREAM-KEY-SELECT-0000000001', noop, 'KSTREAM-SOURCE-0000000000')
      .addSink('KSTREAM-SINK-0000000003', 'KSTREAM-REPARTITION-0000000002-repartition', 'KSTREAM-KEY-SELECT-0000000001')
      .addSource('KSTREAM-SOURCE-0000000004', 'KSTREAM-REPARTITION-0000000002-repartition')
      .addSink('KSTREAM-SINK-0000000005', 'output', 'KSTREAM-SOURCE-0000000004')
      .markRepartitionTopic('KSTREAM-REPARTITION-0000000002-repartition');
    expect(topology.describe().toString()).toBe(
      'Topologies:\n' +
        '   Sub-topology: 0\n' +
        '    Source: KSTREAM-SOURCE-0000000000 (topics: [input])\n' +
        '      --> KSTREAM-KEY-SELECT-0000000001\n' +
        '    Processor: KSTREAM-KEY-SELECT-0000000001 (stores: [])\n' +
        '      --> KSTREAM-SINK-0000000003\n' +
        '      <-- KSTREAM-SOURCE-0000000000\n' +
        '    Sink: KSTREAM-SINK-0000000003 (topic: KSTREAM-REPARTITION-0000000002-repartition)\n' +
        '      <-- KSTREAM-KEY-SELECT-0000000001\n' +
        '\n' +
        '  Sub-topology: 1\n' +
        '    Source: KSTREAM-SOURCE-0000000004 (topics: [KSTREAM-REPARTITION-0000000002-repartition])\n' +
        '      --> KSTREAM-SINK-0000000005\n' +
        '    Sink: KSTREAM-SINK-0000000005 (topic: output)\n' +
        '      <-- KSTREAM-SOURCE-0000000004\n' +
        '\n',
    );
  });

  it('exposes the graph as objects too', () => {
    const description = new Topology().addSource('s', 't').addProcessor('p', noop, 's').describe();
    const [sub] = description.subtopologies;
    expect(sub?.nodes.map((n) => [n.type, n.name, n.predecessors, n.successors])).toEqual([
      ['source', 's', [], ['p']],
      ['processor', 'p', ['s'], []],
    ]);
    expect(description.globalStores).toEqual([]);
  });
});
