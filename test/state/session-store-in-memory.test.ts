import { InMemorySessionStore } from '../../src/state/in-memory-session-store.js';
import { sessionStoreSuite } from './session-store.suite.js';

let next = 0;
sessionStoreSuite('InMemorySessionStore', {
  create: (location, options) => new InMemorySessionStore(location, options),
  newLocation: async () => `store-${next++}`,
  countStoredEntries: async (store) => (store as InMemorySessionStore).entryCount,
  supports: { persistent: false, segments: false },
});
