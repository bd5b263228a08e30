import { describe, expect, it } from 'vitest';
import { SortedByteMap, type ScanBounds } from '../../src/state/sorted-byte-map.js';

const x = (hex: string): Buffer => Buffer.from(hex, 'hex');
/** Hex strings sort as their bytes do: an oracle independent of Buffer.compare. */
const byHex = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function keysOf(map: SortedByteMap, bounds?: ScanBounds): string[] {
  return [...map.scan(bounds)].map((e) => e.key.toString('hex'));
}

function expectedKeys(model: Map<string, string>, bounds: { gte?: string; lte?: string; lt?: string; reverse?: boolean }): string[] {
  const keys = [...model.keys()]
    .filter((k) => (bounds.gte === undefined || k >= bounds.gte) && (bounds.lte === undefined || k <= bounds.lte) && (bounds.lt === undefined || k < bounds.lt))
    .sort(byHex);
  return bounds.reverse ? keys.reverse() : keys;
}

describe('SortedByteMap', () => {
  // Chunk size 2 splits above 4 entries: every path through split, merge and chunk removal runs.
  for (const load of [2, 16, 512]) {
    it(`matches a model over 6,000 random operations (chunk size ${load})`, () => {
      const random = prng(load);
      const map = new SortedByteMap(load);
      const model = new Map<string, string>();
      const randomHex = (): string => Array.from({ length: 1 + Math.floor(random() * 3) }, () => Math.floor(random() * 24).toString(16).padStart(2, '0')).join('');
      for (let op = 0; op < 6_000; op++) {
        const key = randomHex();
        const roll = random();
        if (roll < 0.5) {
          const previous = map.set(x(key), Buffer.from(String(op)));
          expect(previous?.toString()).toBe(model.get(key));
          model.set(key, String(op));
        } else if (roll < 0.85) {
          expect(map.delete(x(key))?.toString()).toBe(model.get(key));
          model.delete(key);
        } else if (roll < 0.95) {
          expect(map.get(x(key))?.toString()).toBe(model.get(key));
        } else {
          const [lo, hi] = [randomHex(), randomHex()].sort(byHex) as [string, string];
          const reverse = random() < 0.5;
          expect(keysOf(map, { gte: x(lo), lte: x(hi), reverse })).toEqual(expectedKeys(model, { gte: lo, lte: hi, reverse }));
          expect(keysOf(map, { gte: x(lo), lt: x(hi), reverse })).toEqual(expectedKeys(model, { gte: lo, lt: hi, reverse }));
          expect(keysOf(map, { lte: x(hi), reverse })).toEqual(expectedKeys(model, { lte: hi, reverse }));
        }
        expect(map.size).toBe(model.size);
      }
      expect(keysOf(map)).toEqual(expectedKeys(model, {}));
      expect(keysOf(map, { reverse: true })).toEqual(expectedKeys(model, { reverse: true }));
    });
  }

  it('keeps a scan consistent while keys are added and removed around it', () => {
    const map = new SortedByteMap(2);
    for (let i = 0; i < 100; i += 2) map.set(Buffer.from([i]), Buffer.from('v'));
    const seen: number[] = [];
    for (const { key } of map.scan()) {
      const k = key[0]!;
      seen.push(k);
      map.delete(Buffer.from([k])); // the current key
      map.delete(Buffer.from([k + 2])); // the next key: must not be seen
      map.set(Buffer.from([k + 1]), Buffer.from('new')); // a key just ahead: seen next
      map.set(Buffer.from([200 + k]), Buffer.from('far')); // far ahead, beyond the last original key
    }
    expect(seen.slice(0, 4)).toEqual([0, 1, 2, 3]);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('keeps a reverse scan consistent while keys are added and removed around it', () => {
    const map = new SortedByteMap(2);
    for (let i = 10; i < 60; i++) map.set(Buffer.from([i]), Buffer.from('v'));
    const seen: number[] = [];
    for (const { key } of map.scan({ reverse: true, gte: Buffer.from([20]) })) {
      const k = key[0]!;
      seen.push(k);
      map.delete(Buffer.from([k - 1])); // the next key down: must not be seen
      map.set(Buffer.from([k + 100]), Buffer.from('behind'));
    }
    expect(seen).toEqual([59, 57, 55, 53, 51, 49, 47, 45, 43, 41, 39, 37, 35, 33, 31, 29, 27, 25, 23, 21]);
  });

  it('sees a new value of a key not yet reached', () => {
    const map = new SortedByteMap();
    map.set(x('01'), Buffer.from('a'));
    map.set(x('02'), Buffer.from('b'));
    const values: string[] = [];
    for (const { key, value } of map.scan()) {
      values.push(value.toString());
      if (key.equals(x('01'))) map.set(x('02'), Buffer.from('B'));
    }
    expect(values).toEqual(['a', 'B']);
  });
});
