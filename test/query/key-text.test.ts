import { describe, expect, it } from 'vitest';
import { parseKeyText, toJson } from '../../src/query/key-text.js';
import { storeInfos } from './fake-cluster.js';

/** What toJson must equal: the JSON round trip (bigints as decimal strings). */
const roundTrip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

describe('toJson', () => {
  it('returns a value that is JSON already as it is', () => {
    const value = { street: '1 Main St', n: 3, ok: true, none: null, tags: ['a', { b: [1, 2] }] };
    expect(toJson(value)).toBe(value);
    const bare = Object.assign(Object.create(null) as object, { a: 1 });
    expect(toJson(bare)).toBe(bare);
  });

  it('gives what the JSON round trip gives for everything else', () => {
    const cases: unknown[] = [
      { when: new Date(0) },
      { big: 12345678901234567890n, list: [1n] },
      { skipped: undefined, kept: 1 },
      [undefined, 1],
      // eslint-disable-next-line no-sparse-arrays
      [1, , 3],
      { n: Number.NaN, inf: Number.POSITIVE_INFINITY },
      { map: new Map([['a', 1]]) },
      { custom: { toJSON: () => 'custom' } },
      new (class Point { x = 1; y = 2; })(),
      { fn: () => 1, sym: Symbol('s') },
    ];
    for (const value of cases) {
      const answer = toJson(value);
      expect(answer).toEqual(roundTrip(value));
      expect(answer).not.toBe(value);
    }
  });

  it('renders scalars: bigints as decimal, bytes as base64, undefined as null', () => {
    expect(toJson(5n)).toBe('5');
    expect(toJson(Buffer.from('hi'))).toBe('aGk=');
    expect(toJson(undefined)).toBeNull();
    expect(toJson('x')).toBe('x');
  });

  it('reports a cycle as the JSON round trip does', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(() => toJson(cyclic)).toThrow(TypeError);
  });
});

describe('parseKeyText', () => {
  const [address, counts] = storeInfos(3);

  it('takes the text as it is when the key serde does, else a number, else JSON; BAD_KEY when none serializes', () => {
    expect(parseKeyText(address!, 'andy')).toEqual({ key: 'andy', bytes: Buffer.from('andy') });
    const n = parseKeyText(counts!, '42');
    expect(n.key).toBe(42);
    expect(n.bytes.readInt32BE(0)).toBe(42);
    expect(() => parseKeyText(counts!, 'not a number')).toThrow(expect.objectContaining({ code: 'BAD_KEY' }) as Error);
  });

  it("uses the store's own parseKey, and only it, when it has one", () => {
    const info = { ...counts!, parseKey: (text: string) => Number(text.replace(/^#/, '')) };
    expect(parseKeyText(info, '#7').key).toBe(7);
    const strict = { ...address!, parseKey: (text: string) => { if (!text.startsWith('k:')) throw new TypeError('needs k:'); return text.slice(2); } };
    expect(parseKeyText(strict, 'k:x').key).toBe('x');
    expect(() => parseKeyText(strict, 'x')).toThrow(expect.objectContaining({ code: 'BAD_KEY' }) as Error);
  });
});
