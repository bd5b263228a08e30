import { InvalidStateStoreException } from '../errors.js';
import { defaultPartition } from '../kafka/partitioner.js';
import { compareBytes } from '../state/byte-order.js';
import type { KeyValueStore } from '../state/key-value-store.js';
import type { SessionStore } from '../state/session-store.js';
import type { WindowStore } from '../state/window-store.js';
import type { Windowed } from '../state/windowed.js';
import { keyCursor, parseCursor } from './cursor.js';
import { KeyBatchCoalescer } from './key-batch-coalescer.js';
import { LOCAL_ENDPOINT, metadataForPartition, type KeyQueryMetadata } from './key-query-metadata.js';
import { formatKey, parseKeyText, toJson } from './key-text.js';
import { queryableStore, resolveLocalStores } from './local-store-resolver.js';
import { mergeScans } from './merge-scans.js';
import { QueryLimitException } from './query-errors.js';
import type { HostPartitions, QueryHost, QueryableStoreInfo, QueryableStoreKind } from './query-host.js';
import type {
  KeyValueResult, Page, QueryForwarder, RangeRequest, SessionResult, WindowedRangeRequest, WindowedResult,
} from './query-results.js';
import { StoreCodec } from './store-codec.js';

/** Bounds on what one request may ask for. */
export interface QueryLimits {
  /** Most keys in one `keyValues` request (default 10,000). */
  readonly maxKeys: number;
  /** Largest page of `range` / `windowedRange` (default 1,000). */
  readonly maxPageSize: number;
}

export const defaultQueryLimits: QueryLimits = { maxKeys: 10_000, maxPageSize: 1_000 };

/** Where a text key of a store lives. */
export interface KeyOwner {
  readonly partition: number;
  /** The endpoint of the instance whose active task holds the partition. */
  readonly endpoint: string;
  readonly local: boolean;
}

/**
 * Answers queries by text key for any instance: reads locally what this instance's active,
 * running tasks hold, and forwards the rest to the owner the group names (never to a host a
 * request names). `*Local` methods are what a forwarded request runs: they never forward, and a
 * partition that is not (or no longer) here is the retriable `InvalidStateStoreException`, so a
 * moving key gets an error, never another partition's data or a stale copy.
 */
export class QueryRouter {
  readonly #host: QueryHost;
  readonly #forwarder: QueryForwarder;
  /** Key batches of concurrent queries bound for the same owner go as one forwarded request. */
  readonly #keyBatches: KeyBatchCoalescer;
  readonly limits: QueryLimits;

  constructor(host: QueryHost, forwarder: QueryForwarder, limits: Partial<QueryLimits> = {}) {
    this.#host = host;
    this.#forwarder = forwarder;
    this.limits = { ...defaultQueryLimits, ...limits };
    this.#keyBatches = new KeyBatchCoalescer((endpoint, store, keys, allowStale) => forwarder.keyValues(endpoint, store, keys, allowStale), this.limits.maxKeys);
  }

  /** This instance's name in `servedBy` and in the group's map. */
  get endpoint(): string {
    return this.#host.endpoint ?? LOCAL_ENDPOINT;
  }

  get host(): QueryHost {
    return this.#host;
  }

  stores(): readonly QueryableStoreInfo[] {
    return this.#host.stores();
  }

  /** The group's map, or this instance alone when it has no `application.server`. */
  instances(): readonly HostPartitions[] {
    const known = this.#host.instances();
    if (known.length > 0 || this.#host.endpoint !== undefined) return known;
    return [{ endpoint: LOCAL_ENDPOINT, active: [], standby: [] }];
  }

  keyMetadata(store: string, key: string): KeyQueryMetadata {
    const info = queryableStore(this.#host, store);
    return metadataForPartition(this.#host, info, defaultPartition(parseKeyText(info, key).bytes, info.partitions));
  }

  /**
   * The owner of `key`'s partition.
   * @throws InvalidStateStoreException `STORE_MIGRATED` while no instance holds the partition
   */
  ownerOf(store: string, key: string, kind?: QueryableStoreKind): KeyOwner {
    const info = queryableStore(this.#host, store, kind);
    const partition = defaultPartition(parseKeyText(info, key).bytes, info.partitions);
    return this.#ownerOfPartition(info, partition);
  }

  /**
   * The owners of many keys of one key-value store, from one reading of the group's map (a
   * batch of keys costs one map walk per partition, not one per key). A key that does not parse
   * or whose partition has no owner now is an Error in its own slot.
   * @throws UnknownStateStoreException / WrongStoreTypeException for the store itself
   */
  ownersOf(store: string, keys: readonly string[]): Array<KeyOwner | Error> {
    const info = queryableStore(this.#host, store, 'keyValue');
    const instances = this.#host.instances();
    const byPartition = new Map<number, KeyOwner | Error>();
    return keys.map((key) => {
      try {
        const partition = defaultPartition(parseKeyText(info, key).bytes, info.partitions);
        let owner = byPartition.get(partition);
        if (owner === undefined) {
          try {
            owner = this.#ownerOfPartition(info, partition, instances);
          } catch (e) {
            owner = asError(e);
          }
          byPartition.set(partition, owner);
        }
        return owner;
      } catch (e) {
        return asError(e);
      }
    });
  }

  /**
   * Values of `keys` all held by `owner` (as `ownerOf` or `standbysOf` said): one local batch, or
   * one forwarded request, shared with other queries' keys for that owner asked in the same turn
   * of the event loop. With `allowStale`, standby and restoring copies answer too (flagged `stale`).
   */
  getMany(owner: string, store: string, keys: readonly string[], allowStale = false): Promise<Array<KeyValueResult | null | Error>> {
    return owner === this.endpoint ? this.getLocal(store, keys, allowStale) : this.#keyBatches.keyValues(owner, store, keys, allowStale);
  }

  /** The instances with a standby copy of `key`'s partition (for stale reads when the owner cannot answer). */
  standbysOf(store: string, key: string): readonly string[] {
    const info = queryableStore(this.#host, store, 'keyValue');
    return metadataForPartition(this.#host, info, defaultPartition(parseKeyText(info, key).bytes, info.partitions)).standbyHosts;
  }

  /**
   * Values of `keys` from local partitions only: active running ones, or with `allowStale` any
   * local copy (standby, restoring), then flagged `stale` with its lag. A key whose partition
   * cannot answer here is an Error.
   */
  async getLocal(store: string, keys: readonly string[], allowStale = false): Promise<Array<KeyValueResult | null | Error>> {
    this.#checkKeys(keys.length);
    const info = queryableStore(this.#host, store, 'keyValue');
    const codec = new StoreCodec(info);
    const out: Array<KeyValueResult | null | Error> = new Array<KeyValueResult | null | Error>(keys.length).fill(null);
    const byPartition = new Map<number, Array<{ index: number; bytes: Buffer }>>();
    keys.forEach((key, index) => {
      try {
        const bytes = parseKeyText(info, key).bytes;
        const partition = defaultPartition(bytes, info.partitions);
        let group = byPartition.get(partition);
        if (group === undefined) byPartition.set(partition, (group = []));
        group.push({ index, bytes });
      } catch (e) {
        out[index] = asError(e);
      }
    });
    await Promise.all([...byPartition].map(async ([partition, group]) => {
      try {
        const candidates = resolveLocalStores<KeyValueStore<Buffer, Buffer>>(this.#host, store, { partition, staleStoresEnabled: allowStale });
        const local = candidates.find((c) => c.active && c.state === 'RUNNING') ?? candidates[0]!;
        const stale = !(local.active && local.state === 'RUNNING');
        const offsetLag = stale ? local.offsetLag : undefined;
        const values = await local.store.getMany(group.map((g) => g.bytes));
        const servedBy = this.endpoint;
        // No cursor: key lookups are not pages (a cursor costs a hex and a base64 encoding per key).
        values.forEach((value, i) => {
          const { index } = group[i]!;
          if (value === undefined) return;
          const kv: { -readonly [F in keyof KeyValueResult]: KeyValueResult[F] } = { key: keys[index]!, value: toJson(codec.value(value)), partition, servedBy, cursor: '', stale };
          if (offsetLag !== undefined) kv.offsetLag = offsetLag;
          out[index] = kv;
        });
      } catch (e) {
        for (const { index } of group) out[index] = asError(e);
      }
    }));
    return out;
  }

  /** One page of keys in `[from, to]` over every partition, merged in key order from all owners. */
  async range(store: string, request: RangeRequest): Promise<Page<KeyValueResult>> {
    const info = queryableStore(this.#host, store, 'keyValue');
    this.#checkPage(request.first);
    const pages = await Promise.all([...this.#ownersOfAllPartitions(info)].map(([owner, partitions]) =>
      owner === this.endpoint ? this.rangeLocal(store, request, partitions) : this.#forwarder.range(owner, store, request, partitions)));
    return mergePages(pages, request.first, (a, b) => compareBytes(parseCursor(a.cursor).keyBytes, parseCursor(b.cursor).keyBytes));
  }

  /** One page of keys in `[from, to]` over the local `partitions` (each must be active and running here). */
  async rangeLocal(store: string, request: RangeRequest, partitions: readonly number[]): Promise<Page<KeyValueResult>> {
    const info = queryableStore(this.#host, store, 'keyValue');
    this.#checkPage(request.first);
    const codec = new StoreCodec(info);
    const to = request.to === undefined ? undefined : parseKeyText(info, request.to).bytes;
    let from = request.from === undefined ? undefined : parseKeyText(info, request.from).bytes;
    const after = request.after === undefined ? undefined : parseCursor(request.after).keyBytes;
    if (after !== undefined && (from === undefined || compareBytes(after, from) > 0)) from = after;
    const scans = partitions.map((partition) => {
      const [local] = resolveLocalStores<KeyValueStore<Buffer, Buffer>>(this.#host, store, { partition, staleStoresEnabled: false });
      return tagged(local!.store.range(from, to), partition);
    });
    const items: KeyValueResult[] = [];
    for await (const { entry, partition } of mergeScans(scans, (a, b) => compareBytes(a.entry.key, b.entry.key))) {
      if (after !== undefined && compareBytes(entry.key, after) <= 0) continue;
      if (items.length === request.first) return { items, hasNextPage: true };
      items.push({ key: formatKey(info, codec.key(entry.key)), value: toJson(codec.value(entry.value)), partition, servedBy: this.endpoint, cursor: keyCursor(entry.key) });
    }
    return { items, hasNextPage: false };
  }

  /** `key`'s windows with a start in `[fromMs, toMs]`, read by the key's owner. */
  windowed(store: string, key: string, fromMs: number, toMs: number): Promise<WindowedResult[]> {
    const owner = this.ownerOf(store, key, 'window');
    return owner.local ? this.windowedLocal(store, key, fromMs, toMs) : this.#forwarder.windowed(owner.endpoint, store, key, fromMs, toMs);
  }

  async windowedLocal(store: string, key: string, fromMs: number, toMs: number): Promise<WindowedResult[]> {
    const info = queryableStore(this.#host, store, 'window');
    const codec = new StoreCodec(info);
    const { bytes } = parseKeyText(info, key);
    const [local] = resolveLocalStores<WindowStore<Buffer, Buffer>>(this.#host, store, { partition: defaultPartition(bytes, info.partitions), staleStoresEnabled: false });
    const out: WindowedResult[] = [];
    const size = local!.store.windowSizeMs;
    for await (const { key: start, value } of local!.store.fetch(bytes, fromMs, toMs)) {
      out.push({ key, start, end: start + size, value: toJson(codec.value(value)), servedBy: this.endpoint, cursor: keyCursor(bytes, start) });
    }
    return out;
  }

  /** One page of every key's windows with a start in the range, by (key bytes, start), from all owners. */
  async windowedRange(store: string, request: WindowedRangeRequest): Promise<Page<WindowedResult>> {
    const info = queryableStore(this.#host, store, 'window');
    this.#checkPage(request.first);
    const pages = await Promise.all([...this.#ownersOfAllPartitions(info)].map(([owner, partitions]) =>
      owner === this.endpoint ? this.windowedRangeLocal(store, request, partitions) : this.#forwarder.windowedRange(owner, store, request, partitions)));
    return mergePages(pages, request.first, (a, b) => compareWindowCursors(a.cursor, b.cursor));
  }

  async windowedRangeLocal(store: string, request: WindowedRangeRequest, partitions: readonly number[]): Promise<Page<WindowedResult>> {
    const info = queryableStore(this.#host, store, 'window');
    this.#checkPage(request.first);
    const codec = new StoreCodec(info);
    const keyTo = request.keyTo === undefined ? undefined : parseKeyText(info, request.keyTo).bytes;
    let keyFrom = request.keyFrom === undefined ? undefined : parseKeyText(info, request.keyFrom).bytes;
    const after = request.after === undefined ? undefined : parseCursor(request.after);
    if (after !== undefined && (keyFrom === undefined || compareBytes(after.keyBytes, keyFrom) > 0)) keyFrom = after.keyBytes;
    const scans = partitions.map((partition) => {
      const [local] = resolveLocalStores<WindowStore<Buffer, Buffer>>(this.#host, store, { partition, staleStoresEnabled: false });
      return tagged(local!.store.fetchRange(keyFrom, keyTo, request.fromMs, request.toMs), partition);
    });
    const order = (a: Windowed<Buffer>, b: Windowed<Buffer>): number => compareBytes(a.key(), b.key()) || a.window().start() - b.window().start();
    const items: WindowedResult[] = [];
    for await (const { entry } of mergeScans(scans, (a, b) => order(a.entry.key, b.entry.key))) {
      const keyBytes = entry.key.key();
      const start = entry.key.window().start();
      if (after !== undefined && (compareBytes(keyBytes, after.keyBytes) || start - (after.startMs ?? -1)) <= 0) continue;
      if (items.length === request.first) return { items, hasNextPage: true };
      items.push({ key: formatKey(info, codec.key(keyBytes)), start, end: entry.key.window().end(), value: toJson(codec.value(entry.value)), servedBy: this.endpoint, cursor: keyCursor(keyBytes, start) });
    }
    return { items, hasNextPage: false };
  }

  /** Every session of `key`, by (end, start), read by the key's owner. */
  sessions(store: string, key: string): Promise<SessionResult[]> {
    const owner = this.ownerOf(store, key, 'session');
    return owner.local ? this.sessionsLocal(store, key) : this.#forwarder.sessions(owner.endpoint, store, key);
  }

  async sessionsLocal(store: string, key: string): Promise<SessionResult[]> {
    const info = queryableStore(this.#host, store, 'session');
    const codec = new StoreCodec(info);
    const { bytes } = parseKeyText(info, key);
    const [local] = resolveLocalStores<SessionStore<Buffer, Buffer>>(this.#host, store, { partition: defaultPartition(bytes, info.partitions), staleStoresEnabled: false });
    const out: SessionResult[] = [];
    for await (const { key: session, value } of local!.store.fetch(bytes)) {
      out.push({ key, start: session.window().start(), end: session.window().end(), value: toJson(codec.value(value)), servedBy: this.endpoint });
    }
    return out;
  }

  #ownerOfPartition(info: QueryableStoreInfo, partition: number, instances?: readonly HostPartitions[]): KeyOwner {
    const endpoint = metadataForPartition(this.#host, info, partition, instances).activeHost;
    if (endpoint === undefined) {
      throw new InvalidStateStoreException(`No instance holds partition ${partition} of store ${info.name} now (the group is rebalancing); retry shortly.`, 'STORE_MIGRATED');
    }
    return { partition, endpoint, local: endpoint === this.endpoint };
  }

  /** owner → its partitions of the store; every partition must have an owner. */
  #ownersOfAllPartitions(info: QueryableStoreInfo): Map<string, number[]> {
    const owners = new Map<string, number[]>();
    const instances = this.#host.instances();
    for (let p = 0; p < info.partitions; p++) {
      const { endpoint } = this.#ownerOfPartition(info, p, instances);
      let list = owners.get(endpoint);
      if (list === undefined) owners.set(endpoint, (list = []));
      list.push(p);
    }
    return owners;
  }

  #checkKeys(count: number): void {
    if (count > this.limits.maxKeys) throw new QueryLimitException('The number of keys per request', this.limits.maxKeys, count);
  }

  #checkPage(first: number): void {
    if (!Number.isInteger(first) || first < 0 || first > this.limits.maxPageSize) throw new QueryLimitException('The page size (first)', this.limits.maxPageSize, first);
  }

  /** Checks a key count against the limit before any work (the GraphQL layer calls it per request). */
  checkKeyCount(count: number): void {
    this.#checkKeys(count);
  }
}

function tagged<T>(scan: AsyncIterable<T>, partition: number): AsyncIterable<{ entry: T; partition: number }> {
  return {
    async *[Symbol.asyncIterator]() {
      for await (const entry of scan) yield { entry, partition };
    },
  };
}

function compareWindowCursors(a: string, b: string): number {
  const [x, y] = [parseCursor(a), parseCursor(b)];
  return compareBytes(x.keyBytes, y.keyBytes) || (x.startMs ?? 0) - (y.startMs ?? 0);
}

/** Merges owners' sorted pages into the first `first` items overall. */
function mergePages<T>(pages: ReadonlyArray<Page<T>>, first: number, compare: (a: T, b: T) => number): Page<T> {
  const all = pages.flatMap((p) => p.items).sort(compare);
  return { items: all.slice(0, first), hasNextPage: all.length > first || pages.some((p) => p.hasNextPage) };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

