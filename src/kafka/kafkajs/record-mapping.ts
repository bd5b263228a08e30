/**
 * Records between the port's shapes and kafkajs's.
 *
 * Headers are the one lossy spot. Kafka keeps a record's headers as an ordered list; kafkajs
 * holds them as an object keyed by header name (a repeated name becomes an array), on both the
 * produce and the fetch side. So kafkajs keeps the order among values of one name and the order
 * of first appearance of names, but not an interleaving such as `a, b, a`; and its encoder
 * cannot write a null header value (it takes `Buffer.byteLength(null)`). Rather than reorder or
 * rewrite headers silently, sending such records fails with an `UNSUPPORTED` error.
 */
import type { IHeaders, Message } from 'kafkajs';
import type { ConsumedRecord, Header, ProducerRecord } from '../port.js';
import { unsupported } from './kafkajs-error.js';
import type { RawRecord } from './kafkajs-module.js';

/** Port headers to a kafkajs headers object, refusing what kafkajs would change. */
export function toKafkajsHeaders(headers: readonly Header[], topic: string): IHeaders {
  const out: Record<string, Buffer[]> = Object.create(null) as Record<string, Buffer[]>;
  let previous: string | undefined;
  for (const { key, value } of headers) {
    if (value === null) {
      throw unsupported(`header '${key}' of a record for topic '${topic}' has a null value, which kafkajs cannot encode`);
    }
    const values = out[key];
    if (values === undefined) {
      out[key] = [value];
    } else {
      if (previous !== key) {
        throw unsupported(
          `the headers of a record for topic '${topic}' repeat '${key}' after another name (${headers.map((h) => h.key).join(', ')}); ` +
            'kafkajs keeps headers grouped by name, so put the values of one name next to each other',
        );
      }
      values.push(value);
    }
    previous = key;
  }
  const result = Object.create(null) as IHeaders;
  for (const key of Object.keys(out)) {
    const values = out[key]!;
    result[key] = values.length === 1 ? values[0] : values;
  }
  return result;
}

/** A kafkajs headers object (as fetched) to the port's ordered list. */
export function fromKafkajsHeaders(headers: RawRecord['headers']): Header[] {
  const list: Header[] = [];
  if (headers === undefined) return list;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    for (const v of values as readonly (Buffer | string | null)[]) {
      list.push({ key, value: v === null ? null : Buffer.isBuffer(v) ? v : Buffer.from(v) });
    }
  }
  return list;
}

export function toKafkajsMessage(record: ProducerRecord): Message {
  const message: Message = { key: record.key, value: record.value };
  if (record.partition !== undefined) message.partition = record.partition;
  if (record.timestamp !== undefined) message.timestamp = String(record.timestamp);
  if (record.headers !== undefined && record.headers.length > 0) message.headers = toKafkajsHeaders(record.headers, record.topic);
  return message;
}

export function toConsumedRecord(topic: string, partition: number, raw: RawRecord): ConsumedRecord {
  return {
    topic,
    partition,
    offset: Number(raw.offset),
    key: raw.key,
    value: raw.value,
    timestamp: Number(raw.timestamp),
    headers: fromKafkajsHeaders(raw.headers),
  };
}
