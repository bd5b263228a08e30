import { describe, expect, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { Consumed } from '../../src/dsl/consumed.js';
import { Named } from '../../src/dsl/named.js';
import { Produced } from '../../src/dsl/produced.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { Processor } from '../../src/processor/processor.js';
import type { FixedKeyProcessor } from '../../src/processor/fixed-key-processor.js';

const names = (builder: StreamsBuilder): string[] => builder.build().nodes().map((n) => n.name);
const noop = (): Processor<unknown, unknown> => ({ process: () => undefined });
const noopFixed = (): FixedKeyProcessor<unknown, unknown> => ({ process: () => undefined });

// Node names as Kafka Streams generates them: one counter per builder, `PREFIX + %010d`
// (InternalStreamsBuilder.newProcessorName); a Named name still draws the index
// (NamedInternal.orElseGenerateWithPrefix). The cases mirror apache/kafka
// streams/src/test/java/org/apache/kafka/streams/StreamsBuilderTest.java (shouldUseSpecifiedNameFor*).
describe('generated node names', () => {
  it('numbers every operator from one counter, with Kafka\'s prefixes', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('in');
    s.filter(() => true)
      .filterNot(() => false)
      .map((k, v) => ({ key: k, value: v }))
      .mapValues((v) => v)
      .flatMap((k, v) => [{ key: k, value: v }])
      .flatMapValues((v) => [v])
      .selectKey((k) => k)
      .peek(() => undefined)
      .merge(builder.stream<string, string>('in2'))
      .process(noop)
      .processValues(noopFixed)
      .to('out');
    s.foreach(() => undefined);
    expect(names(builder)).toEqual([
      'KSTREAM-SOURCE-0000000000', 'KSTREAM-FILTER-0000000001', 'KSTREAM-FILTER-0000000002', 'KSTREAM-MAP-0000000003',
      'KSTREAM-MAPVALUES-0000000004', 'KSTREAM-FLATMAP-0000000005', 'KSTREAM-FLATMAPVALUES-0000000006', 'KSTREAM-KEY-SELECT-0000000007',
      'KSTREAM-PEEK-0000000008', 'KSTREAM-SOURCE-0000000009', 'KSTREAM-MERGE-0000000010', 'KSTREAM-PROCESSOR-0000000011',
      'KSTREAM-PROCESSVALUES-0000000012', 'KSTREAM-SINK-0000000013', 'KSTREAM-FOREACH-0000000014',
    ]);
  });

  it('shouldUseSpecifiedNameForStreamSourceProcessor', () => {
    const builder = new StreamsBuilder();
    builder.stream('stream-topic', Consumed.as('source-node'));
    builder.stream('stream-topic-two');
    expect(names(builder)).toEqual(['source-node', 'KSTREAM-SOURCE-0000000001']);
  });

  it('shouldUseSpecifiedNameForSinkProcessor', () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream('stream-topic');
    stream.to('stream-topic-two', Produced.as('sink-processor'));
    stream.to('stream-topic-two');
    expect(names(builder)).toEqual(['KSTREAM-SOURCE-0000000000', 'sink-processor', 'KSTREAM-SINK-0000000002']);
  });

  it('shouldUseSpecifiedNameFor{Map,MapValues,Filter,ForEach}Operation', () => {
    for (const op of ['map', 'mapValues', 'filter', 'foreach', 'flatMap', 'flatMapValues', 'selectKey', 'peek', 'filterNot'] as const) {
      const builder = new StreamsBuilder();
      const s = builder.stream<string, string>('stream-topic');
      const named = Named.as('stream-operation');
      if (op === 'map') s.map((k, v) => ({ key: k, value: v }), named);
      if (op === 'mapValues') s.mapValues((v) => v, named);
      if (op === 'filter') s.filter(() => true, named);
      if (op === 'filterNot') s.filterNot(() => true, named);
      if (op === 'foreach') s.foreach(() => undefined, named);
      if (op === 'flatMap') s.flatMap((k, v) => [{ key: k, value: v }], named);
      if (op === 'flatMapValues') s.flatMapValues((v) => [v], named);
      if (op === 'selectKey') s.selectKey((k) => k, named);
      if (op === 'peek') s.peek(() => undefined, named);
      expect(names(builder), op).toEqual(['KSTREAM-SOURCE-0000000000', 'stream-operation']);
    }
  });

  it('a Named operator still draws its index, so the next generated name skips it', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').filter(() => true, Named.as('named-filter')).mapValues((v) => v).to('out');
    expect(names(builder)).toEqual(['KSTREAM-SOURCE-0000000000', 'named-filter', 'KSTREAM-MAPVALUES-0000000002', 'KSTREAM-SINK-0000000003']);
  });

  it('shouldUseSpecifiedNameForSplitOperation', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('stream-topic')
      .split(Named.as('branch-processor'))
      .branch(() => true, Branched.as('-1'))
      .branch(() => false, Branched.as('-2'));
    expect(names(builder)).toEqual(['KSTREAM-SOURCE-0000000000', 'branch-processor', 'branch-processor-1', 'branch-processor-2']);
  });

  it('shouldUseSpecifiedNameForMergeOperation', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('topic-1').merge(builder.stream<string, string>('topic-2'), Named.as('merge-processor'));
    expect(names(builder)).toEqual(['KSTREAM-SOURCE-0000000000', 'KSTREAM-SOURCE-0000000001', 'merge-processor']);
  });

  it('shouldUseSpecifiedNameFor{Process,ProcessValues}Operation, and then no index is drawn', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('stream-topic');
    s.process(noop, Named.as('test-processor'));
    s.processValues(noopFixed, Named.as('test-fixed-key-processor'));
    s.to('out');
    expect(names(builder)).toEqual(['KSTREAM-SOURCE-0000000000', 'test-processor', 'test-fixed-key-processor', 'KSTREAM-SINK-0000000001']);
  });

  it('repartition(): KSTREAM-REPARTITION-<n>, then sink, filter and source draw three indices', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition().to('out');
    builder.stream<string, string>('in2').repartition(Repartitioned.as('named')).to('out2');
    expect(names(builder)).toEqual([
      'KSTREAM-SOURCE-0000000000',
      'KSTREAM-FILTER-0000000003', 'KSTREAM-SINK-0000000002', 'KSTREAM-SOURCE-0000000004', // REPARTITION-1 names the topic
      'KSTREAM-SINK-0000000005',
      'KSTREAM-SOURCE-0000000006',
      // a Repartitioned name draws no KSTREAM-REPARTITION index, the three nodes still draw 7, 8, 9
      'named-repartition-filter', 'named-repartition-sink', 'named-repartition-source',
      'KSTREAM-SINK-0000000010',
    ]);
  });

  it('a Repartitioned name ending in -repartition is not suffixed twice', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').repartition(Repartitioned.as('x-repartition')).to('out');
    expect(builder.build().metadata('app').internalTopics.map((t) => t.name)).toEqual(['app-x-repartition']);
    expect(names(builder)).toContain('x-repartition-source');
  });
});
