/**
 * The metadata string a task commits with each input partition's offset, in Kafka Streams' own
 * format (`TopicPartitionMetadata`, version 2), so the group's offsets read the same from either:
 * base64 of [version byte 2][partition time: int64 BE][processor metadata], where processor
 * metadata is empty or [entry count: int32 BE] then per entry [key length: int32 BE][UTF-8 key]
 * [value: int64 BE]. Version 1 carries only the partition time.
 *
 * Why: a task that starts again (restart, failover, rebalance) gets back its partitions' times,
 * so stream time does not fall back to "unknown" (what a record's lateness, punctuation and
 * window closing are judged by), and the processor metadata its processors keep (windowed
 * aggregations: the close time up to which emit-final already emitted).
 */
export interface TopicPartitionMetadata {
  /** -1 when unknown. */
  readonly partitionTime: number;
  readonly processorMetadata: ReadonlyMap<string, number>;
}

const VERSION = 2;

export function encodeTopicPartitionMetadata(partitionTime: number, processorMetadata: ReadonlyMap<string, number>): string {
  const entries = [...processorMetadata].map(([key, value]) => ({ key: Buffer.from(key, 'utf8'), value }));
  const metaSize = entries.length === 0 ? 0 : 4 + entries.reduce((n, e) => n + 4 + e.key.length + 8, 0);
  const buffer = Buffer.alloc(1 + 8 + metaSize);
  buffer.writeInt8(VERSION, 0);
  buffer.writeBigInt64BE(BigInt(partitionTime), 1);
  let at = 9;
  if (entries.length > 0) {
    at = buffer.writeInt32BE(entries.length, at);
    for (const { key, value } of entries) {
      at = buffer.writeInt32BE(key.length, at);
      at += key.copy(buffer, at);
      at = buffer.writeBigInt64BE(BigInt(value), at);
    }
  }
  return buffer.toString('base64');
}

/** Reads what {@link encodeTopicPartitionMetadata} (or Kafka Streams) wrote; unknown or unreadable metadata reads as none, as in Kafka. */
export function decodeTopicPartitionMetadata(encoded: string | undefined): TopicPartitionMetadata {
  const none = { partitionTime: -1, processorMetadata: new Map<string, number>() };
  if (encoded === undefined || encoded === '') return none;
  try {
    const buffer = Buffer.from(encoded, 'base64');
    const version = buffer.readInt8(0);
    if (version !== 1 && version !== VERSION) return none;
    const partitionTime = Number(buffer.readBigInt64BE(1));
    const processorMetadata = new Map<string, number>();
    if (version === VERSION && buffer.length > 9) {
      let at = 9;
      const count = buffer.readInt32BE(at);
      at += 4;
      for (let i = 0; i < count; i++) {
        const length = buffer.readInt32BE(at);
        at += 4;
        const key = buffer.toString('utf8', at, at + length);
        at += length;
        processorMetadata.set(key, Number(buffer.readBigInt64BE(at)));
        at += 8;
      }
    }
    return { partitionTime, processorMetadata };
  } catch {
    return none;
  }
}
