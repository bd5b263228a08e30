import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';
import { LevelSegments, scanSegments, type LevelRange, type LevelWrite, type ScanPlan } from './level-segments.js';
import { checkStoredTime, checkTimeBound, clampTimeRange } from './ordered-key-schema.js';
import { assertStoreOpen } from './state-store.js';
import { MAX_SEQ, windowKeyOf, windowSeqOf, windowStartOf, windowStoreKey } from './window-key-schema.js';
import type { WindowStore, WindowStoreWrite } from './window-store.js';
import { checkWindowStoreOptions, type WindowStoreOptions } from './window-store-options.js';
import { TimeWindow, Windowed } from './windowed.js';

/** What a clean close leaves for the next open, so it need not scan to recover them. */
interface CleanShutdown {
  readonly observedStreamTime: number;
  readonly seq: number;
}

/**
 * A persistent byte window store in LevelDB (Kafka Streams' `RocksDBWindowStore` over a
 * segmented bytes store). Windows are split by start time into segments of
 * `segmentIntervalMs`, one LevelDB database each (see `LevelSegments`), keyed as
 * `window-key-schema.ts` describes: within a segment, a key's time range is one contiguous
 * range. A single-key fetch reads the few segments its time range covers one after the other; a
 * key-range fetch merges them by key.
 *
 * Retention: reads skip windows with `start <= observedStreamTime - retentionPeriodMs`, and a
 * segment is deleted from disk (database closed, directory removed) once all of it is expired.
 * Observed stream time and the duplicate sequence number survive a clean close; after a crash
 * they are recovered by scanning the newest segment (and, when duplicates are kept, all of them).
 *
 * As with `LevelKeyValueStore`, each `put` is one awaited LevelDB write; `putAll` writes one batch per segment.
 */
export class LevelWindowStore implements WindowStore<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = true;
  /** The store's directory; its segments are subdirectories `<name>.<segment start ms>`. */
  readonly directory: string;
  readonly retentionPeriodMs: number;
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  readonly segmentIntervalMs: number;
  #segments: LevelSegments | undefined;
  readonly #iterators = new Set<object>();
  #observedStreamTime = -1;
  #seq = 0;

  constructor(name: string, directory: string, options: WindowStoreOptions) {
    const checked = checkWindowStoreOptions(name, options);
    this.name = name;
    this.directory = directory;
    this.retentionPeriodMs = checked.retentionPeriodMs;
    this.windowSizeMs = checked.windowSizeMs;
    this.retainDuplicates = checked.retainDuplicates;
    this.segmentIntervalMs = checked.segmentIntervalMs;
  }

  get isOpen(): boolean {
    return this.#segments !== undefined;
  }

  get openIterators(): number {
    return this.#iterators.size;
  }

  /** The directory names of the live segments, oldest first (for tests and diagnostics). */
  get segmentNames(): string[] {
    return this.#segments?.segmentNames ?? [];
  }

  async init(): Promise<void> {
    if (this.#segments !== undefined) return;
    const segments = new LevelSegments(this.name, this.directory, this.segmentIntervalMs);
    await segments.openExisting();
    try {
      const clean = await segments.readCleanShutdown<CleanShutdown>();
      if (clean !== undefined && Number.isSafeInteger(clean.observedStreamTime) && Number.isSafeInteger(clean.seq)) {
        this.#observedStreamTime = clean.observedStreamTime;
        this.#seq = clean.seq;
      } else {
        await this.#recover(segments);
      }
      await this.#dropExpired(segments);
    } catch (error) {
      await segments.close();
      throw error;
    }
    this.#segments = segments;
  }

  async flush(): Promise<void> {
    await this.#openSegments().flush();
  }

  async close(): Promise<void> {
    const segments = this.#segments;
    if (segments === undefined) return;
    this.#segments = undefined;
    this.#iterators.clear();
    await segments.close();
    await segments.writeCleanShutdown({ observedStreamTime: this.#observedStreamTime, seq: this.#seq } satisfies CleanShutdown);
    this.#observedStreamTime = -1;
    this.#seq = 0;
  }

  async put(key: Buffer, value: Buffer | null, windowStartMs: number): Promise<void> {
    const segments = this.#openSegments();
    checkStoredTime(this.name, 'a window start', windowStartMs);
    const write = this.#toWrite(key, value, windowStartMs);
    if (write !== undefined) {
      const id = segments.segmentId(windowStartMs);
      // A delete in a segment that does not exist has nothing to delete: do not create the segment for it.
      const segment = segments.get(id) ?? (write.type === 'put' ? await segments.getOrCreate(id) : undefined);
      if (segment !== undefined) {
        segment.unsynced = write;
        if (write.type === 'put') await segment.db.put(write.key, write.value);
        else await segment.db.del(write.key);
      }
    }
    await this.#dropExpired(segments);
  }

  async putAll(writes: Iterable<WindowStoreWrite<Buffer, Buffer>>): Promise<void> {
    const segments = this.#openSegments();
    const checked = [...writes];
    for (const { windowStartMs } of checked) checkStoredTime(this.name, 'a window start', windowStartMs);
    const batches = new Map<number, LevelWrite[]>();
    for (const { key, value, windowStartMs } of checked) {
      const write = this.#toWrite(key, value, windowStartMs);
      if (write === undefined) continue;
      const id = segments.segmentId(windowStartMs);
      const batch = batches.get(id);
      if (batch === undefined) batches.set(id, [write]);
      else batch.push(write);
    }
    for (const [id, batch] of batches) {
      let segment = segments.get(id);
      if (segment === undefined) {
        if (!batch.some((write) => write.type === 'put')) continue;
        segment = await segments.getOrCreate(id);
      }
      segment.unsynced = batch[batch.length - 1];
      await segment.db.batch(batch);
    }
    await this.#dropExpired(segments);
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

  #openSegments(): LevelSegments {
    assertStoreOpen(this);
    return this.#segments!;
  }

  /** Advances observed stream time and turns a put into a LevelDB write, or undefined when there is nothing to write. */
  #toWrite(key: Buffer, value: Buffer | null, windowStartMs: number): LevelWrite | undefined {
    this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStartMs);
    if (windowStartMs <= this.#observedStreamTime - this.retentionPeriodMs) return undefined;
    if (value === null) return this.retainDuplicates ? undefined : { type: 'del', key: windowStoreKey(key, windowStartMs, 0) };
    const seq = this.retainDuplicates ? this.#nextSeq() : 0;
    return { type: 'put', key: windowStoreKey(key, windowStartMs, seq), value };
  }

  #nextSeq(): number {
    this.#seq = this.#seq === MAX_SEQ ? 0 : this.#seq + 1;
    return this.#seq;
  }

  /** The first start still visible: `observedStreamTime - retentionPeriodMs + 1`. */
  #liveFrom(): number {
    return this.#observedStreamTime - this.retentionPeriodMs + 1;
  }

  async #dropExpired(segments: LevelSegments): Promise<void> {
    const minLiveId = segments.segmentId(this.#observedStreamTime - this.retentionPeriodMs);
    if (segments.hasBefore(minLiveId)) await segments.dropBefore(minLiveId);
  }

  async #fetchOne(key: Buffer, windowStartMs: number): Promise<Buffer | undefined> {
    const segments = this.#openSegments();
    checkTimeBound(this.name, 'a window start', windowStartMs);
    if (!Number.isSafeInteger(windowStartMs) || windowStartMs < this.#liveFrom() || windowStartMs < 0) return undefined;
    const segment = segments.get(segments.segmentId(windowStartMs));
    if (segment === undefined) return undefined;
    if (!this.retainDuplicates) return segment.db.getSync(windowStoreKey(key, windowStartMs, 0));
    const range: LevelRange = { gte: windowStoreKey(key, windowStartMs, 0), lte: windowStoreKey(key, windowStartMs, MAX_SEQ), reverse: true };
    for await (const value of this.#scan(() => ({ segments: [segment], range, merge: false, project: (_key: Buffer, v: Buffer) => v }))) return value;
    return undefined;
  }

  #fetchKey(key: Buffer, timeFromMs: number, timeToMs: number, reverse: boolean): AsyncIterable<KeyValue<number, Buffer>> {
    this.#openSegments();
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    return { [Symbol.asyncIterator]: () => this.#scan(() => this.#keyPlan(key, timeFromMs, timeToMs, reverse)) };
  }

  /** Made when the loop starts: reads observed stream time then. */
  #keyPlan(key: Buffer, timeFromMs: number, timeToMs: number, reverse: boolean): ScanPlan<KeyValue<number, Buffer>> | undefined {
    const segments = this.#openSegments();
    const [clampedFrom, to] = clampTimeRange(timeFromMs, timeToMs);
    const from = Math.max(clampedFrom, this.#liveFrom());
    if (from > to) return undefined;
    return {
      segments: segments.segments(segments.segmentId(from), segments.segmentId(to), reverse),
      range: { gte: windowStoreKey(key, from, 0), lte: windowStoreKey(key, to, MAX_SEQ), reverse },
      merge: false,
      project: (composite, value) => ({ key: windowStartOf(composite), value }),
    };
  }

  #fetchKeys(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number, reverse: boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    this.#openSegments();
    checkTimeBound(this.name, 'timeFrom', timeFromMs);
    checkTimeBound(this.name, 'timeTo', timeToMs);
    return { [Symbol.asyncIterator]: () => this.#scan(() => this.#rangePlan(keyFrom, keyTo, timeFromMs, timeToMs, reverse)) };
  }

  #rangePlan(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFromMs: number, timeToMs: number, reverse: boolean): ScanPlan<KeyValue<Windowed<Buffer>, Buffer>> | undefined {
    const segments = this.#openSegments();
    const [clampedFrom, to] = clampTimeRange(timeFromMs, timeToMs);
    const from = Math.max(clampedFrom, this.#liveFrom());
    if (from > to || (keyFrom !== undefined && keyTo !== undefined && compareBytes(keyFrom, keyTo) > 0)) return undefined;
    const range: LevelRange = { reverse };
    if (keyFrom !== undefined) range.gte = windowStoreKey(keyFrom, from, 0);
    if (keyTo !== undefined) range.lte = windowStoreKey(keyTo, to, MAX_SEQ);
    const size = this.windowSizeMs;
    return {
      segments: segments.segments(segments.segmentId(from), segments.segmentId(to), reverse),
      range,
      merge: true,
      // Keys strictly inside the key range come with all their windows: keep those in the time range.
      project: (composite, value) => {
        const start = windowStartOf(composite);
        if (start < from || start > to) return undefined;
        return { key: new Windowed(windowKeyOf(composite), new TimeWindow(start, start + size)), value };
      },
    };
  }

  /** A scan of this store's segments, counted in `openIterators` while it runs. */
  #scan<T>(plan: () => ScanPlan<T> | undefined): AsyncGenerator<T, void, undefined> {
    const segments = this.#openSegments();
    return scanSegments(segments, plan, () => this.#segments === segments, this.#iterators);
  }

  /** Recovers observed stream time (and the duplicate sequence number) by scanning, after a crash. */
  async #recover(segments: LevelSegments): Promise<void> {
    this.#observedStreamTime = -1;
    this.#seq = 0;
    const newestFirst = segments.segments(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
    for (const segment of newestFirst) {
      const plan = { segments: [segment], range: {}, merge: false, project: (composite: Buffer) => composite };
      for await (const composite of scanSegments(segments, () => plan, () => true, new Set())) {
        this.#observedStreamTime = Math.max(this.#observedStreamTime, windowStartOf(composite));
        if (this.retainDuplicates) this.#seq = Math.max(this.#seq, windowSeqOf(composite));
      }
      if (this.#observedStreamTime >= 0 && !this.retainDuplicates) return;
    }
  }
}
