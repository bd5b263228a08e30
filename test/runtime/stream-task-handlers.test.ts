import { describe, expect, it } from 'vitest';
import { DeserializationException, StreamsException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { createStreamTask } from '../../src/runtime/stream-task.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { consumed, processAll, testEnvironment } from './stream-task-helpers.js';

const text = (b: Buffer | null | undefined): string | undefined => b?.toString('utf8');

/** Reads Integer values: a 3-byte value fails to deserialize. Values are forwarded to 'out'. */
function intTopology(): Topology {
  return new Topology()
    .addSource('src', 'numbers', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
    .addProcessor('p', (): Processor<string, number, string, number> => {
      let ctx: ProcessorContext<string, number>;
      return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r) };
    }, 'src')
    .addSink('sink', 'out', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() }, 'p');
}

const good = (offset: number, n: number) => consumed('numbers', 2, offset, Buffer.from([0, 0, 0, n]), 100 + offset, `k${offset}`);
const bad = (offset: number) => consumed('numbers', 2, offset, Buffer.from([1, 2, 3]), 100 + offset, `k${offset}`, [{ key: 'trace', value: Buffer.from('abc') }]);

const runAll = (config: Record<string, unknown>, records = [good(10, 1), bad(11), good(12, 3)]) => processAll(intTopology(), '0_2', { topic: 'numbers', partition: 2 }, records, config);

describe('deserialization exception handler', () => {
  it('logAndFail (default) rejects with an error naming topic, partition and offset, with the cause', async () => {
    const { error, sent } = await runAll({});
    expect(error).toBeInstanceOf(DeserializationException);
    expect((error as StreamsException).code).toBe('DESERIALIZATION');
    expect((error as Error).message).toMatch(/^Failed to deserialize the record at topic numbers partition 2 offset 11 \(source node src\): /);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(((error as Error).cause as Error).message).toMatch(/4 bytes/);
    expect(sent).toHaveLength(1); // the record before the bad one went through, nothing after
  });

  it('logAndContinue skips the record, counts it, and commits past it', async () => {
    const { error, sent, metrics, task } = await runAll({ 'default.deserialization.exception.handler': 'logAndContinue' });
    expect(error).toBeUndefined();
    expect(sent.map((r) => r.value)).toEqual([Buffer.from([0, 0, 0, 1]), Buffer.from([0, 0, 0, 3])]);
    expect(metrics.get('skipped-records')).toBe(1);
    expect(metrics.get('deserialization-errors')).toBe(1);
    expect((await task.prepareCommit()).map(({ topic, partition, offset }) => ({ topic, partition, offset }))).toEqual([{ topic: 'numbers', partition: 2, offset: 13 }]);
  });

  it('deadLetterQueue sends the original bytes and headers with the error headers, and counts it', async () => {
    const { error, sent, metrics } = await runAll({ 'default.deserialization.exception.handler': 'deadLetterQueue', 'errors.dead.letter.queue.topic.name': 'dlq' });
    expect(error).toBeUndefined();
    expect(sent.map((r) => r.topic)).toEqual(['out', 'dlq', 'out']);
    const dead = sent[1];
    expect(dead?.key).toEqual(Buffer.from('k11'));
    expect(dead?.value).toEqual(Buffer.from([1, 2, 3]));
    expect(dead?.timestamp).toBe(111);
    const headers = dead?.headers ?? [];
    expect(headers[0]).toEqual({ key: 'trace', value: Buffer.from('abc') });
    const h = (k: string) => text(headers.find((x) => x.key === k)?.value);
    expect(h('__streams.errors.exception')).toBe('DeserializationException');
    expect(h('__streams.errors.message')).toMatch(/4 bytes/);
    expect(h('__streams.errors.stacktrace')).toMatch(/^DeserializationException: .*\n\s+at /);
    expect(h('__streams.errors.topic')).toBe('numbers');
    expect(h('__streams.errors.partition')).toBe('2');
    expect(h('__streams.errors.offset')).toBe('11');
    expect(metrics.get('dead-letter-records')).toBe(1);
    expect(metrics.get('deserialization-errors')).toBe(1);
    expect(metrics.get('skipped-records')).toBeUndefined();
  });
});

/** A processor that throws (sync or async) on the value 'bad'. */
function failingTopology(async: boolean): Topology {
  return new Topology()
    .addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor('check', (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return {
        init: (c) => void (ctx = c),
        process: async
          ? async (r) => {
              await new Promise((resolve) => setTimeout(resolve, 1));
              if (r.value === 'bad') throw new TypeError('cannot handle bad');
              ctx.forward(r);
            }
          : (r) => {
              if (r.value === 'bad') throw new TypeError('cannot handle bad');
              ctx.forward(r);
            },
      };
    }, 'src')
    .addSink('sink', 'out', { keySerde: Serdes.String(), valueSerde: Serdes.String() }, 'check');
}

const runProcessing = (config: Record<string, unknown>, async: boolean) =>
  processAll(failingTopology(async), '0_0', { topic: 'in', partition: 0 }, [
    consumed('in', 0, 0, 'ok-1', 1, 'a'),
    consumed('in', 0, 1, 'bad', 2, 'b', [{ key: 'origin', value: Buffer.from('test') }]),
    consumed('in', 0, 2, 'ok-2', 3, 'c'),
  ], config);

describe.each([false, true])('processing exception handler (async processor: %s)', (async) => {
  it('logAndFail (default) rejects with a PROCESSING error naming processor, topic, partition, offset', async () => {
    const { error, sent } = await runProcessing({}, async);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as StreamsException).code).toBe('PROCESSING');
    expect((error as Error).message).toMatch(/^Exception caught in processor check while processing the record at topic in partition 0 offset 1: cannot handle bad/);
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(sent.map((r) => text(r.value))).toEqual(['ok-1']);
  });

  it('logAndContinue skips and counts', async () => {
    const { error, sent, metrics } = await runProcessing({ 'processing.exception.handler': 'logAndContinue' }, async);
    expect(error).toBeUndefined();
    expect(sent.map((r) => text(r.value))).toEqual(['ok-1', 'ok-2']);
    expect(metrics.get('processing-errors')).toBe(1);
    expect(metrics.get('skipped-records')).toBe(1);
  });

  it('deadLetterQueue writes the input record\'s original bytes and headers', async () => {
    const { error, sent, metrics } = await runProcessing({ 'processing.exception.handler': 'deadLetterQueue', 'errors.dead.letter.queue.topic.name': 'errors' }, async);
    expect(error).toBeUndefined();
    expect(sent.map((r) => [r.topic, text(r.value)])).toEqual([['out', 'ok-1'], ['errors', 'bad'], ['out', 'ok-2']]);
    const dead = sent[1];
    expect(text(dead?.key)).toBe('b');
    const headers = Object.fromEntries((dead?.headers ?? []).map((x) => [x.key, text(x.value)]));
    expect(headers).toMatchObject({
      origin: 'test',
      '__streams.errors.exception': 'TypeError',
      '__streams.errors.message': 'cannot handle bad',
      '__streams.errors.topic': 'in',
      '__streams.errors.partition': '0',
      '__streams.errors.offset': '1',
    });
    expect(metrics.get('dead-letter-records')).toBe(1);
  });
});

describe('errors in punctuators', () => {
  function punctuating(): Topology {
    return new Topology().addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).addProcessor('tick', (): Processor<string, string> => ({
      init: (ctx) => void ctx.schedule(10, 'WALL_CLOCK_TIME', () => {
        throw new Error('tick failed');
      }),
      process: () => undefined,
    }), 'src');
  }

  it('fail by default, naming the processor', async () => {
    const { env } = testEnvironment({});
    const task = createStreamTask(punctuating(), '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    await expect(task.maybePunctuateSystemTime(2_000_000)).rejects.toThrow(/^Exception caught in processor tick during punctuation: tick failed/);
  });

  it('are counted and skipped with logAndContinue', async () => {
    const { env, metrics } = testEnvironment({ 'processing.exception.handler': 'logAndContinue' });
    const task = createStreamTask(punctuating(), '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    expect(await task.maybePunctuateSystemTime(2_000_000)).toBe(true);
    expect(metrics.get('processing-errors')).toBe(1);
  });
});
