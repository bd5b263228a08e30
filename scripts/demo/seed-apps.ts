/**
 * The seed topologies `npm start` runs, each from its example module in `examples/`.
 *
 * An example that has not landed yet (its file is missing) is skipped with a line saying so; the
 * demo never stands in for it with a topology of its own. Examples are imported by path at run
 * time so that the demo compiles and runs whichever of them exist.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { StreamsConfigInput, Topology } from '../../src/index.js';

/** A seed topology the demo knows how to run. */
export interface SeedApp {
  /** Short name shown in the console. */
  readonly name: string;
  /** Module path from the repository root. */
  readonly file: string;
  /** What it does, one line. */
  readonly summary: string;
  /** Arguments for its `buildTopology` (default none). */
  readonly buildArgs?: readonly unknown[];
}

export const SEED_APPS: readonly SeedApp[] = [
  { name: 'filter', file: 'examples/filter.ts', summary: 'stream_log -> stream_log_filter (lines longer than 5 characters)' },
  { name: 'stream-table join', file: 'examples/stream-table-join.ts', summary: 'order joined with the address table -> order_join' },
  { name: 'stream-globaltable join', file: 'examples/stream-globaltable-join.ts', summary: 'order joined with the global table address_v2 -> order_join_v2' },
  {
    name: '5-second window count', file: 'examples/window-count.ts', summary: "test_log counted per key in 5 s tumbling windows -> store 'counts-5s'",
    // The example prints every window update; here the dashboard shows them and the console stays readable.
    buildArgs: [(): void => {}],
  },
  { name: 'queryable address table', file: 'examples/queryable-store.ts', summary: "address materialized as the queryable store 'address'" },
];

/** What an example module exports (see examples/filter.ts): its topology and its own config. */
interface ExampleModule {
  buildTopology(...args: unknown[]): Topology;
  exampleConfig?(): StreamsConfigInput;
}

/** A seed app ready to run: its topology and the config its example asks for. */
export interface LoadedSeedApp {
  readonly app: SeedApp;
  readonly topology: Topology;
  /** The example's config (application id, serdes, ...), before the demo's overrides. */
  readonly config: Partial<StreamsConfigInput>;
}

export type SeedAppLoad = { readonly loaded: LoadedSeedApp } | { readonly skipped: SeedApp; readonly reason: string };

const ROOT = new URL('../../', import.meta.url);

/**
 * Loads `app`'s example module when its file exists. A module that exists but fails to load or
 * to build its topology is reported as skipped with the error, so one broken example does not
 * keep the others from running.
 */
export async function loadSeedApp(app: SeedApp): Promise<SeedAppLoad> {
  const url = new URL(app.file, ROOT);
  if (!existsSync(fileURLToPath(url))) return { skipped: app, reason: `${app.file} has not landed yet` };
  try {
    const module = (await import(url.href)) as Partial<ExampleModule>;
    if (typeof module.buildTopology !== 'function') return { skipped: app, reason: `${app.file} exports no buildTopology()` };
    const topology = module.buildTopology(...(app.buildArgs ?? []));
    const config = typeof module.exampleConfig === 'function' ? module.exampleConfig() : {};
    return { loaded: { app, topology, config } };
  } catch (e) {
    return { skipped: app, reason: `${app.file} failed to load: ${e instanceof Error ? e.message : String(e)}` };
  }
}
