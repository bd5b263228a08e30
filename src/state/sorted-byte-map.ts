import { compareBytes } from './byte-order.js';

/** A mutable entry: an update of an existing key replaces `value` in place. */
interface Entry {
  readonly key: Buffer;
  value: Buffer;
}

/** Bounds of a scan; `lt` is exclusive (prefix scans), the others inclusive. */
export interface ScanBounds {
  readonly gte?: Buffer | undefined;
  readonly lte?: Buffer | undefined;
  readonly lt?: Buffer | undefined;
  readonly reverse?: boolean | undefined;
}

/**
 * Default chunk size. Inserting shifts at most 2 * load entries of one chunk plus one slot per
 * chunk in the chunk index, so a random insert into a million keys moves thousands of pointers
 * rather than a million (the layout of Python's sortedcontainers).
 */
const DEFAULT_LOAD = 512;

/**
 * An ordered map from byte keys to byte values: a list of sorted chunks with an index of each
 * chunk's largest key, plus a hash index by key for point reads. Reads and overwrites of an
 * existing key are O(1); adding or removing a key is O(log n) comparisons plus a bounded shift;
 * a scan seeks in O(log n) and then walks entries in order, O(log n + k) for k entries.
 */
export class SortedByteMap {
  #chunks: Entry[][] = [];
  /** `#maxes[c]` is the last (largest) key of `#chunks[c]`; chunks are never empty. */
  #maxes: Buffer[] = [];
  /** Entries by key as a latin1 string (one char per byte, so distinct keys stay distinct). */
  readonly #byKey = new Map<string, Entry>();
  /** Bumped whenever a key is added or removed, so running scans know to re-seek. */
  #version = 0;
  readonly #load: number;

  /** @param load chunk size; chunks split above 2 * load entries (small values only make tests reach splits). */
  constructor(load = DEFAULT_LOAD) {
    this.#load = load;
  }

  get size(): number {
    return this.#byKey.size;
  }

  get(key: Buffer): Buffer | undefined {
    return this.#byKey.get(key.toString('latin1'))?.value;
  }

  /** Sets `key` to `value`; returns the previous value, if any. */
  set(key: Buffer, value: Buffer): Buffer | undefined {
    const id = key.toString('latin1');
    const existing = this.#byKey.get(id);
    if (existing !== undefined) {
      const previous = existing.value;
      existing.value = value;
      return previous;
    }
    const entry: Entry = { key, value };
    this.#byKey.set(id, entry);
    this.#version++;
    if (this.#chunks.length === 0) {
      this.#chunks.push([entry]);
      this.#maxes.push(key);
      return undefined;
    }
    // A key beyond every chunk's max goes at the end of the last chunk.
    const c = Math.min(this.#firstChunkWithMaxAtLeast(key), this.#chunks.length - 1);
    const chunk = this.#chunks[c]!;
    const i = lowerBound(chunk, key);
    chunk.splice(i, 0, entry);
    if (i === chunk.length - 1) this.#maxes[c] = key;
    if (chunk.length > 2 * this.#load) {
      const right = chunk.splice(this.#load);
      this.#chunks.splice(c + 1, 0, right);
      this.#maxes.splice(c, 1, chunk[chunk.length - 1]!.key, right[right.length - 1]!.key);
    }
    return undefined;
  }

  /** Removes `key`; returns the value it had, if any. */
  delete(key: Buffer): Buffer | undefined {
    const id = key.toString('latin1');
    const entry = this.#byKey.get(id);
    if (entry === undefined) return undefined;
    this.#byKey.delete(id);
    const c = this.#firstChunkWithMaxAtLeast(key);
    const chunk = this.#chunks[c]!;
    const i = lowerBound(chunk, key);
    chunk.splice(i, 1);
    this.#version++;
    if (chunk.length === 0) {
      this.#chunks.splice(c, 1);
      this.#maxes.splice(c, 1);
    } else {
      if (i === chunk.length) this.#maxes[c] = chunk[i - 1]!.key;
      this.#mergeIfSmall(c);
    }
    return entry.value;
  }

  clear(): void {
    this.#chunks = [];
    this.#maxes = [];
    this.#byKey.clear();
    this.#version++;
  }

  /**
   * Entries within `bounds`, in key order (descending with `reverse`). The scan survives
   * writes between steps: after a key is added or removed it re-seeks from the last key it
   * yielded, so it never repeats or skips a key that stayed in the map.
   */
  *scan(bounds: ScanBounds = {}): Generator<{ key: Buffer; value: Buffer }, void, undefined> {
    const { gte, lte, lt, reverse = false } = bounds;
    let version = this.#version;
    let last: Buffer | undefined;
    let [c, i] = reverse ? this.#seekLast(lt ?? lte, lt === undefined) : this.#seekFirst(gte, true);
    for (;;) {
      if (version !== this.#version) {
        version = this.#version;
        if (last === undefined) [c, i] = reverse ? this.#seekLast(lt ?? lte, lt === undefined) : this.#seekFirst(gte, true);
        else [c, i] = reverse ? this.#seekLast(last, false) : this.#seekFirst(last, false);
      }
      const entry = this.#chunks[c]?.[i];
      if (entry === undefined) return;
      if (reverse) {
        if (gte !== undefined && compareBytes(entry.key, gte) < 0) return;
      } else if ((lte !== undefined && compareBytes(entry.key, lte) > 0) || (lt !== undefined && compareBytes(entry.key, lt) >= 0)) {
        return;
      }
      last = entry.key;
      yield { key: entry.key, value: entry.value };
      // A key added or removed meanwhile may have moved entries between chunks: re-seek above.
      if (version !== this.#version) continue;
      if (reverse) {
        if (--i < 0) i = (this.#chunks[--c]?.length ?? 0) - 1;
      } else if (++i >= this.#chunks[c]!.length) {
        c++;
        i = 0;
      }
    }
  }

  /** Position of the first key `>= key` (or `> key` when not inclusive); past the end when none. */
  #seekFirst(key: Buffer | undefined, inclusive: boolean): [number, number] {
    if (key === undefined) return [0, 0];
    const c = inclusive ? this.#firstChunkWithMaxAtLeast(key) : this.#firstChunkWithMaxAbove(key);
    const chunk = this.#chunks[c];
    if (chunk === undefined) return [c, 0];
    return [c, inclusive ? lowerBound(chunk, key) : upperBound(chunk, key)];
  }

  /** Position of the last key `<= key` (or `< key` when not inclusive); `[-1, -1]` when none. */
  #seekLast(key: Buffer | undefined, inclusive: boolean): [number, number] {
    const [c, i] = key === undefined ? [this.#chunks.length, 0] : this.#seekFirst(key, !inclusive);
    if (i > 0) return [c, i - 1];
    const previous = this.#chunks[c - 1];
    return previous === undefined ? [-1, -1] : [c - 1, previous.length - 1];
  }

  #firstChunkWithMaxAtLeast(key: Buffer): number {
    let lo = 0;
    let hi = this.#maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.#maxes[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #firstChunkWithMaxAbove(key: Buffer): number {
    let lo = 0;
    let hi = this.#maxes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareBytes(this.#maxes[mid]!, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Keeps chunks from fragmenting after many deletes: folds a small chunk into its successor. */
  #mergeIfSmall(c: number): void {
    const chunk = this.#chunks[c]!;
    const next = this.#chunks[c + 1];
    if (chunk.length >= this.#load / 4 || next === undefined || chunk.length + next.length > 2 * this.#load) return;
    this.#chunks.splice(c, 2, chunk.concat(next));
    this.#maxes.splice(c, 1);
    this.#version++;
  }
}

function lowerBound(chunk: readonly Entry[], key: Buffer): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(chunk[mid]!.key, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(chunk: readonly Entry[], key: Buffer): number {
  let lo = 0;
  let hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes(chunk[mid]!.key, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
