import { describe, expect, it } from 'vitest';
import { decodeTopicPartitionMetadata, encodeTopicPartitionMetadata } from '../../src/runtime/topic-partition-metadata.js';

/** The bytes Kafka Streams' `TopicPartitionMetadata.encode()` writes, spelled out in hex. */
const base64 = (hex: string): string => Buffer.from(hex.replace(/\s/g, ''), 'hex').toString('base64');

describe("commit metadata in Kafka Streams' TopicPartitionMetadata format", () => {
  it('writes version 2, the partition time, then the processor metadata entries', () => {
    expect(encodeTopicPartitionMetadata(1000, new Map())).toBe(base64('02 00000000000003e8'));
    expect(encodeTopicPartitionMetadata(1000, new Map([['emit', 42]]))).toBe(base64('02 00000000000003e8 00000001 00000004 656d6974 000000000000002a'));
    expect(encodeTopicPartitionMetadata(-1, new Map())).toBe(base64('02 ffffffffffffffff'));
  });

  it('reads versions 1 and 2 back, UTF-8 keys included', () => {
    const meta = new Map([['counts', 1_700_000_000_000], ['sessions-ü', 5]]);
    expect(decodeTopicPartitionMetadata(encodeTopicPartitionMetadata(1_700_000_000_123, meta))).toEqual({ partitionTime: 1_700_000_000_123, processorMetadata: meta });
    expect(decodeTopicPartitionMetadata(base64('01 0000000000000064'))).toEqual({ partitionTime: 100, processorMetadata: new Map() });
  });

  it('reads nothing, unknown, or unreadable metadata as unknown time and no entries, as Kafka does', () => {
    const none = { partitionTime: -1, processorMetadata: new Map() };
    expect(decodeTopicPartitionMetadata(undefined)).toEqual(none);
    expect(decodeTopicPartitionMetadata('')).toEqual(none);
    expect(decodeTopicPartitionMetadata(base64('03 0000000000000064'))).toEqual(none);
    expect(decodeTopicPartitionMetadata(base64('02 00'))).toEqual(none);
  });
});
