import { describe, expect, it } from 'vitest';
import { hashSetCapacityFromCollection, hashSetCapacityIncremental, javaHashOrder, javaStringHash, JavaTreeSet } from '../../src/topology/java-order.js';

describe('Java collection orders used by describe()', () => {
  it('hashes strings as Java String.hashCode', () => {
    // Values Java prints for "".hashCode(), "a".hashCode(), "hello".hashCode(), "KSTREAM-SOURCE-0000000000".hashCode().
    expect(javaStringHash('')).toBe(0);
    expect(javaStringHash('a')).toBe(97);
    expect(javaStringHash('hello')).toBe(99162322);
    expect(javaStringHash('polygenelubricants')).toBe(-2147483648); // the classic Integer.MIN_VALUE example
  });

  it('sizes tables as java.util.HashMap does', () => {
    expect(hashSetCapacityIncremental(12)).toBe(16);
    expect(hashSetCapacityIncremental(13)).toBe(32);
    expect(hashSetCapacityFromCollection(11)).toBe(16);
    expect(hashSetCapacityFromCollection(12)).toBe(32);
  });

  it('iterates by bucket, then insertion order within a bucket', () => {
    // 'a'=97 → bucket 1, 'b' → 2, 'q'=113 → bucket 1 (113 & 15), inserted after 'a'.
    expect(javaHashOrder(['b', 'q', 'a'], 16)).toEqual(['q', 'a', 'b']);
    expect(javaHashOrder(['b', 'a', 'q'], 16)).toEqual(['a', 'q', 'b']);
  });

  it('a TreeSet with a consistent comparator iterates sorted and drops equal elements', () => {
    const set = new JavaTreeSet<number>((a, b) => a - b);
    const input = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    for (const n of input) set.add(n);
    expect(set.add(input[0] as number)).toBe(false);
    expect(set.values()).toEqual([...new Set(input)].sort((a, b) => a - b));
  });

  it('a TreeSet keeps the shape it had when keys change after insertion (as Kafka node sizes do)', () => {
    const key = new Map<string, number>([['x', 1], ['y', 2], ['z', 3]]);
    const set = new JavaTreeSet<string>((a, b) => (key.get(a) as number) - (key.get(b) as number));
    set.add('y'); // root
    set.add('x'); // left of y
    key.set('x', 10); // x grows after insertion: a fresh sort would put it last
    set.add('z'); // compared with y only: right of y
    expect(set.values()).toEqual(['x', 'y', 'z']);
  });
});
