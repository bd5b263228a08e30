import { defaultPartition } from '../../src/kafka/partitioner.js';
import type { TopicPartition } from '../../src/kafka/port.js';
import type { HostPartitions, LocalStorePartition, QueryHost, QueryableStoreInfo, StoreChange } from '../../src/query/query-host.js';
import { Serdes } from '../../src/serde/serdes.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import { InMemorySessionStore } from '../../src/state/in-memory-session-store.js';
import { InMemoryWindowStore } from '../../src/state/in-memory-window-store.js';
import { withTimestamp } from '../../src/state/value-and-timestamp.js';
import { SessionWindow, Windowed } from '../../src/state/windowed.js';

export const WINDOW_SIZE_MS = 1_000;
const json = Serdes.Json<unknown>();
const string = Serdes.String();

/** The stores every fake instance knows: string keys, JSON values; `counts` has Integer keys. */
export function storeInfos(partitions: number): QueryableStoreInfo[] {
  const base = { partitions, keySerde: string as never, valueSerde: json, timestamped: false };
  return [
    { ...base, name: 'address', kind: 'keyValue', sourceTopics: ['address'], serdeTopic: 'app-address-changelog', timestamped: true },
    { ...base, name: 'counts', kind: 'keyValue', sourceTopics: ['numbers'], serdeTopic: 'app-counts-changelog', keySerde: Serdes.Integer() as never, valueSerde: Serdes.Long() as never },
    { ...base, name: 'clicks', kind: 'window', sourceTopics: ['clicks'], serdeTopic: 'app-clicks-changelog', windowSizeMs: WINDOW_SIZE_MS },
    { ...base, name: 'visits', kind: 'session', sourceTopics: ['visits'], serdeTopic: 'app-visits-changelog' },
  ];
}

type Mutable<T> = { -readonly [P in keyof T]: T[P] };

/** A fake instance: the QueryHost contract over in-memory byte stores the test fills directly. */
export class FakeHost implements QueryHost {
  endpoint: string | undefined;
  currentState = 'RUNNING';
  readonly local = new Map<string, Array<Mutable<LocalStorePartition>>>();
  readonly #listeners = new Set<(c: StoreChange) => void>();

  constructor(readonly cluster: FakeCluster, readonly index: number) {}

  state(): string {
    return this.currentState;
  }

  stores(): readonly QueryableStoreInfo[] {
    return this.cluster.infos;
  }

  instances(): readonly HostPartitions[] {
    return this.cluster.groupMap();
  }

  localStores(name: string): readonly LocalStorePartition[] {
    return this.local.get(name) ?? [];
  }

  subscribeChanges(listener: (change: StoreChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get changeListeners(): number {
    return this.#listeners.size;
  }

  emit(change: StoreChange): void {
    for (const l of this.#listeners) l(change);
  }

  partition(store: string, p: number): Mutable<LocalStorePartition> {
    const found = this.local.get(store)?.find((s) => s.partition === p);
    if (found === undefined) throw new Error(`instance ${this.index} has no partition ${p} of ${store}`);
    return found;
  }
}

/**
 * N fake instances over `partitions` partitions; instance i holds the active copy of partition p
 * when `p % n === i` and a standby of it when `(p + 1) % n === i`. Writes go to the store of the
 * partition Kafka's default partitioner picks for the key bytes.
 */
export class FakeCluster {
  readonly hosts: FakeHost[];
  readonly infos: QueryableStoreInfo[];
  /** Overrides of the group map (e.g. a partition no one holds during a rebalance). */
  unassigned = new Set<number>();

  private constructor(readonly size: number, readonly partitions: number) {
    this.infos = storeInfos(partitions);
    this.hosts = Array.from({ length: size }, (_, i) => new FakeHost(this, i));
  }

  static async create(size: number, partitions: number, options: { standbys?: boolean } = {}): Promise<FakeCluster> {
    const cluster = new FakeCluster(size, partitions);
    for (const host of cluster.hosts) {
      for (const info of cluster.infos) {
        const list: Array<Mutable<LocalStorePartition>> = [];
        for (let p = 0; p < partitions; p++) {
          const active = cluster.activeIndex(p) === host.index;
          const standby = options.standbys === true && size > 1 && (p + 1) % size === host.index;
          if (!active && !standby) continue;
          const name = `${info.name}-${p}`;
          const store = info.kind === 'keyValue' ? new InMemoryKeyValueStore(name)
            : info.kind === 'window' ? new InMemoryWindowStore(name, { windowSizeMs: WINDOW_SIZE_MS, retentionPeriodMs: 1e12 })
              : new InMemorySessionStore(name, { retentionPeriodMs: 1e12 });
          await store.init();
          list.push({ partition: p, active, state: 'RUNNING', store });
        }
        host.local.set(info.name, list);
      }
    }
    return cluster;
  }

  activeIndex(partition: number): number {
    return partition % this.size;
  }

  groupMap(): HostPartitions[] {
    return this.hosts.filter((h) => h.endpoint !== undefined).map((h) => {
      const held = (active: boolean): TopicPartition[] => {
        const out: TopicPartition[] = [];
        for (const info of this.infos) {
          for (const s of h.local.get(info.name) ?? []) {
            if (s.active === active && !this.unassigned.has(s.partition)) for (const topic of info.sourceTopics) if (!out.some((t) => t.topic === topic && t.partition === s.partition)) out.push({ topic, partition: s.partition });
          }
        }
        return out;
      };
      return { endpoint: h.endpoint!, active: held(true), standby: held(false) };
    });
  }

  info(store: string): QueryableStoreInfo {
    return this.infos.find((i) => i.name === store)!;
  }

  partitionOf(store: string, key: unknown): number {
    const info = this.info(store);
    return defaultPartition(info.keySerde.serialize(info.serdeTopic, key)!, this.partitions);
  }

  owner(store: string, key: unknown): FakeHost {
    return this.hosts[this.activeIndex(this.partitionOf(store, key))]!;
  }

  /** Writes to the active copy (and standby copies) of the key's partition. */
  async put(store: string, key: unknown, value: unknown, timestamp = 1_000): Promise<void> {
    const info = this.info(store);
    const p = this.partitionOf(store, key);
    const keyBytes = info.keySerde.serialize(info.serdeTopic, key)!;
    const raw = info.valueSerde.serialize(info.serdeTopic, value)!;
    const bytes = info.timestamped ? withTimestamp(raw, timestamp) : raw;
    for (const host of this.hosts) {
      for (const s of host.local.get(store) ?? []) {
        if (s.partition !== p) continue;
        if (info.kind === 'keyValue') await (s.store as InMemoryKeyValueStore).put(keyBytes, bytes);
        else if (info.kind === 'window') await (s.store as InMemoryWindowStore).put(keyBytes, bytes, timestamp);
        else throw new Error('use putSession');
      }
    }
  }

  async putSession(key: string, startMs: number, endMs: number, value: unknown): Promise<void> {
    const info = this.info('visits');
    const p = this.partitionOf('visits', key);
    const keyBytes = info.keySerde.serialize(info.serdeTopic, key)!;
    for (const host of this.hosts) {
      for (const s of host.local.get('visits') ?? []) {
        if (s.partition === p) await (s.store as InMemorySessionStore).put(new Windowed(keyBytes, new SessionWindow(startMs, endMs)), info.valueSerde.serialize(info.serdeTopic, value)!);
      }
    }
  }

  async close(): Promise<void> {
    for (const h of this.hosts) for (const list of h.local.values()) for (const s of list) await s.store.close();
  }
}
