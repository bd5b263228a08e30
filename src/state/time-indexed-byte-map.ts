import { SortedByteMap, type ScanBounds } from './sorted-byte-map.js';

/**
 * A sorted byte map whose entries each carry a time, with an index by time so that every entry
 * up to a time can be removed without scanning the map: the core of the in-memory window and
 * session stores, where keys sort by (key, time) for scans and retention removes by time.
 *
 * The index holds each key once per time it was added at; a key deleted and added again at the
 * same time appears twice, which only costs a redundant delete at expiry.
 */
export class TimeIndexedByteMap {
  readonly #map = new SortedByteMap();
  /** Keys added at each time. */
  readonly #keysByTime = new Map<number, Buffer[]>();
  /** The times of `#keysByTime`, ascending, from `#head` on (entries before it are spent). */
  #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#map.size;
  }

  get(key: Buffer): Buffer | undefined {
    return this.#map.get(key);
  }

  /** Sets `key` (which this map keeps: do not modify it afterwards) to `value`, at `time`. */
  set(key: Buffer, value: Buffer, time: number): void {
    if (this.#map.set(key, value) === undefined) this.#index(key, time);
  }

  delete(key: Buffer): Buffer | undefined {
    return this.#map.delete(key);
  }

  scan(bounds: ScanBounds): Generator<{ key: Buffer; value: Buffer }, void, undefined> {
    return this.#map.scan(bounds);
  }

  /** Removes every entry whose time is `<= time`; returns how many were removed. */
  removeThrough(time: number): number {
    let removed = 0;
    while (this.#head < this.#times.length && this.#times[this.#head]! <= time) {
      const at = this.#times[this.#head++]!;
      for (const key of this.#keysByTime.get(at)!) if (this.#map.delete(key) !== undefined) removed++;
      this.#keysByTime.delete(at);
    }
    // Drop the spent prefix now and then, so the array does not grow with every time ever seen.
    if (this.#head > 1024 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
    return removed;
  }

  clear(): void {
    this.#map.clear();
    this.#keysByTime.clear();
    this.#times = [];
    this.#head = 0;
  }

  #index(key: Buffer, time: number): void {
    const keys = this.#keysByTime.get(time);
    if (keys !== undefined) {
      keys.push(key);
      return;
    }
    this.#keysByTime.set(time, [key]);
    const times = this.#times;
    // Times mostly arrive in order: append; otherwise insert in place.
    if (times.length === this.#head || times[times.length - 1]! < time) {
      times.push(time);
      return;
    }
    let lo = this.#head;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < time) lo = mid + 1;
      else hi = mid;
    }
    times.splice(lo, 0, time);
  }
}
