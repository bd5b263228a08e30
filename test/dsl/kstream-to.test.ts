import { describe, expect, it } from 'vitest';
import { Consumed } from '../../src/dsl/consumed.js';
import { Produced } from '../../src/dsl/produced.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { RecordContext } from '../../src/processor/record-metadata.js';
import { Serdes } from '../../src/serde/serdes.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

describe('KStream.to(topic)', () => {
  it('writes each record with its key, value and timestamp', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 42);
    const [r] = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    expect([r?.key, r?.value, r?.timestamp]).toEqual(['k', 'v', 42]);
  });

  it('writes with the Produced serdes', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').mapValues((v) => v.length).to('out', Produced.with(Serdes.String(), Serdes.Long()));
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'four', 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.Long()).readKeyValuesToList()).toEqual([{ key: 'k', value: 4 }]);
  });

  it('calls the Produced partitioner with topic, key, value and the partition count', async () => {
    const calls: unknown[][] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').to('out', Produced.streamPartitioner((topic, key, value, n) => {
      calls.push([topic, key, value, n]);
      return 0;
    }));
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1);
    expect(calls).toEqual([['out', 'k', 'v', 1]]);
  });

  it('names the sink KSTREAM-SINK-<n>, or Produced.as(name)', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('in');
    s.to('a');
    s.to('b', Produced.as('to-b'));
    expect(builder.build().nodes().filter((n) => n.kind === 'sink').map((n) => n.name)).toEqual(['KSTREAM-SINK-0000000001', 'to-b']);
  });

  it('rejects a missing topic and a wrong produced argument', () => {
    const s = new StreamsBuilder().stream<string, string>('in');
    expect(() => s.to('')).toThrow('to(): topic must be a non-empty string, but got: ""');
    expect(() => s.to(undefined as never)).toThrow(/to\(\): topic must be a non-empty string, but got: undefined/);
    expect(() => s.to('t', { keySerde: Serdes.String() } as never)).toThrow(/to\(\): produced must be a Produced or undefined/);
  });
});

describe('KStream.to(extractor)', () => {
  it('writes each record to the topic the extractor picks from its key and value', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').to((_k, v) => (v.startsWith('ERROR') ? 'errors' : 'other'));
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('Sink: KSTREAM-SINK-0000000001 (extractor class: ');
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'ERROR disk full', 1);
    await input.pipeInput('b', 'INFO started', 2);
    await input.pipeInput('c', 'ERROR again', 3);
    expect(driver.createOutputTopic('errors', Serdes.String(), Serdes.String()).readKeyValuesToList())
      .toEqual([{ key: 'a', value: 'ERROR disk full' }, { key: 'c', value: 'ERROR again' }]);
    expect(driver.createOutputTopic('other', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'b', value: 'INFO started' }]);
  });

  it('gives the extractor the record context (source topic, offset, timestamp)', async () => {
    const contexts: Pick<RecordContext, 'topic' | 'offset' | 'timestamp'>[] = [];
    const builder = new StreamsBuilder();
    builder.stream<string, string>('left').merge(builder.stream<string, string>('right')).to((_k, _v, ctx) => {
      contexts.push({ topic: ctx.topic, offset: ctx.offset, timestamp: ctx.timestamp });
      return `from-${ctx.topic}`;
    });
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('left', Serdes.String(), Serdes.String()).pipeInput('k', 'l0', 5);
    await driver.createInputTopic('right', Serdes.String(), Serdes.String()).pipeInput('k', 'r0', 6);
    await driver.createInputTopic('left', Serdes.String(), Serdes.String()).pipeInput('k', 'l1', 7);
    expect(contexts).toEqual([{ topic: 'left', offset: 0, timestamp: 5 }, { topic: 'right', offset: 0, timestamp: 6 }, { topic: 'left', offset: 1, timestamp: 7 }]);
    expect(driver.createOutputTopic('from-left', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['l0', 'l1']);
    expect(driver.createOutputTopic('from-right', Serdes.String(), Serdes.String()).readValuesToList()).toEqual(['r0']);
  });
});

// Kafka's KStreamImpl keeps the serdes of the types it still knows: a sink without Produced serdes
// uses the stream's, and an operator that changes a type drops that type's serde, so the config
// default applies downstream.
describe('serdes downstream of an operator', () => {
  async function valueBytes(build: (b: StreamsBuilder) => void, pipe: (d: TopologyTestDriver) => Promise<void>): Promise<Buffer[]> {
    const builder = new StreamsBuilder();
    build(builder);
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await pipe(driver);
    return driver.createOutputTopic('out', Serdes.ByteArray(), Serdes.ByteArray()).readValuesToList() as Buffer[];
  }

  it('a sink uses the Consumed serdes while the types are unchanged', async () => {
    const bytes = await valueBytes(
      (b) => b.stream('in', Consumed.with(Serdes.String(), Serdes.Integer())).filter(() => true).to('out'),
      (d) => d.createInputTopic('in', Serdes.String(), Serdes.Integer()).pipeInput('k', 258, 1),
    );
    expect(bytes).toEqual([Buffer.from([0, 0, 1, 2])]);
  });

  it('mapValues drops the value serde: the config default (String) writes the new value', async () => {
    const bytes = await valueBytes(
      (b) => b.stream('in', Consumed.with(Serdes.String(), Serdes.Integer())).mapValues((v) => `n=${v}`).to('out'),
      (d) => d.createInputTopic('in', Serdes.String(), Serdes.Integer()).pipeInput('k', 7, 1),
    );
    expect(bytes).toEqual([Buffer.from('n=7')]);
  });

  it('selectKey keeps the value serde, so the Integer value is still written as Integer', async () => {
    const bytes = await valueBytes(
      (b) => b.stream('in', Consumed.with(Serdes.String(), Serdes.Integer())).selectKey((k) => `${k}!`).to('out'),
      (d) => d.createInputTopic('in', Serdes.String(), Serdes.Integer()).pipeInput('k', 1, 1),
    );
    expect(bytes).toEqual([Buffer.from([0, 0, 0, 1])]);
  });

  it('Produced serdes win over the stream\'s', async () => {
    const bytes = await valueBytes(
      (b) => b.stream('in', Consumed.with(Serdes.String(), Serdes.Integer())).to('out', Produced.valueSerde(Serdes.Long())),
      (d) => d.createInputTopic('in', Serdes.String(), Serdes.Integer()).pipeInput('k', 1, 1),
    );
    expect(bytes).toEqual([Buffer.from([0, 0, 0, 0, 0, 0, 0, 1])]);
  });
});
