import { InMemoryKeyValueStore } from '../../src/state/in-memory-key-value-store.js';
import { keyValueStoreSuite } from './key-value-store.suite.js';

let next = 0;
keyValueStoreSuite('InMemoryKeyValueStore', {
  create: (location) => new InMemoryKeyValueStore(location),
  newLocation: async () => `store-${next++}`,
  supports: { persistent: false },
});
