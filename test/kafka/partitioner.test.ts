import { createRequire } from 'node:module';
import { Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultPartition, murmur2, toPositive } from '../../src/kafka/partitioner.js';

// kafkajs's Java-compatible murmur2 (its DefaultPartitioner's hash) is not part of its typed API.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

/*
 * Vectors from Kafka's UtilsTest.testMurmur2
 * (apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java).
 * The last three were computed with Kafka's Utils.murmur2 from kafka-clients 4.1.2 under jshell.
 */
const KAFKA_VECTORS: Array<[Buffer, number]> = [
  [Buffer.from('21'), -973932308],
  [Buffer.from('foobar'), -790332482],
  [Buffer.from('a-little-bit-long-string'), -985981536],
  [Buffer.from('a-little-bit-longer-string'), -1486304829],
  [Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8'), -58897971],
  [Buffer.from([0x61, 0x62, 0x63]), 479470107],
  [Buffer.alloc(0), 275646681],
  [Buffer.from('andy'), 1481233899],
  [Buffer.from([0xff, 0x00, 0x80, 0x7f, 0xfe]), 1118688894],
];

/** A small deterministic PRNG (mulberry32), so a failing key can be reproduced. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('murmur2', () => {
  for (const [key, expected] of KAFKA_VECTORS) {
    it(`matches Kafka's Utils.murmur2 for 0x${key.toString('hex') || '(empty)'}`, () => {
      expect(murmur2(key)).toBe(expected);
    });
  }

  it('agrees with kafkajs DefaultPartitioner murmur2 on 5,000 random binary keys of every tail length', () => {
    const random = prng(2024);
    for (let i = 0; i < 5000; i++) {
      const key = Buffer.alloc(Math.floor(random() * 70));
      for (let j = 0; j < key.length; j++) key[j] = Math.floor(random() * 256);
      const ours = murmur2(key);
      if (ours !== kafkajsMurmur2(key)) expect.fail(`murmur2 disagrees with kafkajs for 0x${key.toString('hex')}`);
    }
  });

  it('returns a signed 32-bit integer', () => {
    expect(Number.isInteger(murmur2(Buffer.from('21')))).toBe(true);
    expect(murmur2(Buffer.from('21'))).toBeLessThan(0);
  });
});

describe('toPositive', () => {
  it('clears the sign bit as Kafka does (not Math.abs)', () => {
    expect(toPositive(-973932308)).toBe(1173551340);
    expect(toPositive(-(2 ** 31))).toBe(0);
    expect(toPositive(-1)).toBe(2 ** 31 - 1);
    expect(toPositive(479470107)).toBe(479470107);
  });
});

describe('defaultPartition', () => {
  it('is toPositive(murmur2(key)) % numPartitions', () => {
    // toPositive(-973932308) = 1173551340; 1173551340 % 3 = 0, % 7 = 3.
    expect(defaultPartition(Buffer.from('21'), 3)).toBe(0);
    expect(defaultPartition(Buffer.from('21'), 7)).toBe(3);
    // 1481233899 % 2 = 1, % 6 = 3.
    expect(defaultPartition(Buffer.from('andy'), 2)).toBe(1);
    expect(defaultPartition(Buffer.from('andy'), 6)).toBe(3);
  });

  it('picks the same partition as kafkajs DefaultPartitioner for keyed records', () => {
    const kafkajsPartition = Partitioners.DefaultPartitioner();
    const random = prng(7);
    for (const numPartitions of [1, 2, 3, 6, 12, 100]) {
      const partitionMetadata = Array.from({ length: numPartitions }, (_, partitionId) => ({
        partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0,
      }));
      for (let i = 0; i < 500; i++) {
        const key = Buffer.from(`key-${Math.floor(random() * 1e9)}`);
        const theirs = kafkajsPartition({ topic: 't', partitionMetadata, message: { key, value: null } });
        if (defaultPartition(key, numPartitions) !== theirs) expect.fail(`partition of '${key.toString()}' over ${numPartitions} differs from kafkajs`);
      }
    }
  });

  it('rejects a partition count that is not a positive integer', () => {
    expect(() => defaultPartition(Buffer.from('a'), 0)).toThrow('numPartitions must be a positive integer, but got: 0');
    expect(() => defaultPartition(Buffer.from('a'), 1.5)).toThrow(RangeError);
  });
});
