import type { Serde } from '../serde/serde.js';
import { KeyValueStoreBuilder } from '../state/key-value-store-builder.js';
import { SessionStoreBuilder } from '../state/session-store-builder.js';
import type { StateStore } from '../state/state-store.js';
import type { StoreBuilder } from '../state/store-builder.js';
import { TimestampedKeyValueStoreBuilder } from '../state/timestamped-key-value-store-builder.js';
import { TimestampedWindowStoreBuilder } from '../state/timestamped-window-store-builder.js';
import { WindowStoreBuilder } from '../state/window-store-builder.js';
import { changelogTopicName } from '../topology/changelog-topics.js';
import type { Topology } from '../topology/topology.js';
import type { QueryableStoreInfo } from './query-host.js';

export interface TopologyStoreOptions {
  readonly applicationId: string;
  readonly defaultKeySerde?: Serde<unknown> | undefined;
  readonly defaultValueSerde?: Serde<unknown> | undefined;
  /** Partition count of a topic (source topics decide a sub-topology's task count). */
  readonly partitionsOf: (topic: string) => number | undefined;
}

/**
 * The task stores of a topology as queries see them: kind and serdes from each store's builder
 * (defaults from the config, as the task applies them), source topics and partition count from
 * its sub-topology. Global stores and stores of builders we do not know are not queryable here.
 */
export function queryableStoresOf(topology: Topology, options: TopologyStoreOptions): QueryableStoreInfo[] {
  const { applicationId } = options;
  const out: QueryableStoreInfo[] = [];
  for (const sub of topology.metadata(applicationId).subtopologies) {
    const partitions = Math.max(0, ...sub.sourceTopics.map((t) => options.partitionsOf(t) ?? 0));
    for (const { builder } of topology.subtopologyPlan(sub.id, applicationId).stores) {
      const shape = shapeOf(builder);
      const keySerde = shape?.keySerde ?? options.defaultKeySerde;
      const valueSerde = shape?.valueSerde ?? options.defaultValueSerde;
      if (shape === undefined || keySerde === undefined || valueSerde === undefined || out.some((s) => s.name === builder.name)) continue;
      out.push({
        name: builder.name, kind: shape.kind, timestamped: shape.timestamped, sourceTopics: sub.sourceTopics, partitions,
        keySerde, valueSerde, serdeTopic: changelogTopicName(applicationId, builder.name),
        ...(shape.windowSizeMs === undefined ? {} : { windowSizeMs: shape.windowSizeMs }),
      });
    }
  }
  return out;
}

interface StoreShape {
  kind: QueryableStoreInfo['kind'];
  timestamped: boolean;
  keySerde: Serde<unknown> | undefined;
  valueSerde: Serde<unknown> | undefined;
  windowSizeMs?: number;
}

function shapeOf(builder: StoreBuilder<StateStore>): StoreShape | undefined {
  const serdes = (b: { keySerde: Serde<unknown> | undefined; valueSerde: Serde<unknown> | undefined }): Pick<StoreShape, 'keySerde' | 'valueSerde'> => ({ keySerde: b.keySerde, valueSerde: b.valueSerde });
  if (builder instanceof TimestampedKeyValueStoreBuilder) return { kind: 'keyValue', timestamped: true, ...serdes(builder) };
  if (builder instanceof KeyValueStoreBuilder) return { kind: 'keyValue', timestamped: false, ...serdes(builder) };
  if (builder instanceof TimestampedWindowStoreBuilder) return { kind: 'window', timestamped: true, windowSizeMs: builder.supplier.windowSizeMs, ...serdes(builder) };
  if (builder instanceof WindowStoreBuilder) return { kind: 'window', timestamped: false, windowSizeMs: builder.supplier.windowSizeMs, ...serdes(builder) };
  if (builder instanceof SessionStoreBuilder) return { kind: 'session', timestamped: false, ...serdes(builder) };
  return undefined;
}
