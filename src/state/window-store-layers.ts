import { CachingWindowStore } from './caching-window-store.js';
import { ChangeLoggingWindowStore } from './change-logging-window-store.js';
import type { LayerChoices } from './key-value-store-layers.js';
import type { StoreBuildContext } from './store-builder.js';
import type { WindowStore } from './window-store.js';

/**
 * Stacks the layers Kafka's `WindowStoreBuilder` / `TimestampedWindowStoreBuilder` stack over a
 * byte window store, inner to outer: changelogging (when logging is enabled), then the record
 * cache (when caching is enabled, the store does not retain duplicates, and the task's cache has
 * a budget). The typed layer goes on top. Outside a task (`context.task` absent) the byte store
 * is returned as is.
 */
export function stackWindowLayers(
  bytes: WindowStore<Buffer, Buffer>,
  choices: LayerChoices,
  context: StoreBuildContext,
  timestamped: boolean,
): WindowStore<Buffer, Buffer> {
  const task = context.task;
  if (task === undefined) return bytes;
  let store = bytes;
  if (choices.loggingEnabled && context.applicationId !== undefined) {
    store = new ChangeLoggingWindowStore(store, task, `${context.applicationId}-${choices.name}-changelog`, timestamped);
  }
  if (choices.cachingEnabled && !bytes.retainDuplicates && task.cache !== undefined && task.cache.maxBytes > 0) {
    store = new CachingWindowStore(store, task, task.cache);
  }
  return store;
}
