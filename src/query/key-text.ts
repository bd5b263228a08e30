import { BadKeyException } from './query-errors.js';
import type { QueryableStoreInfo } from './query-host.js';

/** A JSON value, as values are rendered for remote queries. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The key a text key stands for, and its bytes: a store's own `parseKey` when it has one, else
 * the text itself, else (when the key serde refuses a string) a number, else its JSON. Keys that
 * none of these serialize are `BAD_KEY`.
 */
export function parseKeyText(info: QueryableStoreInfo, text: string): { key: unknown; bytes: Buffer } {
  const candidates: Array<() => unknown> = info.parseKey !== undefined ? [() => info.parseKey!(text)] : [() => text, () => asNumber(text), () => JSON.parse(text) as unknown];
  let cause: unknown;
  for (const candidate of candidates) {
    try {
      const key = candidate();
      const bytes = info.keySerde.serialize(info.serdeTopic, key);
      if (bytes !== null) return { key, bytes };
    } catch (e) {
      cause = e;
    }
  }
  throw new BadKeyException(info.name, text, { cause });
}

function asNumber(text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw new TypeError(`not a number: ${text}`);
  return n;
}

/** A key as text: strings as they are, numbers and bigints in decimal, anything else as JSON (or the store's `formatKey`). */
export function formatKey(info: QueryableStoreInfo, key: unknown): string {
  if (info.formatKey !== undefined) return info.formatKey(key);
  if (typeof key === 'string') return key;
  if (typeof key === 'number' || typeof key === 'bigint' || typeof key === 'boolean') return String(key);
  if (Buffer.isBuffer(key)) return key.toString('base64');
  return JSON.stringify(toJson(key));
}

/** A deserialized value as JSON: bigints as decimal strings, bytes as base64, `undefined` as null. */
export function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value !== 'object') return value as JsonValue;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as JsonValue;
}
