import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { ConfigException, StreamsException } from '../../src/errors.js';
import type { KafkaProducer, ProducerRecord, RecordMetadata } from '../../src/kafka/port.js';
import type { Processor } from '../../src/processor/processor.js';
import type { ProcessorContext } from '../../src/processor/processor-context.js';
import { sendErrorHandler } from '../../src/runtime/exception-handlers.js';
import { RecordCollectorImpl } from '../../src/runtime/record-collector-impl.js';
import type { Serde } from '../../src/serde/serde.js';
import { Serdes } from '../../src/serde/serdes.js';
import { Topology } from '../../src/topology/topology.js';
import { consumed, processAll } from './stream-task-helpers.js';

const text = (b: Buffer | null | undefined): string | undefined => b?.toString('utf8');

/** A String value serde whose serializer throws on the value 'boom'. */
const picky: Serde<unknown> = {
  serialize: (topic, v) => {
    if (v === 'boom') throw new Error(`cannot serialize 'boom' for ${topic}`);
    return Serdes.String().serialize(topic, v as string);
  },
  deserialize: (topic, b) => Serdes.String().deserialize(topic, b),
};

function topology(): Topology {
  return new Topology()
    .addSource('src', 'in', { keySerde: Serdes.String(), valueSerde: Serdes.String() })
    .addProcessor('p', (): Processor<string, string, string, string> => {
      let ctx: ProcessorContext<string, string>;
      return { init: (c) => void (ctx = c), process: (r) => ctx.forward(r) };
    }, 'src')
    .addSink('sink', 'out', { keySerde: Serdes.String(), valueSerde: picky }, 'p');
}

const input = [consumed('in', 0, 5, 'a', 105, 'k5'), consumed('in', 0, 6, 'boom', 106, 'k6', [{ key: 'trace', value: Buffer.from('t') }]), consumed('in', 0, 7, 'c', 107, 'k7')];

const runAll = (config: Record<string, unknown>) => processAll(topology(), '0_0', { topic: 'in', partition: 0 }, input, config);

describe('production exception handler: serialization errors at a sink', () => {
  it('default (fail) fails the task with an error naming sink, topic and input record, with the cause, even when processing errors are skipped', async () => {
    const { error, sent } = await runAll({ 'processing.exception.handler': 'logAndContinue' });
    expect(error).toBeInstanceOf(StreamsException);
    expect((error as Error).message).toMatch(/^Failed to serialize the record of sink sink to topic out \(input record at topic in partition 0 offset 6\): cannot serialize 'boom' for out\. The production exception handler is 'fail'/);
    expect(((error as Error).cause as Error).message).toBe("cannot serialize 'boom' for out");
    expect(sent.map((r) => text(r.value))).toEqual(['a']);
  });

  it("'continue' drops the record, counts it in dropped-records, and commits past it", async () => {
    const { error, sent, metrics, task } = await runAll({ 'production.exception.handler': 'continue' });
    expect(error).toBeUndefined();
    expect(sent.map((r) => text(r.value))).toEqual(['a', 'c']);
    expect(metrics.get('dropped-records')).toBe(1);
    expect((await task.prepareCommit()).map(({ offset }) => offset)).toEqual([8]);
  });

  it("'deadLetterQueue' writes the raw input record with the error headers, then continues", async () => {
    const { error, sent, metrics } = await runAll({ 'production.exception.handler': 'deadLetterQueue', 'errors.dead.letter.queue.topic.name': 'dlq' });
    expect(error).toBeUndefined();
    expect(sent.map((r) => r.topic)).toEqual(['out', 'dlq', 'out']);
    const dead = sent[1];
    expect(text(dead?.key)).toBe('k6');
    expect(text(dead?.value)).toBe('boom');
    const h = (k: string) => text(dead?.headers?.find((x) => x.key === k)?.value);
    expect(h('trace')).toBe('t');
    expect(h('__streams.errors.message')).toBe("cannot serialize 'boom' for out");
    expect(h('__streams.errors.offset')).toBe('6');
    expect(metrics.get('dead-letter-records')).toBe(1);
    expect(metrics.get('dropped-records')).toBe(1);
  });

  it('a function handler is told context, record, error and origin SERIALIZATION, and decides', async () => {
    const calls: unknown[] = [];
    const { error, sent } = await runAll({
      'production.exception.handler': (context: unknown, record: { topic: string; value: unknown }, e: Error, origin: string) => {
        calls.push({ context, topic: record.topic, value: record.value, message: e.message, origin });
        return 'CONTINUE';
      },
    });
    expect(error).toBeUndefined();
    expect(sent.map((r) => text(r.value))).toEqual(['a', 'c']);
    expect(calls).toEqual([{
      context: { taskId: '0_0', processorNodeId: 'sink', topic: 'in', partition: 0, offset: 6 },
      topic: 'out', value: 'boom', message: "cannot serialize 'boom' for out", origin: 'SERIALIZATION',
    }]);
    const failing = await runAll({ 'production.exception.handler': () => 'FAIL' });
    expect((failing.error as Error).message).toMatch(/^Failed to serialize the record of sink sink to topic out/);
  });

  it('the older key default.production.exception.handler is accepted; the new one wins', async () => {
    expect((await runAll({ 'default.production.exception.handler': 'continue' })).error).toBeUndefined();
    expect((await runAll({ 'default.production.exception.handler': 'continue', 'production.exception.handler': 'fail' })).error).toBeInstanceOf(StreamsException);
  });
});

/** A producer whose every send is rejected with the given error. */
function rejecting(error: Error): Pick<KafkaProducer, 'send'> & { sends: number } {
  const p = {
    sends: 0,
    send(_records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
      p.sends++;
      return Promise.reject(error);
    },
  };
  return p;
}
const kafkaError = (type: string): Error => Object.assign(new Error(`broker said ${type}`), { type });
const rec = (i: number): ProducerRecord => ({ topic: 'out', key: null, value: Buffer.from(String(i)) });

describe('production exception handler: send errors', () => {
  it('without a handler (fail) the collector keeps the error and flush rethrows it', async () => {
    const c = new RecordCollectorImpl(rejecting(kafkaError('MESSAGE_TOO_LARGE')), { lingerMs: 0 });
    c.send(rec(1));
    await expect(c.flush()).rejects.toThrow(/broker said MESSAGE_TOO_LARGE/);
  });

  it('CONTINUE drops the failed records (each told to the handler), and flush and later sends go on', async () => {
    const told: { value: string | undefined; origin: string }[] = [];
    const dropped: number[] = [];
    const c = new RecordCollectorImpl(rejecting(kafkaError('MESSAGE_TOO_LARGE')), {
      lingerMs: 0,
      onSendError: (record, _e, origin) => { told.push({ value: text(record.value), origin }); return 'CONTINUE'; },
      onDropped: (records) => void dropped.push(records.length),
    });
    c.send(rec(1));
    c.send(rec(2));
    await c.flush();
    c.checkError();
    expect(told).toEqual([{ value: '1', origin: 'SEND' }, { value: '2', origin: 'SEND' }]);
    expect(dropped).toEqual([1, 1]);
  });

  it('a rejected batch is sent again record by record: only the records that fail alone reach the handler', async () => {
    const acked: string[] = [];
    const producer = {
      send(records: readonly ProducerRecord[]): Promise<RecordMetadata[]> {
        if (records.some((r) => r.topic === 'missing')) return Promise.reject(kafkaError('UNKNOWN_TOPIC_OR_PARTITION'));
        acked.push(...records.map((r) => text(r.value) ?? ''));
        return Promise.resolve(records.map((r, i) => ({ topic: r.topic, partition: 0, offset: i })));
      },
    };
    const told: string[] = [];
    const c = new RecordCollectorImpl(producer, { lingerMs: 0, minBatchRecords: 10, onSendError: (r) => { told.push(text(r.value) ?? ''); return 'CONTINUE'; } });
    c.send(rec(1));
    c.send({ ...rec(2), topic: 'missing' });
    c.send(rec(3));
    await c.flush();
    expect(acked).toEqual(['1', '3']);
    expect(told).toEqual(['2']);
  });

  it('FAIL fails as without a handler', async () => {
    const c = new RecordCollectorImpl(rejecting(kafkaError('UNKNOWN_TOPIC_OR_PARTITION')), { lingerMs: 0, onSendError: () => 'FAIL' });
    c.send(rec(1));
    await expect(c.flush()).rejects.toThrow(StreamsException);
  });

  it('fencing and fatal errors never reach the handler', async () => {
    let told = 0;
    const fenced = new RecordCollectorImpl(rejecting(kafkaError('PRODUCER_FENCED')), { lingerMs: 0, onSendError: () => { told++; return 'CONTINUE'; } });
    fenced.send(rec(1));
    await expect(fenced.flush()).rejects.toThrow(/broker said PRODUCER_FENCED/);
    const auth = new RecordCollectorImpl(rejecting(kafkaError('TOPIC_AUTHORIZATION_FAILED')), { lingerMs: 0, onSendError: () => { told++; return 'CONTINUE'; } });
    auth.send(rec(1));
    await expect(auth.flush()).rejects.toThrow(/TOPIC_AUTHORIZATION_FAILED/);
    expect(told).toBe(0);
  });
});

describe('production exception handler: the at-least-once thread collector (sendErrorHandler)', () => {
  const failed: ProducerRecord = { topic: 'out', key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 5, headers: [{ key: 'h', value: Buffer.from('x') }] };
  function setup(handler: unknown) {
    const config = resolveConfig({ 'application.id': 'a', 'bootstrap.servers': 'localhost:9092', 'production.exception.handler': handler as never, 'errors.dead.letter.queue.topic.name': 'dlq' });
    const metrics = new Map<string, number>();
    const dead: ProducerRecord[] = [];
    const onSendError = sendErrorHandler({
      config,
      log: { error: () => undefined },
      metrics: { increment: (name, task, by = 1) => void metrics.set(`${task} ${name}`, (metrics.get(`${task} ${name}`) ?? 0) + by) },
      taskOf: (r) => (r === failed ? '1_3' : undefined),
      deadLetter: (r) => void dead.push(r),
    });
    return { onSendError, metrics, dead };
  }

  it("'continue' counts dropped-records for the task that sent the record", () => {
    const { onSendError, metrics, dead } = setup('continue');
    expect(onSendError(failed, new Error('too large'), 'SEND')).toBe('CONTINUE');
    expect(metrics.get('1_3 dropped-records')).toBe(1);
    expect(dead).toEqual([]);
  });

  it("'fail' (the default) fails", () => {
    expect(setup('default').onSendError(failed, new Error('too large'), 'SEND')).toBe('FAIL');
  });

  it("'deadLetterQueue' queues the failed record's bytes with the error headers; a dead-letter record that fails is not dead-lettered again", () => {
    const { onSendError, metrics, dead } = setup('deadLetterQueue');
    expect(onSendError(failed, new Error('too large'), 'SEND')).toBe('CONTINUE');
    expect(dead).toHaveLength(1);
    expect(dead[0]?.topic).toBe('dlq');
    expect(text(dead[0]?.value)).toBe('v');
    expect(dead[0]?.headers?.map((h) => h.key)).toEqual(['h', '__streams.errors.exception', '__streams.errors.message', '__streams.errors.stacktrace']);
    expect(metrics.get('1_3 dead-letter-records')).toBe(1);
    expect(onSendError(dead[0] as ProducerRecord, new Error('dlq too'), 'SEND')).toBe('FAIL');
  });

  it('a function is told the task, the record and origin SEND; one that throws means FAIL', () => {
    const seen: unknown[] = [];
    const { onSendError } = setup((context: unknown, record: ProducerRecord, _e: Error, origin: string) => {
      seen.push({ context, topic: record.topic, origin });
      return 'CONTINUE';
    });
    expect(onSendError(failed, new Error('x'), 'SEND')).toBe('CONTINUE');
    expect(seen).toEqual([{ context: { taskId: '1_3' }, topic: 'out', origin: 'SEND' }]);
    expect(setup(() => { throw new Error('handler bug'); }).onSendError(failed, new Error('x'), 'SEND')).toBe('FAIL');
  });
});

describe('production.exception.handler config', () => {
  const base = { 'application.id': 'a', 'bootstrap.servers': 'localhost:9092' };
  it('rejects an unknown value, naming the valid ones', () => {
    expect(() => resolveConfig({ ...base, 'production.exception.handler': 'logAndContinue' as never })).toThrow(ConfigException);
    expect(() => resolveConfig({ ...base, 'production.exception.handler': 'logAndContinue' as never })).toThrow(/'production\.exception\.handler' must be one of default, fail, continue, deadLetterQueue or a function/);
    expect(() => resolveConfig({ ...base, 'default.production.exception.handler': 7 as never })).toThrow(/'default\.production\.exception\.handler'/);
  });
  it("'deadLetterQueue' needs the dead letter topic; 'default' means fail", () => {
    expect(() => resolveConfig({ ...base, 'production.exception.handler': 'deadLetterQueue' })).toThrow(/errors\.dead\.letter\.queue\.topic\.name/);
    expect(resolveConfig(base).productionExceptionHandler).toBe('fail');
    expect(resolveConfig({ ...base, 'production.exception.handler': 'default' }).productionExceptionHandler).toBe('fail');
  });
});
