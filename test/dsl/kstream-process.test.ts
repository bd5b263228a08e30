import { describe, expect, it } from 'vitest';
import { STREAM_HANDLE } from '../../src/dsl/internal/stream-handle.js';
import { Named } from '../../src/dsl/named.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { FixedKeyProcessor, FixedKeyProcessorContext, FixedKeyRecord } from '../../src/processor/fixed-key-processor.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { PunctuationType } from '../../src/processor/punctuation.js';
import { Record } from '../../src/processor/record.js';
import { TopologyException } from '../../src/errors.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Stores } from '../../src/state/stores.js';
import type { TypedKeyValueStore } from '../../src/state/typed-key-value-store.js';
import { TopologyTestDriver } from '../../src/test-driver/topology-test-driver.js';
import { stringDefaults } from './string-config.js';

/** Re-keys each record by its value and counts records, emitting the count on stream-time punctuation. */
class KeyByValue implements Processor<string, string, string, string> {
  #context!: ProcessorContext<string, string>;
  #count = 0;

  init(context: ProcessorContext<string, string>): void {
    this.#context = context;
    context.schedule(10, PunctuationType.STREAM_TIME, (ts) => {
      void this.#context.forward(new Record('count', String(this.#count), ts));
    });
  }

  process(record: Record<string, string>): void {
    this.#count++;
    void this.#context.forward(record.withKey(record.value));
  }
}

class Suffix implements FixedKeyProcessor<string, string, string> {
  #context!: FixedKeyProcessorContext<string, string>;
  init(context: FixedKeyProcessorContext<string, string>): void {
    this.#context = context;
  }
  process(record: FixedKeyRecord<string, string>): void {
    void this.#context.forward(record.withValue(`${record.value}@${record.timestamp}`));
  }
}

describe('KStream.process', () => {
  it('runs the processor; what it forwards (also from punctuation) is the new stream', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').process(() => new KeyByValue()).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    await input.pipeInput('a', 'x', 0);
    await input.pipeInput('b', 'y', 12);
    const out = driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readRecordsToList();
    // Stream-time punctuation fires at 0 (first record) and again once time reaches 10.
    expect(out.map((r) => [r.key, r.value, r.timestamp])).toEqual([['x', 'x', 0], ['count', '1', 0], ['y', 'y', 12], ['count', '2', 12]]);
  });

  it('marks the stream for repartitioning and drops its serdes', () => {
    const builder = new StreamsBuilder();
    const processed = builder.stream<string, string>('in').process(() => new KeyByValue())[STREAM_HANDLE];
    expect(processed.repartitionRequired).toBe(true);
    expect(processed.keySerde).toBeUndefined();
    expect(processed.valueSerde).toBeUndefined();
  });

  it('is named KSTREAM-PROCESSOR-<n>; a Named name draws no index (as Kafka\'s process())', () => {
    const builder = new StreamsBuilder();
    const s = builder.stream<string, string>('in');
    s.process(() => new KeyByValue()).to('a');
    s.process(() => new KeyByValue(), Named.as('mine')).to('b');
    expect(builder.build().nodes().map((n) => n.name)).toEqual([
      'KSTREAM-SOURCE-0000000000', 'KSTREAM-PROCESSOR-0000000001', 'KSTREAM-SINK-0000000002', 'mine', 'KSTREAM-SINK-0000000003',
    ]);
  });

  it('rejects a supplier that hands out one shared instance', () => {
    const shared = new KeyByValue();
    const s = new StreamsBuilder().stream<string, string>('in');
    expect(() => s.process(() => shared)).toThrow('process(): the processor supplier must return a new processor on every call, but returned the same instance twice');
    expect(() => s.process('nope' as never)).toThrow(/process\(\): supplier must be a function or an object with get\(\)/);
  });

  it('accepts a supplier object with get()', async () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').process({ get: () => new KeyByValue() }).to('out');
    await using driver = new TopologyTestDriver(builder.build(), stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('a', 'v', 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValue()).toEqual({ key: 'v', value: 'v' });
  });

  it('connects the named state stores: a dedupe processor keeps its seen keys in one', async () => {
    class Dedupe implements Processor<string, string, string, string> {
      #context!: ProcessorContext<string, string>;
      #seen!: TypedKeyValueStore<string, string>;
      init(context: ProcessorContext<string, string>): void {
        this.#context = context;
        this.#seen = context.getStateStore<TypedKeyValueStore<string, string>>('seen');
      }
      async process(record: Record<string, string>): Promise<void> {
        if ((await this.#seen.get(record.key)) !== undefined) return;
        await this.#seen.put(record.key, record.value);
        await this.#context.forward(record);
      }
    }
    const builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), Serdes.String(), Serdes.String()));
    builder.stream<string, string>('in').process(() => new Dedupe(), Named.as('dedupe'), 'seen').to('out');
    const topology = builder.build();
    expect(topology.describe().toString()).toContain('Processor: dedupe (stores: [seen])');
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    const input = driver.createInputTopic('in', Serdes.String(), Serdes.String());
    for (const [k, v] of [['a', '1'], ['b', '2'], ['a', '3'], ['c', '4'], ['b', '5']] as const) await input.pipeInput(k, v, 1);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([
      { key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '4' },
    ]);
  });

  it('fails to build when a named store was never added, and checks store names', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').process(() => new KeyByValue(), 'missing-store');
    expect(() => builder.build()).toThrow(TopologyException);
    const s = new StreamsBuilder().stream<string, string>('in');
    expect(() => s.process(() => new KeyByValue(), Named.as('p'), '')).toThrow(/store names must be non-empty strings/);
    expect(() => new StreamsBuilder().addStateStore({} as never)).toThrow(/addStateStore\(\): storeBuilder must be a StoreBuilder/);
  });
});

describe('KStream.processValues', () => {
  it('runs a fixed-key processor: new values, same keys, no repartitioning', async () => {
    const builder = new StreamsBuilder();
    const stream = builder.stream<string, string>('in').processValues(() => new Suffix());
    expect(stream[STREAM_HANDLE].repartitionRequired).toBe(false);
    stream.to('out');
    const topology = builder.build();
    expect(topology.nodes().map((n) => n.name)).toContain('KSTREAM-PROCESSVALUES-0000000001');
    await using driver = new TopologyTestDriver(topology, stringDefaults);
    await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 7);
    expect(driver.createOutputTopic('out', Serdes.String(), Serdes.String()).readKeyValuesToList()).toEqual([{ key: 'k', value: 'v@7' }]);
  });

  it('keeps the repartitioning mark of its input', () => {
    const builder = new StreamsBuilder();
    const rekeyed = builder.stream<string, string>('in').selectKey((_k, v) => v).processValues(() => new Suffix());
    expect(rekeyed[STREAM_HANDLE].repartitionRequired).toBe(true);
  });
});
