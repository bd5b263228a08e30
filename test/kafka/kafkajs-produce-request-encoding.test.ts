import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import '../../src/kafka/kafkajs/kafkajs-module.js';
import { kafkajsProduceRequestV3, produceRequestEncodingInstalled, produceRequestV3 } from '../../src/kafka/kafkajs/produce-request-encoding.js';

const require = createRequire(import.meta.url);
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: number | string): unknown; fromInt(n: number): unknown };

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

const bytes = (next: () => number, max: number): Buffer => Buffer.from(Array.from({ length: Math.floor(next() * max) }, () => Math.floor(next() * 256)));

function randomTopicData(next: () => number) {
  const base = 1_795_680_000_000;
  return Array.from({ length: 1 + Math.floor(next() * 3) }, (_, t) => ({
    topic: `topic-${t}`,
    partitions: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, p) => ({
      partition: p,
      firstSequence: Math.floor(next() * 1000),
      messages: Array.from({ length: 1 + Math.floor(next() * 40) }, () => {
        const withTimestamp = next() < 0.8;
        return {
          key: next() < 0.2 ? null : bytes(next, 30),
          value: next() < 0.1 ? null : bytes(next, 200),
          ...(withTimestamp ? { timestamp: String(base + Math.floor(next() * 100_000)) } : {}),
          ...(next() < 0.3 ? { headers: { h: bytes(next, 10), twice: [bytes(next, 5), bytes(next, 5)] } } : {}),
          partition: p,
        };
      }),
    })),
  }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("kafkajs's Produce v3 request without a spread per message", () => {
  it('is what kafkajs uses for Produce v4 to v7', () => {
    expect(produceRequestEncodingInstalled()).toBe(true);
    expect(require('kafkajs/src/protocol/requests/produce/v3/request.js')).toBe(produceRequestV3);
  });

  it('encodes 200 random sends byte for byte as kafkajs does (timestamps or not, headers, null keys and values, transactions)', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_795_690_000_000);
    const next = random(7);
    for (let i = 0; i < 200; i++) {
      const transactional = next() < 0.5;
      const args = {
        acks: next() < 0.5 ? -1 : 1,
        timeout: 30_000,
        ...(transactional ? { transactionalId: `tx-${i}`, producerId: Long.fromValue(1000 + i), producerEpoch: i % 5 } : {}),
        topicData: randomTopicData(next),
      };
      const ours = produceRequestV3(args);
      const theirs = kafkajsProduceRequestV3(args);
      expect({ apiKey: ours.apiKey, apiVersion: ours.apiVersion, apiName: ours.apiName, expect: ours.expectResponse() }).toEqual({
        apiKey: theirs.apiKey,
        apiVersion: theirs.apiVersion,
        apiName: theirs.apiName,
        expect: theirs.expectResponse(),
      });
      const [a, b] = await Promise.all([ours.encode(), theirs.encode()]);
      const bufferOf = (e: unknown): Buffer => (e as { buffer: Buffer }).buffer;
      if (!bufferOf(a).equals(bufferOf(b))) expect.fail(`send ${i} encodes differently`);
    }
  });
});
