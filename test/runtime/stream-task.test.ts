import { encodeTopicPartitionMetadata } from '../../src/runtime/topic-partition-metadata.js';
import { describe, expect, it } from 'vitest';
import { ConfigException, StreamsException } from '../../src/errors.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { Record } from '../../src/processor/record.js';
import { LogAndSkipOnInvalidTimestamp, UsePartitionTimeOnInvalidTimestamp } from '../../src/processor/timestamp-extractor.js';
import { createStreamTask } from '../../src/runtime/stream-task.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { consumed, testEnvironment } from './stream-task-helpers.js';

const strings = { 'default.key.serde': Serdes.String(), 'default.value.serde': Serdes.String() };

/** source(topics) → record the value and stream time → sink 'out'. */
function recordingTopology(seen: string[], topics: string[] = ['left', 'right']): Topology {
  return new Topology()
    .addSource('src', topics)
    .addProcessor(
      'rec',
      (): Processor<string, string, string, string> => {
        let ctx: ProcessorContext<string, string>;
        return {
          init: (c) => void (ctx = c),
          process(r) {
            seen.push(`${ctx.recordMetadata()?.topic}:${r.value}@${r.timestamp} st=${ctx.currentStreamTimeMs()}`);
            ctx.forward(r);
          },
        };
      },
      'src',
    )
    .addSink('sink', 'out', 'rec');
}

async function drain(task: { process(now: number): Promise<boolean> }): Promise<number> {
  let n = 0;
  while (await task.process(0)) n++;
  return n;
}

describe('StreamTask', () => {
  it('takes the head with the smallest timestamp across its partitions, offset order within each', async () => {
    const seen: string[] = [];
    const { env, sent } = testEnvironment(strings);
    const task = createStreamTask(recordingTopology(seen), '0_1', [{ topic: 'left', partition: 1 }, { topic: 'right', partition: 1 }], env);
    await task.initialize();
    task.addRecords({ topic: 'left', partition: 1 }, [consumed('left', 1, 0, 'L0', 10), consumed('left', 1, 1, 'L1', 5), consumed('left', 1, 2, 'L2', 30)]);
    task.addRecords({ topic: 'right', partition: 1 }, [consumed('right', 1, 7, 'R7', 20), consumed('right', 1, 8, 'R8', 25)]);
    expect(task.bufferedCount({ topic: 'left', partition: 1 })).toBe(3);
    expect(await drain(task)).toBe(5);
    // L1 (ts 5) waits behind L0 (offset order); R7/R8 go before L2 by timestamp.
    expect(seen).toEqual(['left:L0@10 st=10', 'left:L1@5 st=10', 'right:R7@20 st=20', 'right:R8@25 st=25', 'left:L2@30 st=30']);
    expect(sent.map((r) => r.value?.toString())).toEqual(['L0', 'L1', 'R7', 'R8', 'L2']);
    expect(sent[0]).toMatchObject({ topic: 'out', key: null, timestamp: 10, headers: [] });
    expect(task.bufferedCount({ topic: 'left', partition: 1 })).toBe(0);
    expect(await task.process(0)).toBe(false);
  });

  it('prepareCommit returns the next offsets of partitions that progressed since the last commit', async () => {
    const { env } = testEnvironment(strings);
    const task = createStreamTask(recordingTopology([]), '0_0', [{ topic: 'left', partition: 0 }, { topic: 'right', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'left', partition: 0 }, [consumed('left', 0, 41, 'a', 1), consumed('left', 0, 42, 'b', 2)]);
    await drain(task);
    // The commit metadata carries the partition's time (Kafka Streams' format), here the max timestamp taken: 2.
    expect(await task.prepareCommit()).toEqual([{ topic: 'left', partition: 0, offset: 43, metadata: encodeTopicPartitionMetadata(2, new Map()) }]);
    await task.postCommit();
    expect(await task.prepareCommit()).toEqual([]);
    task.addRecords({ topic: 'right', partition: 0 }, [consumed('right', 0, 0, 'c', 3)]);
    await drain(task);
    expect(await task.prepareCommit()).toEqual([{ topic: 'right', partition: 0, offset: 1, metadata: encodeTopicPartitionMetadata(3, new Map()) }]);
  });

  it('commitRequested() is set by context.commit() and cleared by postCommit()', async () => {
    const { env } = testEnvironment(strings);
    const topology = new Topology().addSource('src', 'in').addProcessor('p', (): Processor<string, string> => {
      let ctx: ProcessorContext<never, never>;
      return { init: (c) => void (ctx = c), process: (r) => (r.value === 'commit' ? ctx.commit() : undefined) };
    }, 'src');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'x', 1)]);
    await drain(task);
    expect(task.commitRequested()).toBe(false);
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 1, 'commit', 1)]);
    await drain(task);
    expect(task.commitRequested()).toBe(true);
    await task.prepareCommit();
    await task.postCommit();
    expect(task.commitRequested()).toBe(false);
  });

  it('uses source serdes over defaults, and fails clearly when neither exists', async () => {
    const seen: unknown[] = [];
    const topology = new Topology()
      .addSource('src', 'nums', { keySerde: Serdes.String(), valueSerde: Serdes.Integer() })
      .addProcessor('p', (): Processor<string, number> => ({ process: (r) => void seen.push(r.value) }), 'src');
    const { env } = testEnvironment();
    const task = createStreamTask(topology, '0_0', [{ topic: 'nums', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'nums', partition: 0 }, [consumed('nums', 0, 0, Buffer.from([0, 0, 1, 0]), 1)]);
    await drain(task);
    expect(seen).toEqual([256]);

    const untyped = new Topology().addSource('src', 'in').addSink('sink', 'out', 'src');
    expect(() => createStreamTask(untyped, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment().env)).toThrow(ConfigException);
    expect(() => createStreamTask(untyped, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment().env)).toThrow(
      "No key serde for source src: pass one (e.g. Consumed/Produced.with, or the node's options) or set 'default.key.serde' in the config",
    );
    const untypedSink = new Topology().addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() }).addSink('sink', 'out', { keySerde: Serdes.String() }, 'src');
    expect(() => createStreamTask(untypedSink, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment().env)).toThrow(
      "No value serde for sink sink: pass one (e.g. Consumed/Produced.with, or the node's options) or set 'default.value.serde' in the config",
    );
  });

  it('rejects partitions its sub-topology does not read, and records before initialize()', async () => {
    const { env } = testEnvironment(strings);
    expect(() => createStreamTask(recordingTopology([]), '0_0', [{ topic: 'other', partition: 0 }], env)).toThrow(/reads only \[left, right\]/);
    const task = createStreamTask(recordingTopology([]), '0_0', [{ topic: 'left', partition: 0 }], env);
    await expect(task.process(0)).rejects.toThrow(/cannot process records in state CREATED/);
    expect(() => task.addRecords({ topic: 'left', partition: 3 }, [])).toThrow(/does not own partition left-3/);
  });

  it('drops records whose extracted timestamp is negative (counted), and fails on them with the default extractor', async () => {
    const seen: string[] = [];
    const skipping = new Topology()
      .addSource('src', 'in', { timestampExtractor: new LogAndSkipOnInvalidTimestamp() })
      .addProcessor('p', (): Processor<string, string> => ({ process: (r) => void seen.push(r.value) }), 'src');
    const { env, metrics } = testEnvironment(strings);
    const task = createStreamTask(skipping, '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'a', 5), consumed('in', 0, 1, 'bad', -1), consumed('in', 0, 2, 'c', 6)]);
    await drain(task);
    expect(seen).toEqual(['a', 'c']);
    expect(metrics.get('dropped-records')).toBe(1);
    expect(await task.prepareCommit()).toEqual([{ topic: 'in', partition: 0, offset: 3, metadata: encodeTopicPartitionMetadata(6, new Map()) }]);

    const failing = createStreamTask(recordingTopology([], ['in']), '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await failing.initialize();
    failing.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 9, 'bad', -1)]);
    const error = await failing.process(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as Error).message).toMatch(/^Failed to extract the timestamp of the record at topic in partition 0 offset 9: Input record .* has invalid \(negative\) timestamp: -1/);
  });

  it('UsePartitionTimeOnInvalidTimestamp uses the partition time for a negative timestamp', async () => {
    const seen: number[] = [];
    const topology = new Topology()
      .addSource('src', 'in', { timestampExtractor: new UsePartitionTimeOnInvalidTimestamp() })
      .addProcessor('p', (): Processor<string, string> => ({ process: (r) => void seen.push(r.timestamp) }), 'src');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'a', 40), consumed('in', 0, 1, 'b', -1), consumed('in', 0, 2, 'c', 7)]);
    await drain(task);
    expect(seen).toEqual([40, 40, 7]);
  });

  it('sinks use the partitioner with the topic\'s partition count, and extractors choose topics per record', async () => {
    const { env, sent } = testEnvironment(strings, (topic) => (topic === 'fixed' ? 4 : undefined));
    const topology = new Topology()
      .addSource('src', 'in')
      .addSink('fixed-sink', 'fixed', { partitioner: (_t, key, _v, n) => (key === 'undecided' ? undefined : Number(key) % n) }, 'src')
      .addSink('dynamic-sink', (key, value, ctx) => `${String(value)}-from-${ctx.topic}-${ctx.offset}`, undefined, 'src');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 5, 'v', 1, '7'), consumed('in', 0, 6, 'w', 2, 'undecided')]);
    await drain(task);
    expect(sent.map((r) => [r.topic, r.partition])).toEqual([
      ['fixed', 3],
      ['v-from-in-5', undefined],
      ['fixed', undefined],
      ['w-from-in-6', undefined],
    ]);
  });

  it('closes processors; a failing close() fails a clean close only', async () => {
    const closed: string[] = [];
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor('a', (): Processor<string, string> => ({ process: () => undefined, close: () => void closed.push('a') }), 'src')
      .addProcessor('b', (): Processor<string, string> => ({ process: () => undefined, close: () => { closed.push('b'); throw new Error('boom'); } }), 'src');
    const clean = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await clean.initialize();
    await expect(clean.close(true)).rejects.toThrow('Closing task 0_0 failed: boom');
    const dirty = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await dirty.initialize();
    await expect(dirty.close(false)).resolves.toBeUndefined();
    expect(closed).toEqual(['a', 'b', 'a', 'b']);
    await expect(dirty.process(0)).rejects.toThrow(/state CLOSED/);
  });

  it('fires stream-time punctuators only when maybePunctuateStreamTime is called after records', async () => {
    const fired: number[] = [];
    const topology = new Topology().addSource('src', 'in').addProcessor('p', (): Processor<string, string> => ({
      init: (ctx) => void ctx.schedule(100, 'STREAM_TIME', (ts) => void fired.push(ts)),
      process: () => undefined,
    }), 'src');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await task.initialize();
    expect(await task.maybePunctuateStreamTime()).toBe(false);
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'a', 150), consumed('in', 0, 1, 'b', 199), consumed('in', 0, 2, 'c', 450)]);
    await task.process(0);
    expect(await task.maybePunctuateStreamTime()).toBe(true);
    await task.process(0);
    expect(await task.maybePunctuateStreamTime()).toBe(false);
    await task.process(0);
    expect(await task.maybePunctuateStreamTime()).toBe(true);
    expect(fired).toEqual([150, 450]);
  });

  it('forwards a record with a new timestamp: later stages and the sink see it', async () => {
    const { env, sent } = testEnvironment(strings);
    const topology = new Topology()
      .addSource('src', 'in')
      .addProcessor('shift', (): Processor<string, string, string, string> => {
        let ctx: ProcessorContext<string, string>;
        return { init: (c) => void (ctx = c), process: (r) => ctx.forward(new Record(r.key, r.value, r.timestamp + 1000, [{ key: 'h', value: null }])) };
      }, 'src')
      .addSink('sink', 'out', 'shift');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'a', 1)]);
    await drain(task);
    expect(sent).toEqual([{ topic: 'out', key: null, value: Buffer.from('a'), timestamp: 1001, headers: [{ key: 'h', value: null }] }]);
  });
  it('rejects overlapping process/punctuate calls (each must be awaited)', async () => {
    const topology = new Topology().addSource('src', 'in').addProcessor('slow', (): Processor<string, string> => ({
      process: () => new Promise((resolve) => setTimeout(resolve, 5)),
    }), 'src');
    const task = createStreamTask(topology, '0_0', [{ topic: 'in', partition: 0 }], testEnvironment(strings).env);
    await task.initialize();
    task.addRecords({ topic: 'in', partition: 0 }, [consumed('in', 0, 0, 'a', 1), consumed('in', 0, 1, 'b', 2)]);
    const first = task.process(0);
    await expect(task.process(0)).rejects.toThrow('Task 0_0 cannot process records while another process or punctuate call is running');
    await expect(task.maybePunctuateSystemTime(0)).rejects.toThrow(/cannot punctuate while/);
    expect(await first).toBe(true);
    expect(await task.process(0)).toBe(true);
  });
});
