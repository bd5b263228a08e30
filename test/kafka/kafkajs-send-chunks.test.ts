import { describe, expect, it } from 'vitest';
import { chunkBySize, estimatedSize } from '../../src/kafka/kafkajs/send-chunks.js';
import type { ProducerRecord } from '../../src/kafka/port.js';

const record = (valueBytes: number, i = 0): ProducerRecord => ({ topic: 't', key: Buffer.from(`k${i}`), value: Buffer.alloc(valueBytes, 1) });

describe('splitting sends into broker-sized chunks', () => {
  it('estimates a record by key, value and headers', () => {
    expect(estimatedSize({ topic: 't', key: null, value: null })).toBe(21);
    expect(estimatedSize({ topic: 't', key: Buffer.alloc(3), value: Buffer.alloc(100), headers: [{ key: 'hé', value: Buffer.alloc(5) }, { key: 'n', value: null }] })).toBe(21 + 3 + 100 + (10 + 3 + 5) + (10 + 1));
  });

  it('keeps a small send whole and cuts a large one into consecutive chunks under the limit, in order', () => {
    const small = Array.from({ length: 10 }, (_, i) => record(100, i));
    expect(chunkBySize(small, 10_000)).toEqual([small]);
    const large = Array.from({ length: 100 }, (_, i) => record(1_000, i));
    const chunks = chunkBySize(large, 10_000);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.flat()).toEqual(large);
    for (const chunk of chunks) expect(chunk.reduce((sum, r) => sum + estimatedSize(r), 0)).toBeLessThanOrEqual(10_000);
  });

  it('sends a record larger than the limit alone (the broker decides), and nothing for nothing', () => {
    const huge = record(50_000);
    expect(chunkBySize([record(10, 1), huge, record(10, 2)], 10_000)).toEqual([[record(10, 1)], [huge], [record(10, 2)]]);
    expect(chunkBySize([], 10_000)).toEqual([]);
  });

  it('cuts a send of many small records into chunks of at most maxRecords, in order', () => {
    const many = Array.from({ length: 2_500 }, (_, i) => record(1, i));
    const chunks = chunkBySize(many, 10_000_000, 1_000);
    expect(chunks.map((c) => c.length)).toEqual([1_000, 1_000, 500]);
    expect(chunks.flat()).toEqual(many);
  });
});
