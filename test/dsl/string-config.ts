import { Serdes } from '../../src/serde/serdes.js';

/** Test-driver config whose default serdes are strings, as most DSL tests read and write strings. */
export const stringDefaults = {
  'default.key.serde': Serdes.String(),
  'default.value.serde': Serdes.String(),
} as const;
