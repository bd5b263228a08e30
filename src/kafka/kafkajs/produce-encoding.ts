/**
 * Faster produce-request encoding for kafkajs 2.2.4, byte for byte the same.
 *
 * kafkajs spends most of a send's CPU on two helpers (measured on the exactly-once bench, where
 * every commit sends thousands of changelog and output records):
 *
 * - `src/protocol/recordBatch/record/v0/index.js` encodes each record into a fresh 512-byte
 *   zero-filled `Encoder` and allocates one Buffer per varint (through `Long` for the timestamp
 *   delta): ~10-20 µs per small record on our 2-core machine;
 * - `src/producer/groupMessagesPerPartition.js` groups a send's messages by partition by copying
 *   the partition's whole list for every message: quadratic (why `send-chunks.ts` caps a send at
 *   1,000 records).
 *
 * Both are CommonJS modules that kafkajs loads with `require` and keeps in a local binding, so the
 * replacements go into Node's require cache before kafkajs loads the modules that use them
 * (`produce/v3/request.js`, which every Produce version from 3 to 7 delegates to, and
 * `producer/sendMessages.js`). `kafkajs-module.ts` imports this file before kafkajs for that.
 *
 * The record encoder handles the records our adapter produces (Buffer or null key and value,
 * Buffer header values, integer deltas below 2^30) and hands anything else to kafkajs's own
 * encoder, so the output is always what kafkajs would have written (see the unit test, which
 * compares both on random records).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface RecordArgs {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: Readonly<Record<string, unknown>>;
}

/** What kafkajs's RecordBatch needs of an encoded record: `Encoder.writeEncoderArray` reads `.buf` (checked to be a Buffer) and `.buffer`. */
export interface EncodedRecord {
  readonly buf: Buffer;
  readonly buffer: Buffer;
}

type RecordEncoder = (args: RecordArgs) => EncodedRecord;

interface PartitionerArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly message: unknown;
}

interface GroupArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  readonly messages: readonly unknown[];
  readonly partitioner: (args: PartitionerArgs) => number;
}

const RECORD_MODULE = 'kafkajs/src/protocol/recordBatch/record/v0/index.js';
const GROUP_MODULE = 'kafkajs/src/producer/groupMessagesPerPartition.js';
/** The modules that bind the two above at load time: replacing after they loaded would change nothing. */
const USERS = ['kafkajs/src/protocol/requests/produce/v3/request.js', 'kafkajs/src/producer/sendMessages.js'];

/**
 * Installed once per process (a test runner may evaluate this file again with the require cache
 * kept): the original record encoder, and whether kafkajs's produce path picked the replacements up.
 */
interface Installation {
  readonly original: RecordEncoder;
  readonly effective: boolean;
}

const INSTALLATION = Symbol.for('kstreams.kafkajs.produceEncoding');

/** Deltas up to this size encode as a 32-bit zigzag varint, which is the same bytes as kafkajs's varlong. */
const SMALL = 0x3fff_ffff;

const zigzag = (v: number): number => ((v << 1) ^ (v >> 31)) >>> 0;
const varintSize = (u: number): number => (u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x20_0000 ? 3 : u < 0x1000_0000 ? 4 : 5);

function writeVarint(buf: Buffer, offset: number, u: number): number {
  let o = offset;
  let v = u;
  while (v >= 0x80) {
    buf[o++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[o++] = v;
  return o;
}

const isSmallInt = (v: unknown, min: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= SMALL;
const isBytes = (v: unknown): v is Buffer | null | undefined => v === null || v === undefined || Buffer.isBuffer(v);

/** Header name and value pairs in kafkajs's order (an array value is several headers of one name), or undefined when one is not a Buffer. */
function headerPairs(headers: Readonly<Record<string, unknown>>): Array<[Buffer, Buffer]> | undefined {
  const pairs: Array<[Buffer, Buffer]> = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    const key = Buffer.from(name, 'utf8');
    for (const v of values) {
      if (!Buffer.isBuffer(v)) return undefined;
      pairs.push([key, v]);
    }
  }
  return pairs;
}

/**
 * One record of a v2 record batch (Kafka's `DefaultRecord`): length, attributes, timestamp and
 * offset deltas, key, value, headers; lengths and deltas as zigzag varints, -1 for null.
 */
export function encodeRecord(args: RecordArgs): EncodedRecord {
  const { offsetDelta = 0, timestampDelta = 0, key, value, headers } = args;
  const pairs = headers === undefined ? [] : headerPairs(headers);
  if (pairs === undefined || !isBytes(key) || !isBytes(value) || !isSmallInt(offsetDelta, 0) || !isSmallInt(timestampDelta, -SMALL)) return kafkajsRecord(args);
  const timestampZ = zigzag(timestampDelta);
  const offsetZ = zigzag(offsetDelta);
  const keyLength = key == null ? -1 : key.length;
  const valueLength = value == null ? -1 : value.length;
  let headersSize = varintSize(zigzag(pairs.length));
  for (const [k, v] of pairs) headersSize += varintSize(zigzag(k.length)) + k.length + varintSize(zigzag(v.length)) + v.length;
  const bodySize =
    1 +
    varintSize(timestampZ) +
    varintSize(offsetZ) +
    varintSize(zigzag(keyLength)) +
    Math.max(0, keyLength) +
    varintSize(zigzag(valueLength)) +
    Math.max(0, valueLength) +
    headersSize;
  const bodyZ = zigzag(bodySize);
  const buf = Buffer.allocUnsafe(varintSize(bodyZ) + bodySize);
  let o = writeVarint(buf, 0, bodyZ);
  buf[o++] = 0; // attributes: none are used on records
  o = writeVarint(buf, o, timestampZ);
  o = writeVarint(buf, o, offsetZ);
  o = writeVarint(buf, o, zigzag(keyLength));
  if (keyLength > 0) o += (key as Buffer).copy(buf, o);
  o = writeVarint(buf, o, zigzag(valueLength));
  if (valueLength > 0) o += (value as Buffer).copy(buf, o);
  o = writeVarint(buf, o, zigzag(pairs.length));
  for (const [k, v] of pairs) {
    o = writeVarint(buf, o, zigzag(k.length));
    o += k.copy(buf, o);
    o = writeVarint(buf, o, zigzag(v.length));
    o += v.copy(buf, o);
  }
  return { buf, buffer: buf };
}

/** kafkajs's grouping of a send's messages by partition (same result: partition → messages in send order), in linear time. */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, unknown[]> {
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  for (const message of messages) {
    const partition = partitioner({ topic, partitionMetadata, message });
    (result[partition] ??= []).push(message);
  }
  return result;
}

function replaceExports(request: string, exports: unknown): void {
  const path = require.resolve(request);
  require(path);
  const cached = require.cache[path];
  if (cached === undefined) throw new Error(`kafkajs module ${request} is not in the require cache (is kafkajs still 2.2.4?)`);
  cached.exports = exports;
}

function install(): Installation {
  const global = globalThis as { [INSTALLATION]?: Installation };
  const existing = global[INSTALLATION];
  if (existing !== undefined) return existing;
  const original = require(RECORD_MODULE) as RecordEncoder;
  const effective = !USERS.some((u) => require.cache[require.resolve(u)] !== undefined);
  replaceExports(RECORD_MODULE, encodeRecord);
  replaceExports(GROUP_MODULE, groupMessagesPerPartition);
  return (global[INSTALLATION] = { original, effective });
}

const installation = install();

/** kafkajs's own record encoder (the fallback, and the reference the test compares with). */
export const kafkajsRecord: RecordEncoder = (args) => installation.original(args);

/** True when kafkajs's produce path uses the faster encoders (they were in place before kafkajs loaded its produce modules). */
export function produceEncodingInstalled(): boolean {
  return installation.effective;
}
