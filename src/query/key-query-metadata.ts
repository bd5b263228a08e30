import { defaultPartition } from '../kafka/partitioner.js';
import type { TopicPartition } from '../kafka/port.js';
import type { Serde } from '../serde/serde.js';
import { queryableStore } from './local-store-resolver.js';
import type { HostPartitions, QueryHost, QueryableStoreInfo } from './query-host.js';

/**
 * Where a key of a store lives (Kafka Streams' `KeyQueryMetadata`): the partition the default
 * partitioner puts the key in, the instance whose active task holds it, and the instances with
 * a standby of it. `activeHost` is undefined while no instance holds the partition (rebalancing).
 */
export interface KeyQueryMetadata {
  readonly activeHost: string | undefined;
  readonly standbyHosts: readonly string[];
  readonly partition: number;
}

/**
 * The metadata of `key` in `storeName`: the key is serialized with `keySerializer` (default: the
 * store's key serde) and hashed with Kafka's murmur2 default partitioner, so keys written by any
 * Kafka client are found where the producer put them.
 * @throws UnknownStateStoreException when the store is unknown
 */
export function queryMetadataForKey<K>(host: QueryHost, storeName: string, key: K, keySerializer?: Serde<K>): KeyQueryMetadata {
  const info = queryableStore(host, storeName);
  const serde = (keySerializer ?? info.keySerde) as Serde<K>;
  const bytes = serde.serialize(info.sourceTopics[0] ?? info.serdeTopic, key);
  if (bytes === null) throw new TypeError(`Store ${storeName}: keys cannot serialize to null, but got: ${String(key)}`);
  return metadataForPartition(host, info, defaultPartition(bytes, info.partitions));
}

/** Who holds partition `partition` of the store, by the group's map (`instances`: one already read from `host`). */
export function metadataForPartition(host: QueryHost, info: QueryableStoreInfo, partition: number, instances: readonly HostPartitions[] = host.instances()): KeyQueryMetadata {
  const holds = (tps: readonly TopicPartition[]): boolean => tps.some((tp) => tp.partition === partition && info.sourceTopics.includes(tp.topic));
  const active = instances.find((h) => holds(h.active));
  return { activeHost: active?.endpoint ?? localFallback(host, info, partition, instances), standbyHosts: instances.filter((h) => holds(h.standby)).map((h) => h.endpoint), partition };
}

/** Without `application.server` the group map is empty; the instance still answers for what it holds. */
function localFallback(host: QueryHost, info: QueryableStoreInfo, partition: number, instances: readonly HostPartitions[]): string | undefined {
  if (instances.length > 0) return undefined;
  const local = host.localStores(info.name).some((s) => s.active && s.partition === partition);
  return local ? (host.endpoint ?? LOCAL_ENDPOINT) : undefined;
}

/** `servedBy` and owner name of an instance without `application.server`. */
export const LOCAL_ENDPOINT = 'local';
