import type { KeyValue, KeyValueStore } from './key-value-store.js';
import { withTimestamp } from './value-and-timestamp.js';

/** What restoration needs of a changelog record (a `ConsumedRecord` of the Kafka port fits). */
export interface ConsumedRecordLike {
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

/**
 * The changelogging layer of a store, as restoration sees it: it knows the changelog format it
 * writes, so it is the one that applies changelog records to the store below it, bypassing
 * itself (no record is logged again) and any cache above it.
 */
export interface ChangelogRestorer {
  /** Full changelog topic name, `<application.id>-<store>-changelog`. */
  readonly changelogTopic: string;
  /** Applies records of the changelog, in offset order; a `null` value deletes. */
  restore(records: readonly ConsumedRecordLike[]): Promise<void>;
}

/**
 * Finds the changelogging layer of a store by following `inner` from the outermost layer down
 * (every layer of ours exposes the store it wraps as `inner`); undefined when the store is not logged.
 */
export function findChangelogRestorer(store: object): ChangelogRestorer | undefined {
  for (let layer: unknown = store; typeof layer === 'object' && layer !== null; layer = (layer as { inner?: unknown }).inner) {
    const candidate = layer as Partial<ChangelogRestorer>;
    if (typeof candidate.changelogTopic === 'string' && typeof candidate.restore === 'function') return candidate as ChangelogRestorer;
  }
  return undefined;
}

/**
 * Applies key-value changelog records to a byte store in one batch (what the changelogging layer
 * logs, undone): a `null` value deletes, a null key is skipped, and a timestamped store gets the
 * record timestamp back in front of the value.
 */
export function restoreKeyValueRecords(store: KeyValueStore<Buffer, Buffer>, records: readonly ConsumedRecordLike[], timestamped: boolean): Promise<void> {
  const writes: Array<KeyValue<Buffer, Buffer | null>> = [];
  for (const record of records) {
    if (record.key === null) continue;
    const value = record.value === null ? null : timestamped ? withTimestamp(record.value, record.timestamp) : record.value;
    writes.push({ key: record.key, value });
  }
  return writes.length === 0 ? Promise.resolve() : store.putAll(writes);
}

/**
 * Restores a key-value store whose changelog is the source topic it is read from
 * (`topology.optimization=reuse.ktable.source.topics`): such a store has no changelogging layer,
 * so this writes the topic's records into its byte store directly, as Kafka's state manager
 * restores a source-topic changelog into the innermost store. The topic's records are in the
 * changelog format already: plain value bytes, the timestamp as the record's.
 */
export class SourceTopicRestorer implements ChangelogRestorer {
  constructor(
    private readonly store: KeyValueStore<Buffer, Buffer>,
    readonly changelogTopic: string,
    private readonly timestamped: boolean,
  ) {}

  restore(records: readonly ConsumedRecordLike[]): Promise<void> {
    return restoreKeyValueRecords(this.store, records, this.timestamped);
  }
}
