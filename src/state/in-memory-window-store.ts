import { InvalidStateStoreException } from '../errors.js';
import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';
import { checkStoredTime, checkTimeBound, clampTimeRange } from './ordered-key-schema.js';
import type { ScanBounds } from './sorted-byte-map.js';
import { assertStoreOpen } from './state-store.js';
import { TimeIndexedByteMap } from './time-indexed-byte-map.js';
import { MAX_SEQ, windowKeyOf, windowStartOf, windowStoreKey } from './window-key-schema.js';
import type { WindowStore, WindowStoreWrite } from './window-store.js';
import { checkWindowStoreOptions, type WindowStoreOptions } from './window-store-options.js';
import { TimeWindow, Windowed } from './windowed.js';

/**
 * A byte window store held in memory (Kafka Streams' `InMemoryWindowStore`). Not persistent:
 * `close()` drops the data, and a logged store is rebuilt from its changelog.
 *
 * Entries live in one sorted map keyed as `window-key-schema.ts` describes, so a key's time range
 * is one contiguous scan, and a time index removes each window as soon as it expires (at the put
 * that moves observed stream time past it), so reads never see an expired window.
 */
export class InMemoryWindowStore implements WindowStore<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = false;
  readonly retentionPeriodMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  readonly #map = new TimeIndexedByteMap();
  #open = false;
  readonly #iterators = new Set<object>();
  /** The largest window start put; -1 (unknown) before the first, as Kafka's. */
  #observedStreamTime = -1;
  #seq = 0;

  constructor(name: string, options: WindowStoreOptions) {
    const checked = checkWindowStoreOptions(name, options);
    this.name = name;
    this.retentionPeriodMs = checked.retentionPeriodMs;
    this.windowSizeMs = checked.windowSizeMs;
    this.retainDuplicates = checked.retainDuplicates;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get openIterators(): number {
    return this.#iterators.size;
  }

  /** The number of windows held (expired ones are removed at once, so all of them are live). */
  get entryCount(): number {
    return this.#map.size;
  }

  async init(): Promise<void> {
    this.#open = true;
  }

  async flush(): Promise<void> {
    assertStoreOpen(this);
  }

  async close(): Promise<void> {
    this.#open = false;
    this.#map.clear();
    this.#iterators.clear();
    this.#observedStreamTime = -1;
    this.#seq = 0;
  }

  async put(key: Buffer, value: Buffer | null, windowStartMs: number): Promise<void> {
    assertStoreOpen(this);
    checkStoredTime(this.name, 'a window start', windowStartMs);
    this.#write(key, value, windowStartMs);
  }

  async putAll(writes: Iterable<WindowStoreWrite<Buffer, Buffer>>): Promise<void> {
    assertStoreOpen(this);
    const checked = [...writes];
    for (const { windowStartMs } of checked) checkStoredTime(this.name, 'a window start', windowStartMs);
    for (const { key, value, windowStartMs } of checked) this.#write(key, value, windowStartMs);
  }

  fetch(key: Buffer, windowStartMs: number): Promise<Buffer | undefined>;
  fetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>>;
  fetch(key: Buffer, timeFromMs: number, timeToMs?: number): Promise<Buffer | undefined> | AsyncIterable<KeyValue<number, Buffer>> {
    if (timeToMs === undefined) return this.#fetchOne(key, timeFromMs);
    return this.#fetchKey(key, timeFromMs, timeToMs, false);
  }

  backwardFetch(key: Buffer, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<number, Buffer>> {
    return this.#fetchKey(key, timeFromMs, timeToMs, true);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(keyFrom, keyTo, timeFromMs, timeToMs, false);
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(keyFrom, keyTo, timeFromMs, timeToMs, true);
  }

  fetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, timeFromMs, timeToMs, false);
  }

  backwardFetchAll(timeFromMs: number, timeToMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, timeFromMs, timeToMs, true);
  }

  all(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardAll(): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#fetchKeys(undefined, undefined, 0, Number.MAX_SAFE_INTEGER, true);
  }

  #write(key: Buffer, value: Buffer | null, windowStartMs: number): void {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStartMs);
    const expiredThrough = this.#observedStreamTime - this.retentionPeriodMs;
    // Kafka Streams skips a put of an expired window (and counts it in expired-window-record-drop).
    if (windowStartMs > expiredThrough) {
      if (value !== null) {
        const seq = this.retainDuplicates ? this.#nextSeq() : 0;
        this.#map.set(windowStoreKey(key, windowStartMs, seq), Buffer.from(value), windowStartMs);
      } else if (!this.retainDuplicates) {
        this.#map.delete(windowStoreKey(key, windowStartMs, 0));
      }
    }
    this.#map.removeThrough(expiredThrough);
  }

  #nextSeq(): number {
    this.#seq = this.#seq === MAX_SEQ ? 0 : this.#seq + 1;
    return this.#seq;
  }

  async #fetchOne(key: Buffer, windowStartMs: number): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    checkTimeBound(this.name, 'a window start', windowStartMs);
    if (!Number.isSafeInteger(windowStartMs) || windowStartMs < 0) return undefined;
    if (!this.retainDuplicates) return this.#map.get(windowStoreKey(key, windowStartMs, 0));
    const latest = this.#map.scan({ gte: windowStoreKey(key, windowStartMs, 0), lte: windowStoreKey(key, windowStartMs, MAX_SEQ), reverse: true }).next();
    return latest.done === true ? undefined : latest.value.value;
  }

  #fetchKey(key: Buffer, timeFromMs: number, timeToMs: number, reverse: boolean): AsyncIterable<KeyValue<number, Buffer>> {
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    const [from, to] = clampTimeRange(timeFromMs, timeToMs);
    const bounds = from > to ? undefined : { gte: windowStoreKey(key, from, 0), lte: windowStoreKey(key, to, MAX_SEQ), reverse };
    return this.#scan(bounds, (composite, value) => ({ key: windowStartOf(composite), value }));
  }

  #fetchKeys(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number, reverse: boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    const [from, to] = clampTimeRange(timeFromMs, timeToMs);
    const empty = from > to || (keyFrom !== undefined && keyTo !== undefined && compareBytes(keyFrom, keyTo) > 0);
    const bounds: ScanBounds | undefined = empty
      ? undefined
      : {
          gte: keyFrom === undefined ? undefined : windowStoreKey(keyFrom, from, 0),
          lte: keyTo === undefined ? undefined : windowStoreKey(keyTo, to, MAX_SEQ),
          reverse,
        };
    const size = this.windowSizeMs;
    return this.#scan(bounds, (composite, value) => {
      const start = windowStartOf(composite);
      if (start < from || start > to) return undefined;
      return { key: new Windowed(windowKeyOf(composite), new TimeWindow(start, start + size)), value };
    });
  }

  /** Checks the store is open when the scan is created (as Kafka does) and again at every step. */
  #scan<T>(bounds: ScanBounds | undefined, project: (composite: Buffer, value: Buffer) => T | undefined): AsyncIterable<T> {
    assertStoreOpen(this);
    return { [Symbol.asyncIterator]: () => this.#entries(bounds, project) };
  }

  async *#entries<T>(bounds: ScanBounds | undefined, project: (composite: Buffer, value: Buffer) => T | undefined): AsyncGenerator<T, void, undefined> {
    assertStoreOpen(this);
    if (bounds === undefined) return;
    const token = {};
    this.#iterators.add(token);
    try {
      for (const { key, value } of this.#map.scan(bounds)) {
        const entry = project(key, value);
        if (entry === undefined) continue;
        yield entry;
        if (!this.#open) throw new InvalidStateStoreException(`Store ${this.name} was closed during a scan.`);
      }
    } finally {
      this.#iterators.delete(token);
    }
  }
}
