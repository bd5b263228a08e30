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
