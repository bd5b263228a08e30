import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel, type Iterator as LevelIterator } from 'classic-level';
import { InvalidStateStoreException, StreamsException } from '../errors.js';

type Level = ClassicLevel<Buffer, Buffer>;

/** A write to one segment, as LevelDB batches take it. */
export type LevelWrite = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

/** LevelDB iterator bounds (absent bounds must be left out, not set to undefined). */
export interface LevelRange {
  gte?: Buffer;
  lte?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
}

/** One segment: a LevelDB database holding the entries whose time falls in its interval. */
export interface LevelSegment {
  /** `floor(time / segmentIntervalMs)` of every entry in it. */
  readonly id: number;
  readonly db: Level;
  readonly directory: string;
  /** Scans reading it; an expired segment is deleted when the last one ends. */
  readers: number;
  /** Fell out of retention while scans were reading it. */
  expired: boolean;
  /** The latest write not yet made durable by `flush()`. */
  unsynced: LevelWrite | undefined;
}

/** See LevelKeyValueStore: small first batch for scans that stop early, growing to MAX_BATCH. */
const FIRST_BATCH = 16;
const MAX_BATCH = 1000;
/** Written at close, removed at open: present only after a clean shutdown (see `LevelSegments.readCleanShutdown`). */
const CLEAN_SHUTDOWN_FILE = 'clean-shutdown.json';

/**
 * The segments of a persistent window or session store (Kafka Streams' `KeyValueSegments`): one
 * LevelDB database per time interval of `segmentIntervalMs`, in `<store directory>/<name>.<segment start ms>`
 * (Kafka's directory names). Retention drops whole segments: closing a database and deleting its
 * directory is cheap, where deleting expired entries one by one from a single database would write
 * a tombstone per entry. A segment is dropped once every time it can hold is expired; entries of
 * the partly expired oldest segment stay on disk until then and reads filter them out.
 *
 * The segment interval must stay the same for the life of a store directory: segments are found
 * again by their start. A changed interval that can be detected (a start that is not a multiple
 * of it, or two segments in one interval) fails `openExisting()`; wipe the store (its changelog
 * restores it) after changing a store's retention.
 */
export class LevelSegments {
  readonly storeName: string;
  readonly directory: string;
  readonly segmentIntervalMs: number;
  /** Live segments by id. */
  readonly #live = new Map<number, LevelSegment>();
  /** Live segment ids, ascending. */
  #ids: number[] = [];
  readonly #opening = new Map<number, Promise<LevelSegment>>();
  /** Expired segments still being read. */
  readonly #retired = new Set<LevelSegment>();
  /** Deletions of expired segments under way. */
  readonly #dropping = new Set<Promise<void>>();

  constructor(storeName: string, directory: string, segmentIntervalMs: number) {
    this.storeName = storeName;
    this.directory = directory;
    this.segmentIntervalMs = segmentIntervalMs;
  }

  segmentId(time: number): number {
    return Math.floor(time / this.segmentIntervalMs);
  }

  /** The number of live segments. */
  get size(): number {
    return this.#ids.length;
  }

  /** The directory names of the live segments, oldest first. */
  get segmentNames(): string[] {
    return this.#ids.map((id) => this.#name(id));
  }

  /** Opens every segment found in the store directory (creating the directory if needed). */
  async openExisting(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const prefix = `${this.storeName}.`;
    const found = new Map<number, string>();
    for (const entry of await readdir(this.directory, { withFileTypes: true })) {
      if (!entry.isDirectory() || !entry.name.startsWith(prefix)) continue;
      const startText = entry.name.slice(prefix.length);
      if (!/^\d+$/.test(startText)) continue;
      const start = Number(startText);
      const id = this.segmentId(start);
      if (start % this.segmentIntervalMs !== 0 || found.has(id)) {
        throw new InvalidStateStoreException(
          `Store ${this.storeName}: segment ${entry.name} in ${this.directory} does not fit the segment interval of ${this.segmentIntervalMs} ms ` +
            '(the store\'s retention changed?); delete the store directory so that it is restored from its changelog',
        );
      }
      found.set(id, entry.name);
    }
    try {
      for (const id of [...found.keys()].sort((a, b) => a - b)) await this.getOrCreate(id);
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** The live segment `id`, if it exists. */
  get(id: number): LevelSegment | undefined {
    return this.#live.get(id);
  }

  /** The live segment `id`, created (or opened) when needed; concurrent calls share one open. */
  getOrCreate(id: number): Promise<LevelSegment> {
    const live = this.#live.get(id);
    if (live !== undefined) return Promise.resolve(live);
    let opening = this.#opening.get(id);
    if (opening === undefined) {
      opening = this.#open(id).finally(() => this.#opening.delete(id));
      this.#opening.set(id, opening);
    }
    return opening;
  }

  /** Live segments with ids in `[fromId, toId]`, ascending (descending with `reverse`). */
  segments(fromId: number, toId: number, reverse = false): LevelSegment[] {
    const chosen: LevelSegment[] = [];
    for (const id of this.#ids) if (id >= fromId && id <= toId) chosen.push(this.#live.get(id)!);
    return reverse ? chosen.reverse() : chosen;
  }

  /** The newest live segment, if any. */
  newest(): LevelSegment | undefined {
    const id = this.#ids[this.#ids.length - 1];
    return id === undefined ? undefined : this.#live.get(id);
  }

  /** Whether a live segment has an id below `minLiveId`: then {@link dropBefore} has work to do. */
  hasBefore(minLiveId: number): boolean {
    const oldest = this.#ids[0];
    return oldest !== undefined && oldest < minLiveId;
  }

  /**
   * Drops every segment with an id below `minLiveId`: closes its database and deletes its
   * directory, at once when no scan reads it, else when the last scan reading it ends.
   */
  async dropBefore(minLiveId: number): Promise<void> {
    const drops: Array<Promise<void>> = [];
    while (this.#ids.length > 0 && this.#ids[0]! < minLiveId) {
      const segment = this.#live.get(this.#ids.shift()!)!;
      this.#live.delete(segment.id);
      segment.expired = true;
      if (segment.readers === 0) drops.push(this.#destroy(segment));
      else this.#retired.add(segment);
    }
    await Promise.all(drops);
  }

  /** Marks a scan as reading `segment`, so it is not deleted under the scan. */
  acquire(segment: LevelSegment): void {
    segment.readers++;
  }

  /** Ends a scan's read of `segment`; an expired segment nobody reads any more is deleted. */
  release(segment: LevelSegment): void {
    segment.readers--;
    if (segment.expired && segment.readers === 0 && this.#retired.delete(segment)) void this.#destroy(segment);
  }

  /** Makes every completed write durable (see `LevelKeyValueStore.flush`): one synced write per segment written since. */
  async flush(): Promise<void> {
    for (const segment of this.#live.values()) {
      const last = segment.unsynced;
      if (last === undefined) continue;
      await segment.db.batch([last], { sync: true });
      if (segment.unsynced === last) segment.unsynced = undefined;
    }
  }

  /** Closes every database (including expired ones still being read) and waits for pending deletions. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.#opening.values()]);
    const segments = [...this.#live.values()];
    this.#live.clear();
    this.#ids = [];
    for (const segment of this.#retired) this.#dropping.add(this.#destroy(segment));
    this.#retired.clear();
    await Promise.all(segments.map((segment) => segment.db.close()));
    await Promise.allSettled([...this.#dropping]);
  }

  /**
   * Reads and removes the small file that `writeCleanShutdown` left at the last close, so that a
   * crash after this open leaves none: its values are trustworthy only when present.
   */
  async readCleanShutdown<T>(): Promise<T | undefined> {
    const path = join(this.directory, CLEAN_SHUTDOWN_FILE);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    await unlink(path);
    try {
      return JSON.parse(text) as T;
    } catch {
      return undefined;
    }
  }

  /** Writes the clean-shutdown file atomically (temporary file, then rename). */
  async writeCleanShutdown(content: unknown): Promise<void> {
    const path = join(this.directory, CLEAN_SHUTDOWN_FILE);
    await writeFile(`${path}.tmp`, JSON.stringify(content));
    await rename(`${path}.tmp`, path);
  }

  #name(id: number): string {
    return `${this.storeName}.${id * this.segmentIntervalMs}`;
  }

  async #open(id: number): Promise<LevelSegment> {
    const directory = join(this.directory, this.#name(id));
    const db: Level = new ClassicLevel<Buffer, Buffer>(directory, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'LEVEL_LOCKED') {
        throw new StreamsException(`Store ${this.storeName} at ${this.directory} is already open in this or another process`, 'STATE_DIR_LOCKED', { cause: error });
      }
      throw new InvalidStateStoreException(`Store ${this.storeName}: segment ${directory} failed to open: ${(error as Error).message}`, 'INVALID_STATE_STORE', { cause: error });
    }
    const segment: LevelSegment = { id, db, directory, readers: 0, expired: false, unsynced: undefined };
    this.#live.set(id, segment);
    this.#ids.push(id);
    this.#ids.sort((a, b) => a - b);
    return segment;
  }

  #destroy(segment: LevelSegment): Promise<void> {
    const done = (async () => {
      await segment.db.close();
      await rm(segment.directory, { recursive: true, force: true });
    })();
    this.#dropping.add(done);
    return done.finally(() => this.#dropping.delete(done));
  }
}

/**
 * Reads one segment in order within `range`, in growing batches. `advance()` is synchronous while
 * the current batch lasts. The caller keeps the segment acquired while the cursor is open.
 */
class SegmentCursor {
  readonly #iterator: LevelIterator<Level, Buffer, Buffer>;
  #batch: Array<[Buffer, Buffer]> = [];
  #index = 0;
  #size = FIRST_BATCH;
  #closed = false;
  /** The current entry after an `advance()` that returned true. */
  key: Buffer = Buffer.alloc(0);
  value: Buffer = Buffer.alloc(0);

  constructor(segment: LevelSegment, range: LevelRange) {
    this.#iterator = segment.db.iterator<Buffer, Buffer>(range);
  }

  /** Moves to the next entry; false at the end. */
  advance(): boolean | Promise<boolean> {
    if (this.#index < this.#batch.length) return this.#take();
    return this.#fill();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#iterator.close();
  }

  #take(): true {
    const [key, value] = this.#batch[this.#index++]!;
    this.key = key;
    this.value = value;
    return true;
  }

  async #fill(): Promise<boolean> {
    if (this.#closed) return false;
    this.#batch = await this.#iterator.nextv(this.#size);
    this.#index = 0;
    this.#size = Math.min(this.#size * 4, MAX_BATCH);
    if (this.#batch.length === 0) return false;
    return this.#take();
  }
}

/** What a scan reads, decided when its loop starts (so that it sees the store's stream time then). */
export interface ScanPlan<T> {
  readonly segments: readonly LevelSegment[];
  /** The same range in every segment. */
  readonly range: LevelRange;
  /**
   * Merge the segments by key bytes (key-range scans: each segment is in key order, the result
   * must be too) rather than read them one after the other (single-key scans, whose segments
   * hold disjoint, ordered time ranges).
   */
  readonly merge: boolean;
  /** The entry to yield for a raw `[store key, value]` pair, or undefined to skip it. */
  project(storeKey: Buffer, value: Buffer): T | undefined;
}

/**
 * Reads the segments of a plan, made when the loop starts (`undefined`: nothing to read), as one
 * async generator (nesting generators costs a promise per entry per level). Every planned
 * segment is acquired from the first step to the end, so retention cannot delete a segment the
 * scan has yet to read. `isOpen` is checked after every entry, as the key-value stores do; the
 * scan is counted in `iterators` while it runs.
 */
export async function* scanSegments<T>(
  owner: LevelSegments,
  plan: () => ScanPlan<T> | undefined,
  isOpen: () => boolean,
  iterators: Set<object>,
): AsyncGenerator<T, void, undefined> {
  const scan = plan();
  if (scan === undefined) return;
  const { segments, range, merge, project } = scan;
  const reverse = range.reverse === true;
  const cursors: SegmentCursor[] = [];
  const token = {};
  iterators.add(token);
  for (const segment of segments) owner.acquire(segment);
  try {
    if (!merge || segments.length === 1) {
      for (const segment of segments) {
        if (!isOpen()) throw closedDuringScan(owner.storeName);
        const cursor = new SegmentCursor(segment, range);
        cursors.push(cursor);
        for (;;) {
          let more = cursor.advance();
          if (typeof more !== 'boolean') more = await guard(more, owner.storeName, isOpen);
          if (!more) break;
          const entry = project(cursor.key, cursor.value);
          if (entry === undefined) continue;
          yield entry;
          if (!isOpen()) throw closedDuringScan(owner.storeName);
        }
      }
      return;
    }
    const heads: SegmentCursor[] = [];
    for (const segment of segments) {
      const cursor = new SegmentCursor(segment, range);
      cursors.push(cursor);
      if (await guard(Promise.resolve(cursor.advance()), owner.storeName, isOpen)) heads.push(cursor);
    }
    while (heads.length > 0) {
      let best = 0;
      for (let i = 1; i < heads.length; i++) {
        const order = Buffer.compare(heads[i]!.key, heads[best]!.key);
        if (reverse ? order > 0 : order < 0) best = i;
      }
      const cursor = heads[best]!;
      const entry = project(cursor.key, cursor.value);
      if (entry !== undefined) {
        yield entry;
        if (!isOpen()) throw closedDuringScan(owner.storeName);
      }
      let more = cursor.advance();
      if (typeof more !== 'boolean') more = await guard(more, owner.storeName, isOpen);
      if (!more) heads.splice(best, 1);
    }
  } finally {
    iterators.delete(token);
    // classic-level closes iterators synchronously underneath; its promise only settles bookkeeping.
    await Promise.allSettled(cursors.map((cursor) => cursor.close()));
    for (const segment of segments) owner.release(segment);
  }
}

/** A LevelDB read failing because the store closed meanwhile becomes the store-closed error. */
async function guard(read: Promise<boolean>, storeName: string, isOpen: () => boolean): Promise<boolean> {
  try {
    return await read;
  } catch (error) {
    if (!isOpen()) throw closedDuringScan(storeName, error);
    throw error;
  }
}

export function closedDuringScan(name: string, cause?: unknown): InvalidStateStoreException {
  return new InvalidStateStoreException(`Store ${name} was closed during a scan.`, 'INVALID_STATE_STORE', { cause });
}
