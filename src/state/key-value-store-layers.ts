import { CachingKeyValueStore } from './caching-key-value-store.js';
import { ChangeLoggingKeyValueStore } from './change-logging-key-value-store.js';
import type { KeyValueStore } from './key-value-store.js';
import type { StoreBuildContext } from './store-builder.js';

/** What of a builder decides the layers. */
export interface LayerChoices {
  readonly name: string;
  readonly cachingEnabled: boolean;
  readonly loggingEnabled: boolean;
}

/**
 * Stacks the layers Kafka's `KeyValueStoreBuilder.build()` stacks over a byte store, inner to
 * outer: changelogging (when logging is enabled), then the record cache (when caching is
 * enabled and the task's cache has a budget). The typed layer goes on top of the result.
 * Outside a task (`context.task` absent) the byte store is returned as is. A store whose
 * changelog is its input topic (`context.sourceTopicChangelog`) gets a changelogging layer that
 * only reports its writes to change subscribers.
 */
export function stackKeyValueLayers(
  bytes: KeyValueStore<Buffer, Buffer>,
  choices: LayerChoices,
  context: StoreBuildContext,
  timestamped: boolean,
): KeyValueStore<Buffer, Buffer> {
  const task = context.task;
  if (task === undefined) return bytes;
  let store = bytes;
  if ((choices.loggingEnabled || context.sourceTopicChangelog === true) && context.applicationId !== undefined) {
    store = new ChangeLoggingKeyValueStore(store, task, `${context.applicationId}-${choices.name}-changelog`, timestamped, !choices.loggingEnabled);
  }
  if (choices.cachingEnabled && task.cache !== undefined && task.cache.maxBytes > 0) {
    store = new CachingKeyValueStore(store, task, task.cache);
  }
  return store;
}
