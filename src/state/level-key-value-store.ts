import { mkdir } from 'node:fs/promises';
import { ClassicLevel, type Iterator as LevelIterator } from 'classic-level';
import { InvalidStateStoreException, StreamsException } from '../errors.js';
import { prefixUpperBound } from './byte-order.js';
import { EntryScan } from './entry-scan.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { assertStoreOpen } from './state-store.js';
import type { SyncReadable } from './sync-read.js';

type Level = ClassicLevel<Buffer, Buffer>;
type LevelWrite = { type: 'put'; key: Buffer; value: Buffer } | { type: 'del'; key: Buffer };

interface LevelRange {
  gte?: Buffer;
  lte?: Buffer;
  lt?: Buffer;
  reverse?: boolean;
}

/**
 * Scans read entries in batches (`nextv`), several times faster than one `next()` per entry.
 * The first batch is small so a scan that stops early (a lookup of the first key in a range)
 * reads little; later batches grow to `MAX_BATCH`.
 */
const FIRST_BATCH = 16;
const MAX_BATCH = 1000;
/** Batches up to this many keys are read with `getSync` (see `getMany`). */
const SYNC_GET_MANY_MAX = 16;

/**
 * A persistent byte key-value store in LevelDB through classic-level (Kafka Streams uses
 * RocksDB; LevelDB orders keys the same way, as unsigned bytes). One database per store, in the
 * directory given (by convention `state.dir/<application.id>/<taskId>/<store>`); it keeps its
 * data across `close()` and process restarts.
 *
 * Speed notes: `get` reads synchronously (`getSync`, about ten times the throughput of an awaited
 * LevelDB `get`); `putAll` writes one batch; scans read in batches. A single `put` or `delete` is
 * one awaited LevelDB write, so hot write paths should go through `putAll` (the record cache does).
 * `approximateNumEntries()` counts keys with a scan, O(n), remembered until the next write.
 */
export class LevelKeyValueStore implements KeyValueStore<Buffer, Buffer>, SyncReadable<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = true;
  /** The LevelDB directory of this store. */
  readonly directory: string;
  #db: Level | undefined;
  /** Scans holding an iterator; a Set rather than a count so `close()` can forget abandoned ones. */
  readonly #iterators = new Set<object>();
  /** The latest write not yet made durable by `flush()`; see there. */
  #unsynced: LevelWrite | undefined;
  #count: number | undefined;

  constructor(name: string, directory: string) {
    this.name = name;
    this.directory = directory;
  }

  get isOpen(): boolean {
    return this.#db?.status === 'open';
  }

  get openIterators(): number {
    return this.#iterators.size;
  }

  async init(): Promise<void> {
    if (this.isOpen) return;
    await mkdir(this.directory, { recursive: true });
    const db: Level = new ClassicLevel<Buffer, Buffer>(this.directory, { keyEncoding: 'buffer', valueEncoding: 'buffer' });
    try {
      await db.open();
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      if (code === 'LEVEL_LOCKED') {
        throw new StreamsException(`Store ${this.name} at ${this.directory} is already open in this or another process`, 'STATE_DIR_LOCKED', { cause: error });
      }
      throw new InvalidStateStoreException(`Store ${this.name} at ${this.directory} failed to open: ${(error as Error).message}`, 'INVALID_STATE_STORE', { cause: error });
    }
    this.#db = db;
    this.#count = undefined;
  }

  /**
   * Makes every completed write durable against an OS crash, not only a process crash. LevelDB
   * writes go to its log without fsync; a synced write fsyncs the log including everything before
   * it. Rewriting the latest write (same key, same value, so nothing changes) with `sync: true`
   * costs one small write. Call it when no write is in flight, as a task does at commit.
   */
  async flush(): Promise<void> {
    const db = this.#openDb();
    const last = this.#unsynced;
    if (last === undefined) return;
    await db.batch([last], { sync: true });
    if (this.#unsynced === last) this.#unsynced = undefined;
  }

  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    // Closing the database also closes any iterator a scan abandoned without finishing.
    this.#iterators.clear();
    if (db !== undefined) await db.close();
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.#openDb().getSync(key);
  }

  /** `get` without the promise (see `SyncReadable`). */
  getMaybeSync(key: Buffer): Buffer | undefined {
    return this.#openDb().getSync(key);
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    const db = this.#openDb();
    // A few keys (an interactive query's usual batch) read synchronously: LevelDB's async getMany
    // costs a thread-pool round trip per call, more than reading a handful of keys in place.
    if (keys.length <= SYNC_GET_MANY_MAX) return keys.map((key) => db.getSync(key));
    return db.getMany(keys as Buffer[]);
  }

  async put(key: Buffer, value: Buffer | null): Promise<void> {
    const db = this.#openDb();
    const write: LevelWrite = value === null ? { type: 'del', key } : { type: 'put', key, value };
    this.#wrote(write);
    if (write.type === 'put') await db.put(key, write.value);
    else await db.del(key);
  }

  async putIfAbsent(key: Buffer, value: Buffer): Promise<Buffer | undefined> {
    const existing = this.#openDb().getSync(key);
    if (existing === undefined) await this.put(key, value);
    return existing;
  }

  async putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): Promise<void> {
    const batch = this.#openDb().batch();
    let last: LevelWrite | undefined;
    for (const { key, value } of entries) {
      if (value === null) {
        batch.del(key);
        last = { type: 'del', key };
      } else {
        batch.put(key, value);
        last = { type: 'put', key, value };
      }
    }
    if (last === undefined) return batch.close();
    this.#wrote(last);
    await batch.write();
  }

  async delete(key: Buffer): Promise<Buffer | undefined> {
    const existing = this.#openDb().getSync(key);
    if (existing !== undefined) await this.put(key, null);
    return existing;
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(bounds(from, to, false));
  }

  reverseRange(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan(bounds(from, to, true));
  }

  prefixScan(prefix: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    const upper = prefixUpperBound(prefix);
    return this.#scan(upper === undefined ? { gte: prefix } : { gte: prefix, lt: upper });
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({});
  }

  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({ reverse: true });
  }

  async approximateNumEntries(): Promise<number> {
    const db = this.#openDb();
    if (this.#count !== undefined) return this.#count;
    const keys = db.keys({ keyEncoding: 'buffer' });
    let count = 0;
    try {
      for (;;) {
        const batch = await keys.nextv(MAX_BATCH);
        if (batch.length === 0) break;
        count += batch.length;
      }
    } finally {
      await keys.close();
    }
    return (this.#count = count);
  }

  #openDb(): Level {
    assertStoreOpen(this);
    return this.#db!;
  }

  #wrote(write: LevelWrite): void {
    this.#unsynced = write;
    this.#count = undefined;
  }

  /**
   * Checks the store is open when the scan is created, as Kafka does; the LevelDB iterator opens
   * at the first read and is closed when the scan ends, breaks or fails.
   */
  #scan(range: LevelRange): AsyncIterable<KeyValue<Buffer, Buffer>> {
    this.#openDb();
    return { [Symbol.asyncIterator]: () => this.#entries(range) };
  }

  #entries(range: LevelRange): EntryScan<KeyValue<Buffer, Buffer>> {
    const db = this.#openDb();
    const token = {};
    let iterator: LevelIterator<Level, Buffer, Buffer> | undefined;
    let size = FIRST_BATCH;
    return new EntryScan({
      fetch: async () => {
        if (iterator === undefined) {
          iterator = db.iterator(range);
          this.#iterators.add(token);
        }
        let batch: Array<[Buffer, Buffer]>;
        try {
          batch = await iterator.nextv(size);
        } catch (error) {
          if (this.#db !== db) throw closedDuringScan(this.name, error);
          throw error;
        }
        size = Math.min(size * 4, MAX_BATCH);
        return batch.map(([key, value]) => ({ key, value }));
      },
      // Entries already fetched must not outlive a close(), as in the in-memory store.
      check: () => {
        if (this.#db !== db) throw closedDuringScan(this.name);
      },
      release: async () => {
        this.#iterators.delete(token);
        await iterator?.close();
      },
    });
  }
}

function closedDuringScan(name: string, cause?: unknown): InvalidStateStoreException {
  return new InvalidStateStoreException(`Store ${name} was closed during a scan.`, 'INVALID_STATE_STORE', { cause });
}

/**
 * LevelDB range options with absent bounds left out: an explicit `gte: undefined` is not the
 * same as no bound to abstract-level and silently narrows the scan.
 */
function bounds(from: Buffer | undefined, to: Buffer | undefined, reverse: boolean): LevelRange {
  const range: LevelRange = { reverse };
  if (from !== undefined) range.gte = from;
  if (to !== undefined) range.lte = to;
  return range;
}
