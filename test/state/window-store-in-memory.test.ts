import { InMemoryWindowStore } from '../../src/state/in-memory-window-store.js';
import { windowStoreSuite } from './window-store.suite.js';

let next = 0;
windowStoreSuite('InMemoryWindowStore', {
  create: (location, options) => new InMemoryWindowStore(location, options),
  newLocation: async () => `store-${next++}`,
  countStoredEntries: async (store) => (store as InMemoryWindowStore).entryCount,
  supports: { persistent: false, segments: false },
});
