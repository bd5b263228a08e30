import { describe, expect, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { createRepartitionNode } from '../../src/dsl/internal/repartition-node.js';
import { STREAM_HANDLE } from '../../src/dsl/internal/stream-handle.js';
import { KStream } from '../../src/dsl/kstream.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Processor } from '../../src/processor/processor.js';
import type { FixedKeyProcessor } from '../../src/processor/fixed-key-processor.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

const noop = (): Processor<string, string, string, string> => ({ process: () => undefined });
const noopFixed = (): FixedKeyProcessor<string, string, string> => ({ process: () => undefined });

// SEMANTICS §12.1 (KStreamImpl): which operators set, keep or clear `repartitionRequired`.
describe('repartitionRequired', () => {
  const builder = new StreamsBuilder();
  const source = builder.stream<string, string>('in');
  const rekeyed = source.selectKey((k) => k);
  const flag = <K, V>(s: KStream<K, V>): boolean => s[STREAM_HANDLE].repartitionRequired;

  it('is false on a source stream', () => {
    expect(flag(source)).toBe(false);
  });

  it.each([
    ['selectKey', (s: KStream<string, string>) => s.selectKey((k) => k)],
    ['map', (s: KStream<string, string>) => s.map((k, v) => ({ key: k, value: v }))],
    ['flatMap', (s: KStream<string, string>) => s.flatMap((k, v) => [{ key: k, value: v }])],
    ['process', (s: KStream<string, string>) => s.process(noop)],
  ])('is set by %s', (_name, op) => {
    expect(flag(op(source))).toBe(true);
  });

  it.each([
    ['filter', (s: KStream<string, string>) => s.filter(() => true)],
    ['filterNot', (s: KStream<string, string>) => s.filterNot(() => true)],
    ['mapValues', (s: KStream<string, string>) => s.mapValues((v) => v)],
    ['flatMapValues', (s: KStream<string, string>) => s.flatMapValues((v) => [v])],
    ['peek', (s: KStream<string, string>) => s.peek(() => undefined)],
    ['processValues', (s: KStream<string, string>) => s.processValues(noopFixed)],
    ['split branch', (s: KStream<string, string>) => Object.values(s.split().branch(() => true).noDefaultBranch())[0]!],
  ])('is kept by %s', (_name, op) => {
    expect(flag(op(source))).toBe(false);
    expect(flag(op(rekeyed))).toBe(true);
  });

  it('is OR-ed by merge and cleared by repartition()', () => {
    expect(flag(source.merge(rekeyed))).toBe(true);
    expect(flag(rekeyed.merge(source))).toBe(true);
    expect(flag(rekeyed.repartition())).toBe(false);
  });

  it('travels into split branches given to a chain function', () => {
    let seen: boolean | undefined;
    rekeyed.split().branch(() => true, Branched.withConsumer((b) => (seen = flag(b)))).noDefaultBranch();
    expect(seen).toBe(true);
  });
});

// What the stateful operators build on: the handle, the builder's names, and repartition nodes.
describe('the internal DSL API', () => {
  it('the handle knows the graph node, node name, serdes and sources of a stream', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('in').mapValues((v) => v, undefined);
    const h = s[STREAM_HANDLE];
    expect(h.name).toBe('KSTREAM-MAPVALUES-0000000001');
    expect(h.node.nodeName).toBe('KSTREAM-MAPVALUES-0000000001');
    expect(h.node.valueChangingOperation).toBe(true);
    expect([...h.sourceNodes]).toEqual(['KSTREAM-SOURCE-0000000000']);
    expect(h.builder.sourceTopicsOf(h.sourceNodes)).toEqual(['in']);
  });

  it('newStoreName shares the processor counter: <prefix>STATE-STORE-<n>', () => {
    const builder = new StreamsBuilder();
    const h = builder.stream<string, string>('in')[STREAM_HANDLE];
    expect(h.builder.newStoreName('KSTREAM-AGGREGATE-')).toBe('KSTREAM-AGGREGATE-STATE-STORE-0000000001');
    expect(h.builder.newProcessorName('KSTREAM-AGGREGATE-')).toBe('KSTREAM-AGGREGATE-0000000002');
  });

  it('createRepartitionNode: generated prefixes give generated node names, others <topic>-sink|filter|source', () => {
    const builder = new StreamsBuilder();
    const mapped = builder.stream<string, string>('in').map((k, v) => ({ key: v, value: k }))[STREAM_HANDLE];
    const generated = createRepartitionNode(mapped.builder, 'optimizable', mapped.name, { keySerde: undefined, valueSerde: undefined, partitioner: undefined, partitions: undefined });
    expect([generated.topic, generated.sinkName, generated.filterName, generated.sourceName])
      .toEqual(['KSTREAM-MAP-0000000001-repartition', 'KSTREAM-SINK-0000000002', 'KSTREAM-FILTER-0000000003', 'KSTREAM-SOURCE-0000000004']);
    const named = createRepartitionNode(mapped.builder, 'optimizable', 'counts-store', { keySerde: undefined, valueSerde: undefined, partitioner: undefined, partitions: 3 });
    expect([named.topic, named.sinkName, named.filterName, named.sourceName])
      .toEqual(['counts-store-repartition', 'counts-store-repartition-sink', 'counts-store-repartition-filter', 'counts-store-repartition-source']);
    expect(mapped.builder.newProcessorName('X-')).toBe('X-0000000008');
  });

  it('a stateful operator can insert a repartition node and continue from it', async () => {
    const builder = new StreamsBuilder();
    const mapped = builder.stream<string, string>('in').selectKey((_k, v) => v)[STREAM_HANDLE];
    const node = createRepartitionNode(mapped.builder, 'optimizable', 'grouped', { keySerde: Serdes.String(), valueSerde: Serdes.String(), partitioner: undefined, partitions: undefined });
    mapped.builder.addGraphNode(mapped.node, node);
    new KStream<string, string>({ ...mapped, node, name: node.sourceName, sourceNodes: new Set([node.sourceName]), repartitionRequired: false }).to('out');
    await using driver = new TopologyTestDriver(builder.build(), { ...stringDefaults, 'application.id': 'app' });
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('old', 'new', 3);
    expect(driver.producedTopicNames().has('app-grouped-repartition')).toBe(true);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'new', value: 'new' }]);
  });

  it('filtersNullKeys = false (a left join downstream, KIP-962) lets null keys through the repartition', async () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string | null, string>('in').repartition(Repartitioned.as('r'));
    const node = s[STREAM_HANDLE].node as ReturnType<typeof createRepartitionNode>;
    node.filtersNullKeys = false;
    s.to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput(null, 'kept', 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: null, value: 'kept' }]);
  });
});
