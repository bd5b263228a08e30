import { compareBytes } from './byte-order.js';
import type { KeyValue } from './key-value-store.js';
import { LevelSegments, scanSegments, type LevelRange, type LevelWrite, type ScanPlan } from './level-segments.js';
import { afterAllOfKey, checkStoredTime, checkTimeBound, clampTimeRange } from './ordered-key-schema.js';
import { sessionEndOf, sessionKeyOf, sessionStartOf, sessionStoreKey } from './session-key-schema.js';
import type { SessionStore, SessionStoreWrite } from './session-store.js';
import { checkSessionStoreOptions, type SessionStoreOptions } from './session-store-options.js';
import { assertStoreOpen } from './state-store.js';
import { SessionWindow, Windowed } from './windowed.js';

/** What a clean close leaves for the next open, so it need not scan to recover it. */
interface CleanShutdown {
  readonly observedStreamTime: number;
}

/**
 * A persistent byte session store in LevelDB (Kafka Streams' `RocksDBSessionStore` over a
 * segmented bytes store). Sessions are split by **end** time into segments of
 * `segmentIntervalMs`, one LevelDB database each (see `LevelSegments`), keyed as
 * `session-key-schema.ts` describes. A single-key search reads the segments from the earliest
 * end it asks for onwards, one after the other, so sessions come in (end, start) order; a
 * key-range search merges the segments by key.
 *
 * Retention: reads skip sessions with `end <= observedStreamTime - retentionPeriodMs`; a segment
 * is deleted from disk once all of it is expired. Observed stream time survives a clean close;
 * after a crash it is recovered by scanning the newest segment.
 */
export class LevelSessionStore implements SessionStore<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = true;
  /** The store's directory; its segments are subdirectories `<name>.<segment start ms>`. */
  readonly directory: string;
  readonly retentionPeriodMs: number;
  readonly segmentIntervalMs: number;
  #segments: LevelSegments | undefined;
  readonly #iterators = new Set<object>();
  #observedStreamTime = -1;

  constructor(name: string, directory: string, options: SessionStoreOptions) {
    const checked = checkSessionStoreOptions(name, options);
    this.name = name;
    this.directory = directory;
    this.retentionPeriodMs = checked.retentionPeriodMs;
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
      if (clean !== undefined && Number.isSafeInteger(clean.observedStreamTime)) this.#observedStreamTime = clean.observedStreamTime;
      else await this.#recover(segments);
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
    await segments.writeCleanShutdown({ observedStreamTime: this.#observedStreamTime } satisfies CleanShutdown);
    this.#observedStreamTime = -1;
  }

  async put(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): Promise<void> {
    const segments = this.#openSegments();
    this.#check(sessionKey);
    const write = this.#toWrite(sessionKey, aggregate);
    if (write !== undefined) {
      const id = segments.segmentId(sessionKey.window().end());
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

  async putAll(writes: Iterable<SessionStoreWrite<Buffer, Buffer>>): Promise<void> {
    const segments = this.#openSegments();
    const checked = [...writes];
    for (const { sessionKey } of checked) this.#check(sessionKey);
    const batches = new Map<number, LevelWrite[]>();
    for (const { sessionKey, aggregate } of checked) {
      const write = this.#toWrite(sessionKey, aggregate);
      if (write === undefined) continue;
      const id = segments.segmentId(sessionKey.window().end());
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

  remove(sessionKey: Windowed<Buffer>): Promise<void> {
    return this.put(sessionKey, null);
  }

  async fetchSession(key: Buffer, sessionStartMs: number, sessionEndMs: number): Promise<Buffer | undefined> {
    const segments = this.#openSegments();
    checkTimeBound(this.name, 'sessionStart', sessionStartMs);
    checkTimeBound(this.name, 'sessionEnd', sessionEndMs);
    if (!Number.isSafeInteger(sessionStartMs) || !Number.isSafeInteger(sessionEndMs) || sessionStartMs < 0 || sessionEndMs < sessionStartMs) return undefined;
    if (sessionEndMs < this.#liveFrom()) return undefined;
    const segment = segments.get(segments.segmentId(sessionEndMs));
    return segment?.db.getSync(sessionStoreKey(key, sessionEndMs, sessionStartMs));
  }

  findSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, earliestSessionEndMs, latestSessionStartMs, false);
  }

  backwardFindSessions(key: Buffer, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, earliestSessionEndMs, latestSessionStartMs, true);
  }

  findSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, false);
  }

  backwardFindSessionsRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, true);
  }

  fetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardFetch(key: Buffer): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(key, key, 0, Number.MAX_SAFE_INTEGER, true);
  }

  fetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, 0, Number.MAX_SAFE_INTEGER, false);
  }

  backwardFetchRange(keyFrom: Buffer | undefined, keyTo: Buffer | undefined): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    return this.#find(keyFrom, keyTo, 0, Number.MAX_SAFE_INTEGER, true);
  }

  #openSegments(): LevelSegments {
    assertStoreOpen(this);
    return this.#segments!;
  }

  #check(sessionKey: Windowed<Buffer>): void {
    const window = sessionKey.window();
    checkStoredTime(this.name, 'a session start', window.start());
    checkStoredTime(this.name, 'a session end', window.end());
  }

  /** Advances observed stream time and turns a put into a LevelDB write, or undefined when the session is expired. */
  #toWrite(sessionKey: Windowed<Buffer>, aggregate: Buffer | null): LevelWrite | undefined {
    const start = sessionKey.window().start();
    const end = sessionKey.window().end();
    this.#observedStreamTime = Math.max(this.#observedStreamTime, end);
    if (end <= this.#observedStreamTime - this.retentionPeriodMs) return undefined;
    const composite = sessionStoreKey(sessionKey.key(), end, start);
    return aggregate === null ? { type: 'del', key: composite } : { type: 'put', key: composite, value: aggregate };
  }

  /** The first session end still visible: `observedStreamTime - retentionPeriodMs + 1`. */
  #liveFrom(): number {
    return this.#observedStreamTime - this.retentionPeriodMs + 1;
  }

  async #dropExpired(segments: LevelSegments): Promise<void> {
    const minLiveId = segments.segmentId(this.#observedStreamTime - this.retentionPeriodMs);
    if (segments.hasBefore(minLiveId)) await segments.dropBefore(minLiveId);
  }

  #find(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number, reverse: boolean): AsyncIterable<KeyValue<Windowed<Buffer>, Buffer>> {
    this.#openSegments();
    checkTimeBound(this.name, 'earliestSessionEnd', earliestSessionEndMs);
    checkTimeBound(this.name, 'latestSessionStart', latestSessionStartMs);
    return { [Symbol.asyncIterator]: () => this.#scan(() => this.#plan(keyFrom, keyTo, earliestSessionEndMs, latestSessionStartMs, reverse)) };
  }

  /** Made when the loop starts: reads observed stream time then. */
  #plan(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, earliestSessionEndMs: number, latestSessionStartMs: number, reverse: boolean): ScanPlan<KeyValue<Windowed<Buffer>, Buffer>> | undefined {
    const segments = this.#openSegments();
    const [clampedEnd, latestStart] = clampTimeRange(earliestSessionEndMs, latestSessionStartMs);
    const earliestEnd = Math.max(clampedEnd, this.#liveFrom());
    if (latestStart < 0 || earliestEnd > Number.MAX_SAFE_INTEGER) return undefined;
    if (keyFrom !== undefined && keyTo !== undefined && compareBytes(keyFrom, keyTo) > 0) return undefined;
    const range: LevelRange = { reverse };
    if (keyFrom !== undefined) range.gte = sessionStoreKey(keyFrom, earliestEnd, 0);
    if (keyTo !== undefined) range.lt = afterAllOfKey(keyTo);
    return {
      segments: segments.segments(segments.segmentId(earliestEnd), Number.MAX_SAFE_INTEGER, reverse),
      range,
      // One key's sessions lie in disjoint end ranges per segment: reading segments in order keeps (end, start) order.
      merge: !(keyFrom !== undefined && keyFrom === keyTo),
      project: (composite, value) => {
        const end = sessionEndOf(composite);
        const start = sessionStartOf(composite);
        if (end < earliestEnd || start > latestStart) return undefined;
        return { key: new Windowed(sessionKeyOf(composite), new SessionWindow(start, end)), value };
      },
    };
  }

  /** A scan of this store's segments, counted in `openIterators` while it runs. */
  #scan<T>(plan: () => ScanPlan<T> | undefined): AsyncGenerator<T, void, undefined> {
    const segments = this.#openSegments();
    return scanSegments(segments, plan, () => this.#segments === segments, this.#iterators);
  }

  /** Recovers observed stream time (the largest session end) by scanning the newest non-empty segment, after a crash. */
  async #recover(segments: LevelSegments): Promise<void> {
    this.#observedStreamTime = -1;
    for (const segment of segments.segments(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true)) {
      const plan = { segments: [segment], range: {}, merge: false, project: (composite: Buffer) => composite };
      for await (const composite of scanSegments(segments, () => plan, () => true, new Set())) {
        this.#observedStreamTime = Math.max(this.#observedStreamTime, sessionEndOf(composite));
      }
      if (this.#observedStreamTime >= 0) return;
    }
  }
}
