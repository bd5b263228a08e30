import type { StateStore } from '../state/state-store.js';
import type { StoreBuilder } from '../state/store-builder.js';

/** Kafka's `windowstore.changelog.additional.retention.ms` default: a day more than the store keeps. */
const ADDITIONAL_WINDOW_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The changelog topic of a store (Kafka's `ProcessorStateManager.storeChangelogTopic`). */
export function changelogTopicName(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}

/**
 * Topic configs of a store's changelog, as Kafka's `UnwindowedUnversionedChangelogTopicConfig`
 * (compacted) and `WindowedChangelogTopicConfig` (window and session stores: compacted and
 * deleted after the store's retention plus a day), both with producer (create) timestamps; the
 * builder's `withLoggingEnabled(config)` entries override the defaults. Checked against Kafka
 * Streams 4.1.2 (test/topology/kafka-reference/TopologyStores.java).
 */
export function changelogTopicConfigs(builder: StoreBuilder<StateStore>): Readonly<Record<string, string>> {
  const retention = (builder as { readonly retentionPeriodMs?: unknown }).retentionPeriodMs;
  const defaults: Record<string, string> =
    typeof retention === 'number'
      ? { 'cleanup.policy': 'compact,delete', 'message.timestamp.type': 'CreateTime', 'retention.ms': String(retention + ADDITIONAL_WINDOW_RETENTION_MS) }
      : { 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime' };
  return { ...defaults, ...builder.logConfig };
}
