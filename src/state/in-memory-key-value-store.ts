import { InvalidStateStoreException } from '../errors.js';
import { prefixUpperBound } from './byte-order.js';
import { EntryScan } from './entry-scan.js';
import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { SortedByteMap, type ScanBounds } from './sorted-byte-map.js';
import { assertStoreOpen } from './state-store.js';
import type { SyncReadable } from './sync-read.js';

/**
 * Entries a scan takes from the map at a time: small, so a write during a scan is seen soon
 * after, large enough that the per-batch cost vanishes.
 */
const SCAN_BATCH = 64;

/**
 * A byte key-value store held in memory, sorted by key bytes (Kafka Streams'
 * `InMemoryKeyValueStore`). Not persistent: `close()` drops the data, as Kafka's does, and a
 * logged in-memory store is rebuilt from its changelog when its task opens again.
 *
 * Keys and values are copied on write, so callers may reuse their Buffers. Point operations are
 * O(log n); scans O(log n + k). `approximateNumEntries()` is exact and O(1).
 */
export class InMemoryKeyValueStore implements KeyValueStore<Buffer, Buffer>, SyncReadable<Buffer, Buffer> {
  readonly name: string;
  readonly persistent = false;
  readonly #map = new SortedByteMap();
  #open = false;
  /** Scans holding an iterator; a Set rather than a count so `close()` can forget abandoned ones. */
  readonly #iterators = new Set<object>();

  constructor(name: string) {
    this.name = name;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get openIterators(): number {
    return this.#iterators.size;
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
  }

  async get(key: Buffer): Promise<Buffer | undefined> {
    return this.getMaybeSync(key);
  }

  /** `get` without the promise (see `SyncReadable`). */
  getMaybeSync(key: Buffer): Buffer | undefined {
    assertStoreOpen(this);
    return this.#map.get(key);
  }

  async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    assertStoreOpen(this);
    return keys.map((key) => this.#map.get(key));
  }

  async put(key: Buffer, value: Buffer | null): Promise<void> {
    assertStoreOpen(this);
    this.#write(key, value);
  }

  async putIfAbsent(key: Buffer, value: Buffer): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    const existing = this.#map.get(key);
    if (existing === undefined) this.#write(key, value);
    return existing;
  }

  async putAll(entries: Iterable<KeyValue<Buffer, Buffer | null>>): Promise<void> {
    assertStoreOpen(this);
    for (const { key, value } of entries) this.#write(key, value);
  }

  async delete(key: Buffer): Promise<Buffer | undefined> {
    assertStoreOpen(this);
    return this.#map.delete(key);
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({ gte: from, lte: to });
  }

  reverseRange(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({ gte: from, lte: to, reverse: true });
  }

  prefixScan(prefix: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({ gte: prefix, lt: prefixUpperBound(prefix) });
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({});
  }

  reverseAll(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.#scan({ reverse: true });
  }

  async approximateNumEntries(): Promise<number> {
    assertStoreOpen(this);
    return this.#map.size;
  }

  #write(key: Buffer, value: Buffer | null): void {
    if (value === null) this.#map.delete(key);
    else this.#map.set(Buffer.from(key), Buffer.from(value));
  }

  /** Checks the store is open when the scan is created (as Kafka does) and again before every entry. */
  #scan(bounds: ScanBounds): AsyncIterable<KeyValue<Buffer, Buffer>> {
    assertStoreOpen(this);
    return { [Symbol.asyncIterator]: () => this.#entries(bounds) };
  }

  #entries(bounds: ScanBounds): EntryScan<KeyValue<Buffer, Buffer>> {
    const token = {};
    let entries: Iterator<KeyValue<Buffer, Buffer>> | undefined;
    return new EntryScan({
      fetch: async () => {
        if (entries === undefined) {
          entries = this.#map.scan(bounds);
          this.#iterators.add(token);
        }
        const batch: Array<KeyValue<Buffer, Buffer>> = [];
        for (let next = entries.next(); next.done !== true; next = entries.next()) {
          batch.push(next.value);
          if (batch.length === SCAN_BATCH) break;
        }
        return batch;
      },
      check: () => {
        if (!this.#open) throw new InvalidStateStoreException(`Store ${this.name} was closed during a scan.`);
      },
      release: async () => {
        this.#iterators.delete(token);
      },
    });
  }
}
