import { describe, expect, it } from 'vitest';
import { Materialized } from '../../src/dsl/materialized.js';
import { Named } from '../../src/dsl/named.js';
import { SessionWindows } from '../../src/dsl/session-windows.js';
import { SlidingWindows } from '../../src/dsl/sliding-windows.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import { TimeWindows } from '../../src/dsl/time-windows.js';
import { Serdes } from '../../src/serde/serdes.js';

/** The `Processor:` lines of a topology's description. */
function processors(builder: StreamsBuilder): string[] {
  return builder.build().describe().toString().split('\n').filter((l) => l.trim().startsWith('Processor:')).map((l) => l.trim());
}

// SEMANTICS §13.1 (Kafka's TimeWindowedKStreamImpl, SlidingWindowedKStreamImpl,
// SessionWindowedKStreamImpl): the store name is drawn before the processor name, and
// count(Materialized) without a store name burns one index first.
describe('names of windowed aggregations', () => {
  it('count(): store then processor', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count();
    expect(processors(builder)).toEqual(['Processor: KSTREAM-AGGREGATE-0000000002 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000001])']);
  });

  it('count(Materialized without a name) burns an index, for time and session windows', () => {
    const time = new StreamsBuilder();
    time.stream<string, string>('in').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.with(Serdes.String(), Serdes.Long()));
    expect(processors(time)).toEqual(['Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])']);
    const session = new StreamsBuilder();
    session.stream<string, string>('in').groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(10)).count(Materialized.with(Serdes.String(), Serdes.Long()));
    expect(processors(session)).toEqual(['Processor: KSTREAM-AGGREGATE-0000000003 (stores: [KSTREAM-AGGREGATE-STATE-STORE-0000000002])']);
  });

  it('reduce and aggregate use their own prefixes; Named names the processor (the index is still drawn)', () => {
    const builder = new StreamsBuilder();
    const windowed = builder.stream<string, string>('in').groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
    windowed.reduce((a, b) => a + b);
    windowed.aggregate(() => '', (_k, v, agg) => agg + v, Named.as('agg'), Materialized.as('agg-store'));
    expect(processors(builder)).toEqual([
      'Processor: KSTREAM-REDUCE-0000000002 (stores: [KSTREAM-REDUCE-STATE-STORE-0000000001])',
      'Processor: agg (stores: [agg-store])',
    ]);
  });

  // SEMANTICS §12.3/§13.1: after a key change the repartition topic is named after the store; a
  // prefix that is not a generated name gives nodes `<topic>-filter|sink|source`.
  it('a repartitioned windowed aggregation: <store>-repartition and its nodes', () => {
    const builder = new StreamsBuilder();
    builder.stream<string, string>('in').groupBy((_k, v) => v).windowedBy(TimeWindows.ofSizeWithNoGrace(10)).count(Materialized.as('per-value'));
    const text = builder.build().describe().toString();
    expect(text).toContain('Sink: per-value-repartition-sink (topic: per-value-repartition)');
    expect(text).toContain('Source: per-value-repartition-source (topics: [per-value-repartition])');
    expect(text).toContain('Processor: KSTREAM-AGGREGATE-0000000002 (stores: [per-value])');
  });
});
