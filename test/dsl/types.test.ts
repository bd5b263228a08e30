import { describe, expectTypeOf, it } from 'vitest';
import { Branched } from '../../src/dsl/branched.js';
import { Consumed } from '../../src/dsl/consumed.js';
import type { BranchedKStream, KStream } from '../../src/dsl/kstream.js';
import { Produced } from '../../src/dsl/produced.js';
import { Repartitioned } from '../../src/dsl/repartitioned.js';
import { StreamsBuilder } from '../../src/dsl/streams-builder.js';
import type { FixedKeyProcessor } from '../../src/processor/fixed-key-processor.js';
import type { Processor } from '../../src/processor/processor.js';
import { Serdes } from '../../src/serde/serdes.js';

// Type tests (RxJS spec-dtslint style): generics are carried through the pipeline. vitest checks
// these with the TypeScript compiler (`tsc --noEmit` covers test/), and the bodies also run.
describe('KStream generics', () => {
  const builder = new StreamsBuilder();
  const numbers = builder.stream<string, number>('in');

  it('stream() takes its types from the type arguments or from Consumed', () => {
    expectTypeOf(numbers).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(builder.stream('in2', Consumed.with(Serdes.Integer(), Serdes.String()))).toEqualTypeOf<KStream<number, string>>();
  });

  it('type-keeping operators keep K and V', () => {
    expectTypeOf(numbers.filter((k, v) => k.length > v)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(numbers.filterNot(() => true)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(numbers.peek(() => undefined)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(numbers.merge(numbers)).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(numbers.repartition(Repartitioned.as('r'))).toEqualTypeOf<KStream<string, number>>();
    expectTypeOf(numbers.foreach(() => undefined)).toEqualTypeOf<void>();
  });

  it('map on KStream<string, number> infers KStream<K2, V2> from the mapper', () => {
    expectTypeOf(numbers.map((k, v) => ({ key: v, value: k.length > 0 }))).toEqualTypeOf<KStream<number, boolean>>();
    expectTypeOf(numbers.flatMap((k, v) => [{ key: [k], value: String(v) }])).toEqualTypeOf<KStream<string[], string>>();
    expectTypeOf(numbers.selectKey((_k, v) => v > 0)).toEqualTypeOf<KStream<boolean, number>>();
  });

  it('mapValues / flatMapValues change V only; the mapper sees (value, key)', () => {
    expectTypeOf(numbers.mapValues((v) => v.toFixed(2))).toEqualTypeOf<KStream<string, string>>();
    numbers.mapValues((v, k) => {
      expectTypeOf(v).toEqualTypeOf<number>();
      expectTypeOf(k).toEqualTypeOf<string>();
      return null;
    });
    expectTypeOf(numbers.flatMapValues((v) => new Set([v, v + 1]))).toEqualTypeOf<KStream<string, number>>();
  });

  it('process / processValues take their output types from the processor', () => {
    const toDate = (): Processor<string, number, number, Date> => ({ process: () => undefined });
    expectTypeOf(numbers.process(toDate)).toEqualTypeOf<KStream<number, Date>>();
    const fixed = (): FixedKeyProcessor<string, number, bigint> => ({ process: () => undefined });
    expectTypeOf(numbers.processValues(fixed)).toEqualTypeOf<KStream<string, bigint>>();
  });

  it('split() branches keep K and V', () => {
    expectTypeOf(numbers.split()).toEqualTypeOf<BranchedKStream<string, number>>();
    const branches = numbers.split().branch((_k, v) => v > 0, Branched.as('pos')).defaultBranch();
    expectTypeOf(branches).toEqualTypeOf<Record<string, KStream<string, number>>>();
  });

  it('rejects mismatched types at compile time', () => {
    // @ts-expect-error a filter predicate gets (string, number), not (number, number)
    numbers.filter((k: number) => k > 0);
    // @ts-expect-error Produced of other types than the stream's
    numbers.to('out', Produced.with(Serdes.String(), Serdes.String()));
    // @ts-expect-error merge needs the same K and V
    numbers.merge(builder.stream<string, string>('other'));
    // @ts-expect-error map must return { key, value }
    numbers.map((k, v) => [k, v]);
    // @ts-expect-error a processor for other input types
    numbers.process((): Processor<number, number, string, string> => ({ process: () => undefined }));
  });

  it('to(extractor) is typed by the stream', () => {
    numbers.to((key, value, context) => {
      expectTypeOf(key).toEqualTypeOf<string>();
      expectTypeOf(value).toEqualTypeOf<number>();
      expectTypeOf(context.offset).toEqualTypeOf<number>();
      return 'out';
    });
  });
});
