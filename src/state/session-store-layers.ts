import { CachingSessionStore } from './caching-session-store.js';
import { ChangeLoggingSessionStore } from './change-logging-session-store.js';
import type { LayerChoices } from './key-value-store-layers.js';
import type { SessionStore } from './session-store.js';
import type { StoreBuildContext } from './store-builder.js';

/**
 * Stacks the layers Kafka's `SessionStoreBuilder` stacks over a byte session store, inner to
 * outer: changelogging (when logging is enabled), then the record cache (when caching is enabled
 * and the task's cache has a budget). The typed layer goes on top. Outside a task
 * (`context.task` absent) the byte store is returned as is.
 */
export function stackSessionLayers(bytes: SessionStore<Buffer, Buffer>, choices: LayerChoices, context: StoreBuildContext): SessionStore<Buffer, Buffer> {
  const task = context.task;
  if (task === undefined) return bytes;
  let store = bytes;
  if (choices.loggingEnabled && context.applicationId !== undefined) {
    store = new ChangeLoggingSessionStore(store, task, `${context.applicationId}-${choices.name}-changelog`);
  }
  if (choices.cachingEnabled && task.cache !== undefined && task.cache.maxBytes > 0) {
    store = new CachingSessionStore(store, task, task.cache);
  }
  return store;
}
