import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import '../../src/kafka/kafkajs/kafkajs-module.js';
import { encodeRecord, groupMessagesPerPartition, kafkajsRecord, produceEncodingInstalled } from '../../src/kafka/kafkajs/produce-encoding.js';

const require = createRequire(import.meta.url);

interface KafkajsDecoder {
  readString(): string;
  readInt16(): number;
  readInt32(): number;
  readBytes(): Buffer;
}

interface DecodedBatch {
  readonly inTransaction: boolean;
  readonly producerId: string;
  readonly producerEpoch: number;
  readonly firstTimestamp: string;
  readonly maxTimestamp: string;
  readonly records: readonly { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: Record<string, unknown> }[];
}

/** A fresh copy of a kafkajs module as shipped (the require cache holds our replacement). */
function original<T>(request: string): T {
  const path = require.resolve(request);
  const cached = require.cache[path];
  delete require.cache[path];
  try {
    return require(path) as T;
  } finally {
    if (cached !== undefined) require.cache[path] = cached;
  }
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

function bytes(next: () => number, max: number): Buffer {
  return Buffer.from(Array.from({ length: Math.floor(next() * max) }, () => Math.floor(next() * 256)));
}

describe('kafkajs produce encoding', () => {
  it('is what kafkajs produce path uses', () => {
    expect(produceEncodingInstalled()).toBe(true);
    expect(require('kafkajs/src/protocol/recordBatch/record/v0/index.js')).toBe(encodeRecord);
    expect(require('kafkajs/src/producer/groupMessagesPerPartition.js')).toBe(groupMessagesPerPartition);
  });

  it('encodes records byte for byte as kafkajs does', () => {
    const next = random(42);
    for (let i = 0; i < 2_000; i++) {
      const headers: Record<string, Buffer | Buffer[]> = {};
      if (next() < 0.3) headers[`h${i % 3}`] = bytes(next, 20);
      if (next() < 0.1) headers['multi-é'] = [bytes(next, 5), bytes(next, 300)];
      const args = {
        offsetDelta: Math.floor(next() * (next() < 0.5 ? 100 : 200_000)),
        timestampDelta: Math.floor(next() * (next() < 0.5 ? 1_000 : 2 ** 29)) * (next() < 0.05 ? -1 : 1),
        key: next() < 0.1 ? null : bytes(next, next() < 0.98 ? 30 : 20_000),
        value: next() < 0.1 ? null : bytes(next, next() < 0.98 ? 200 : 70_000),
        headers,
      };
      expect(encodeRecord(args).buffer.equals(kafkajsRecord(args).buffer)).toBe(true);
    }
  });

  it('leaves what it does not handle to kafkajs (strings, huge deltas)', () => {
    for (const args of [
      { key: 'text key', value: Buffer.from('v') },
      { key: Buffer.from('k'), value: 'text value', headers: { h: 'text header' } },
      { key: Buffer.from('k'), value: Buffer.from('v'), timestampDelta: 2 ** 40 },
      { key: Buffer.from('k'), value: Buffer.from('v'), timestampDelta: -(2 ** 33) },
      { key: undefined, value: undefined },
    ]) {
      expect(encodeRecord(args).buffer.equals(kafkajsRecord(args).buffer)).toBe(true);
    }
  });

  it('groups messages by partition as kafkajs does', () => {
    const kafkajsGroup = original<typeof groupMessagesPerPartition>('kafkajs/src/producer/groupMessagesPerPartition.js');
    const next = random(7);
    const messages = Array.from({ length: 500 }, (_, i) => ({ i, p: Math.floor(next() * 5) }));
    const args = {
      topic: 't',
      partitionMetadata: [0, 1, 2, 3, 4].map((partitionId) => ({ partitionId })),
      messages,
      partitioner: ({ message }: { message: unknown }) => (message as { p: number }).p,
    };
    expect(groupMessagesPerPartition(args)).toEqual(kafkajsGroup(args));
    expect(groupMessagesPerPartition({ ...args, partitionMetadata: [] })).toEqual(kafkajsGroup({ ...args, partitionMetadata: [] }));
  });

  it('writes a produce request whose record batch decodes to the records sent', async () => {
    const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as (args: unknown) => { encode(): Promise<{ buffer: Buffer }> };
    const { encode } = produceRequest({
      acks: -1,
      timeout: 30_000,
      transactionalId: 'tx',
      producerId: 7,
      producerEpoch: 1,
      topicData: [
        {
          topic: 't',
          partitions: [
            {
              partition: 0,
              firstSequence: 0,
              messages: [
                { key: Buffer.from('a'), value: Buffer.from('1'), timestamp: '1700000000000' },
                { key: null, value: Buffer.from('2'), timestamp: '1700000000005', headers: { h: Buffer.from('x') } },
                { key: Buffer.from('c'), value: null, timestamp: '1700000000002' },
              ],
            },
          ],
        },
      ],
    });
    // Produce v3: transactional id, acks, timeout, [topic [partition, record set]].
    const Decoder = require('kafkajs/src/protocol/decoder.js') as new (b: Buffer) => KafkajsDecoder;
    const decodeBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (d: KafkajsDecoder) => Promise<DecodedBatch>;
    const request = new Decoder((await encode()).buffer);
    expect([request.readString(), request.readInt16(), request.readInt32(), request.readInt32(), request.readString(), request.readInt32(), request.readInt32()]).toEqual(['tx', -1, 30_000, 1, 't', 1, 0]);
    const batch = await decodeBatch(new Decoder(request.readBytes()));
    expect(batch.inTransaction).toBe(true);
    expect([batch.producerId, batch.producerEpoch, batch.firstTimestamp, batch.maxTimestamp]).toEqual(['7', 1, '1700000000000', '1700000000005']);
    expect(batch.records.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString() ?? null, Object.keys(r.headers)])).toEqual([
      ['0', '1700000000000', 'a', '1', []],
      ['1', '1700000000005', null, '2', ['h']],
      ['2', '1700000000002', 'c', null, []],
    ]);
  });
});
