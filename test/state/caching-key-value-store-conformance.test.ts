import { CachingKeyValueStore } from '../../src/state/caching-key-value-store.js';
import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import type { RecordCache } from '../../src/state/record-cache.js';
import { fakeStoreTaskContext } from './fake-store-task-context.js';
import { keyValueStoreSuite } from './key-value-store.suite.js';

// The caching layer must not change what a key-value store answers: the whole conformance suite,
// with a cache that holds everything and with one so small that nearly every write evicts.
let next = 0;
for (const [label, bytes] of [['a large cache', 10 * 1024 * 1024], ['a cache of ~3 entries', 200]] as const) {
  keyValueStoreSuite(`CachingKeyValueStore over InMemoryKeyValueStore with ${label}`, {
    create: (location) => {
      const task = fakeStoreTaskContext(bytes);
      return new CachingKeyValueStore(new InMemoryKeyValueStore(location), task.context, task.context.cache as RecordCache);
    },
    newLocation: async () => `cached-${next++}`,
    supports: { persistent: false },
  });
}
