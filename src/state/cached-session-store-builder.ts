import { SessionStoreBuilder } from './session-store-builder.js';

/**
 * The session store builder of the session-windowed aggregations: a `SessionStoreBuilder` (which
 * stacks caching and changelogging as Kafka's does) whose missing-serde error points at
 * `Materialized.with()`, where a DSL user gives serdes.
 */
export class CachedSessionStoreBuilder<K, AGG> extends SessionStoreBuilder<K, AGG> {
  protected override get serdeHint(): string {
    return 'give one with Materialized.with()';
  }
}
