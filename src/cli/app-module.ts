/**
 * Loads a user's application module for `kstreams run` and `kstreams describe`.
 *
 * The module exports `buildTopology(config?)` (or a default export doing the same, or a
 * `Topology` as its default export), and optionally `config`: an object, or a function
 * returning one, with the application's own defaults (serdes, application.id ...).
 */
import { access } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigException } from '../errors.js';
import type { Topology } from '../topology/topology.js';

/** What the CLI needs of a loaded application module. */
export interface AppModule {
  /** The file the module was loaded from (absolute). */
  readonly path: string;
  /** The module's own config (from its `config` export), or an empty object. */
  config(): Promise<Record<string, unknown>>;
  /** Builds the topology; the merged config is passed in case the module wants it. */
  buildTopology(config: Record<string, unknown>): Promise<Topology>;
}

const TYPESCRIPT_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.tsx']);

/**
 * Imports the module at `specifier` (a path, relative to `cwd`).
 *
 * A TypeScript file needs a loader: under `tsx` (how the repository runs the CLI) it just
 * works; from the built CLI (`node dist/src/cli/main.js`) tsx's loader is registered on
 * demand when the package is installed, and otherwise the error says how to proceed.
 *
 * @throws ConfigException when the file is missing, cannot be loaded, or exports no topology
 */
export async function loadAppModule(specifier: string, cwd = process.cwd()): Promise<AppModule> {
  const path = resolve(cwd, specifier);
  try {
    await access(path);
  } catch {
    throw new ConfigException(`No application module at ${path}`);
  }
  const exports = await importModule(path);
  const build = topologyBuilder(exports, path);
  const configExport = exports['config'];
  return {
    path,
    async config() {
      const value: unknown = typeof configExport === 'function' ? await (configExport as () => unknown)() : configExport;
      if (value === undefined) return {};
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ConfigException(`The 'config' export of ${path} must be an object (or a function returning one), but is: ${describeValue(value)}`);
      }
      return { ...(value as Record<string, unknown>) };
    },
    async buildTopology(config) {
      const topology = await build(config);
      if (!looksLikeTopology(topology)) {
        throw new ConfigException(`${path}: buildTopology() must return a Topology (StreamsBuilder.build()), but returned: ${describeValue(topology)}`);
      }
      return topology;
    },
  };
}

async function importModule(path: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!TYPESCRIPT_EXTENSIONS.has(extname(path)) || (error as NodeJS.ErrnoException).code !== 'ERR_UNKNOWN_FILE_EXTENSION') {
      throw new ConfigException(`Cannot load application module ${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    // A variable specifier: tsx is a development tool, not a dependency of the published CLI.
    const tsxApi = 'tsx/esm/api';
    const { register } = (await import(tsxApi)) as { register: () => unknown };
    register();
  } catch (error) {
    throw new ConfigException(
      `${path} is TypeScript and no TypeScript loader is available: install tsx (npm i -D tsx) or compile the module to JavaScript first`,
      { cause: error },
    );
  }
  try {
    // Node caches the failed import of `url`; a query string makes the retry a new module.
    return (await import(`${url}?typescript`)) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigException(`Cannot load application module ${path}: ${(error as Error).message}`, { cause: error });
  }
}

type Build = (config: Record<string, unknown>) => Promise<unknown>;

function topologyBuilder(exports: Record<string, unknown>, path: string): Build {
  const named = exports['buildTopology'];
  if (typeof named === 'function') return async (config) => (named as (c: unknown) => unknown)(config);
  const fallback = exports['default'];
  if (typeof fallback === 'function') return async (config) => (fallback as (c: unknown) => unknown)(config);
  if (looksLikeTopology(fallback)) return async () => fallback;
  const names = Object.keys(exports);
  throw new ConfigException(
    `${path} must export buildTopology() (or a default export returning a Topology); it exports: ${names.length > 0 ? names.join(', ') : 'nothing'}`,
  );
}

/**
 * Duck-typed on purpose: a module run from source and a CLI run from `dist/` hold two copies of
 * the `Topology` class, so `instanceof` would reject a perfectly good topology.
 */
function looksLikeTopology(value: unknown): value is Topology {
  return value !== null && typeof value === 'object' && typeof (value as { describe?: unknown }).describe === 'function';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object with keys [${Object.keys(value).join(', ')}]`;
  return `${typeof value} ${JSON.stringify(value)}`;
}
