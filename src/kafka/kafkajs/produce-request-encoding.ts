/**
 * kafkajs's Produce request v3 (`src/protocol/requests/produce/v3/request.js`, which versions 4 to
 * 7 delegate to), with one change: each message goes to the record encoder as a small object of
 * fixed shape, not as a spread copy of the message (`{ ...message, offsetDelta, timestampDelta }`).
 * That spread was about a tenth of the CPU time of a topology that mostly produces (the
 * stream-table join bench, after `produce-encoding.ts`). Everything else is kafkajs's code as is,
 * so the bytes are the same (the unit test compares both on random sends).
 *
 * Installed like `produce-encoding.ts`: into Node's require cache before kafkajs loads the
 * Produce request versions that `require` v3 (they load at the first send), from
 * `kafkajs-module.ts`, after `produce-encoding.ts` (whose record encoder this one calls).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const V3_MODULE = 'kafkajs/src/protocol/requests/produce/v3/request.js';
/** The modules that bind v3 at load time: replacing after they loaded would change nothing. */
const USERS = [4, 5, 6, 7].map((v) => `kafkajs/src/protocol/requests/produce/v${v}/request.js`);

interface Encoder {
  writeString(value: string | null): Encoder;
  writeInt16(value: number): Encoder;
  writeInt32(value: number): Encoder;
  writeArray(value: readonly unknown[]): Encoder;
  writeEncoder(value: unknown): Encoder;
  size(): number;
}
type EncoderClass = new () => Encoder;

interface Message {
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: unknown;
  readonly timestamp?: string | number | null;
}

interface PartitionData {
  readonly partition: number;
  readonly messages: readonly Message[];
  readonly firstSequence?: number;
}

interface TopicData {
  readonly topic: string;
  readonly partitions: readonly PartitionData[];
}

interface RequestArgs {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly TopicData[];
}

type RecordEncoder = (args: { key: unknown; value: unknown; headers: unknown; offsetDelta: number; timestampDelta: number }) => unknown;
type RecordBatchEncoder = (args: Record<string, unknown>) => Promise<Encoder>;

const Long = require('kafkajs/src/utils/long.js') as { fromInt(n: number): unknown };
const EncoderImpl = require('kafkajs/src/protocol/encoder.js') as EncoderClass;
const { Produce: apiKey } = require('kafkajs/src/protocol/requests/apiKeys.js') as { Produce: number };
const { Types } = require('kafkajs/src/protocol/message/compression/index.js') as { Types: { None: number } };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: RecordBatchEncoder };
/** The record encoder as kafkajs's v3 request would `require` it (`produce-encoding.ts`'s, once installed). */
const record = (): RecordEncoder => require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as RecordEncoder;

/** kafkajs's Produce v3 request, building each record's encoder arguments without a spread. */
export function produceRequestV3({ acks, timeout, transactionalId = null, producerId = Long.fromInt(-1), producerEpoch = 0, compression = Types.None, topicData }: RequestArgs) {
  return {
    apiKey,
    apiVersion: 3,
    apiName: 'Produce',
    expectResponse: () => acks !== 0,
    encode: async () => {
      const encodedTopicData: Encoder[] = [];
      for (const data of topicData) encodedTopicData.push(await encodeTopic(data, compression, transactionalId, producerId, producerEpoch));
      return new EncoderImpl().writeString(transactionalId).writeInt16(acks).writeInt32(timeout).writeArray(encodedTopicData);
    },
  };
}

async function encodeTopic(data: TopicData, compression: number, transactionalId: string | null, producerId: unknown, producerEpoch: number): Promise<Encoder> {
  const encodedPartitions: Encoder[] = [];
  for (const partition of data.partitions) encodedPartitions.push(await encodePartition(partition, compression, transactionalId, producerId, producerEpoch));
  return new EncoderImpl().writeString(data.topic).writeArray(encodedPartitions);
}

async function encodePartition({ partition, messages, firstSequence }: PartitionData, compression: number, transactionalId: string | null, producerId: unknown, producerEpoch: number): Promise<Encoder> {
  const dateNow = Date.now();
  // As kafkajs: the default (string) sort, so first and max are what kafkajs writes.
  const messageTimestamps = messages
    .map((m) => m.timestamp)
    .filter((timestamp) => timestamp != null)
    .sort();
  const timestamps = messageTimestamps.length === 0 ? [dateNow] : messageTimestamps;
  const firstTimestamp = timestamps[0] as string | number;
  const maxTimestamp = timestamps[timestamps.length - 1];
  const encodeRecord = record();
  const records = new Array<unknown>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i] as Message;
    // kafkajs: `(message.timestamp || dateNow) - firstTimestamp`, with JavaScript's coercions.
    const timestampDelta = ((m.timestamp || dateNow) as number) - (firstTimestamp as number);
    records[i] = encodeRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta });
  }
  const recordBatch = await RecordBatch({
    compression,
    records,
    firstTimestamp,
    maxTimestamp,
    producerId,
    producerEpoch,
    firstSequence,
    transactional: !!transactionalId,
    lastOffsetDelta: records.length - 1,
  });
  return new EncoderImpl().writeInt32(partition).writeInt32(recordBatch.size()).writeEncoder(recordBatch);
}

const INSTALLATION = Symbol.for('kstreams.kafkajs.produceRequestV3');

interface Installation {
  readonly original: typeof produceRequestV3;
  readonly effective: boolean;
}

function install(): Installation {
  const global = globalThis as { [INSTALLATION]?: Installation };
  const existing = global[INSTALLATION];
  if (existing !== undefined) return existing;
  const effective = !USERS.some((u) => require.cache[require.resolve(u)] !== undefined);
  const path = require.resolve(V3_MODULE);
  const original = require(path) as typeof produceRequestV3;
  const cached = require.cache[path];
  if (cached === undefined) throw new Error(`kafkajs module ${V3_MODULE} is not in the require cache (is kafkajs still 2.2.4?)`);
  cached.exports = produceRequestV3;
  return (global[INSTALLATION] = { original, effective });
}

const installation = install();

/** kafkajs's own Produce v3 request (the reference the test compares with). */
export const kafkajsProduceRequestV3 = (args: RequestArgs): ReturnType<typeof produceRequestV3> => installation.original(args);

/** True when kafkajs's Produce requests v4 to v7 use this v3 (it was in place before they loaded). */
export function produceRequestEncodingInstalled(): boolean {
  return installation.effective;
}
