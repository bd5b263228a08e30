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
  // Tried in order, without building the list per key: this runs for every key of every query.
  const attempts = info.parseKey !== undefined ? 1 : 3;
  let cause: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const key = info.parseKey !== undefined ? info.parseKey(text) : attempt === 0 ? text : attempt === 1 ? asNumber(text) : (JSON.parse(text) as unknown);
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

/**
 * A deserialized value as JSON: bigints as decimal strings, bytes as base64, `undefined` as null.
 * A value that is JSON already (what the JSON serde gives: plain objects, arrays, strings,
 * finite numbers, booleans, null) is returned as it is; only others go through a JSON round trip,
 * which on a query batch cost more than reading the stores.
 */
export function toJson(value: unknown): JsonValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return value.toString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value !== 'object') return value as JsonValue;
  if (isPlainJson(value, 0)) return value as JsonValue;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) as JsonValue;
}

/** Deeper than this, the JSON round trip decides (and reports a cycle). */
const MAX_PLAIN_DEPTH = 64;

/** True when JSON.stringify then JSON.parse would give an equal value back. */
function isPlainJson(value: unknown, depth: number): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object': {
      if (value === null) return true;
      if (depth >= MAX_PLAIN_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (!isPlainJson(value[i], depth + 1)) return false;
        return true;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return false;   // Date, Map, class instances: their JSON differs
      if ('toJSON' in value) return false;
      for (const key in value) if (!isPlainJson((value as Record<string, unknown>)[key], depth + 1)) return false;
      return true;
    }
    default:
      return false;   // undefined (dropped or null in JSON), functions, symbols, bigints inside
  }
}
